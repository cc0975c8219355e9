"""Engine factory and schema upgrades. There is no module-level engine: `bot.py` builds one.

SQLite gets WAL, foreign keys and a busy timeout on every connection, and transactions that
write can ask for `BEGIN IMMEDIATE` (execution option `sqlite_begin`) so that two writer
processes queue on the lock instead of failing with SQLITE_BUSY_SNAPSHOT.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import InterfaceError, OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
# pg_advisory_lock key held while migrating, so that bot processes starting together queue up.
_UPGRADE_LOCK_KEY = 0x6E69616E62616F  # "nianbao"
# pg_advisory_xact_lock key held by a transaction that writes reports (see `serialise_writes`).
_REPORTS_LOCK_KEY = _UPGRADE_LOCK_KEY + 1
# What a database that cannot be reached raises (stopped, restarting, out of connections,
# unreachable; SQLite: locked past the busy timeout, disk I/O): the request itself was fine.
DATABASE_DOWN = (OperationalError, InterfaceError)
# Execution options for a transaction that will write (ignored outside SQLite).
WRITE = {"sqlite_begin": "IMMEDIATE"}


def make_engine(url: str) -> Engine:
    """An engine for `url` (SQLite path or `postgresql+psycopg://…`)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_engine(url: Any) -> Engine:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        # On a read-only file system SQLite itself says so (SQLITE_CANTOPEN, store.faults).
        with contextlib.suppress(OSError):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would defer BEGIN and break BEGIN IMMEDIATE;
        # SQLAlchemy's documented recipe hands transactions to the "begin" event instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB per connection
        cursor.execute("PRAGMA mmap_size=268435456")  # reads share the OS page cache
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def serialise_writes(conn: Connection) -> None:
    """Make this transaction's report writes wait for every other one, before it reads what it
    decides on (stored hashes, current versions). SQLite's BEGIN IMMEDIATE (`WRITE`) does so
    already; on PostgreSQL, under READ COMMITTED, two loaders otherwise both miss the other's
    uncommitted bytes and store them twice. The lock goes with the transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _REPORTS_LOCK_KEY})


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configuration without an alembic.ini: the scripts live in store/migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the schema to `revision`; safe when several processes start at once. A database
    already at the head is left as it is without loading alembic, which is a fifth of the
    start-up of every `bot.py` command."""
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _UPGRADE_LOCK_KEY})
            conn.commit()
            try:
                _run_upgrade(conn, revision)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _UPGRADE_LOCK_KEY})
                conn.commit()
        else:
            _run_upgrade(conn.execution_options(**WRITE), revision)


def _run_upgrade(conn: Connection, revision: str) -> None:
    from alembic import command

    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # start-up noise
    command.upgrade(alembic_config(conn), revision)
    conn.commit()


def head_revision() -> str:
    """The newest migration's revision. Each script's revision is its file's name, numbered
    in order (0009_rankings.py is "0009_rankings"): tests/test_store_db.py holds the scripts
    to this against alembic's own reading of them."""
    return max(path.stem for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database: no alembic_version)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        revision: str | None = conn.execute(
            text("SELECT version_num FROM alembic_version")
        ).scalar()
        return revision
