"""Alembic environment: always run by `store.db.upgrade` on a connection it passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers every table on SQLModel.metadata)

target_metadata = SQLModel.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # SQLite's DDL is transactional, but Alembic assumes not and commits after every
        # revision: a second process starting at once then reads a half-done version and
        # runs the same revisions again. One transaction (BEGIN IMMEDIATE) queues it instead.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through store.db.upgrade(engine)")
run_migrations(connection)
