"""Shared test fixtures for store tests (loaded from tests/conftest.py).

The `engine` fixture runs each store test twice: on a fresh SQLite file and on a fresh database
of a real PostgreSQL server that this module starts once per session (initdb + pg_ctl as the
`postgres` user, listening on 127.0.0.1 only). Without PostgreSQL binaries those runs are
skipped, unless NIANBAO_REQUIRE_POSTGRES=1 (CI) makes that a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers every table on SQLModel.metadata)
from parsers.fields import TemplateVersion, template_fields
from parsers.model import Cell, CheckResult, ParsedReport, Region
from store.db import make_engine, upgrade
from tests.helpers.postgres import PostgresServer, start_postgres, stop_postgres


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, which it may stop and start."""
    server, why = start_postgres()
    if server is None:
        if os.environ.get("NIANBAO_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"NIANBAO_REQUIRE_POSTGRES=1 but {why}")
        pytest.skip(why)
    yield server
    stop_postgres(server)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    server, why = start_postgres()
    if server is None and os.environ.get("NIANBAO_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"NIANBAO_REQUIRE_POSTGRES=1 but {why}")
    yield server
    if server is not None:
        stop_postgres(server)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_server: PostgresServer | None
) -> str:
    """A fresh, empty database (no schema yet) on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'nianbao.sqlite3'}"
    if postgres_server is None:
        pytest.skip("PostgreSQL is not available")
    return postgres_server.fresh_database()


@pytest.fixture(scope="session")
def migrated_templates(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer | None
) -> dict[str, str]:
    """Per backend, a database at the newest revision: copied (SQLite) or emptied
    (PostgreSQL) for each test, instead of migrating every test's database from scratch."""
    sqlite_file = tmp_path_factory.mktemp("template") / "template.sqlite3"
    urls = {"sqlite": f"sqlite:///{sqlite_file}"}
    if postgres_server is not None:
        urls["postgresql"] = postgres_server.fresh_database()
    for url in urls.values():
        template = make_engine(url)
        upgrade(template)
        template.dispose()
    return {"sqlite": str(sqlite_file), "postgresql": urls.get("postgresql", "")}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    postgres_server: PostgresServer | None,
    migrated_templates: dict[str, str],
) -> Iterator[Engine]:
    """A fresh database at the newest schema revision, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "db" / "nianbao.sqlite3"
        path.parent.mkdir()
        shutil.copyfile(migrated_templates["sqlite"], path)
        url = f"sqlite:///{path}"
    elif postgres_server is None:
        pytest.skip("PostgreSQL is not available")
    else:
        url = migrated_templates["postgresql"]
    engine = make_engine(url)
    if request.param == "postgresql":
        # One migrated database for the session, emptied per test (CREATE DATABASE takes ~1 s).
        tables = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield engine
    engine.dispose()


HONGZE = Region("江苏省", "淮安市", "洪泽区")


def make_report(
    agency: str = "洪泽区人民政府",
    year: int = 2023,
    *,
    region: Region = HONGZE,
    values: Mapping[str, int | Decimal] | None = None,
    template: TemplateVersion = "2021",
    **extra: object,
) -> ParsedReport:
    """A complete report of `template` with every cell 0 except `values`."""
    values = values or {}
    cells = {
        f.key: Cell(value=values.get(f.key, 0), raw=str(values.get(f.key, 0)))
        for f in template_fields(template)
    }
    return ParsedReport(
        agency=agency,
        year=year,
        template=template,
        format="text",
        cells=cells,
        region=region,
        level="government",
        title=f"{agency}{year}年政府信息公开工作年度报告",
        checks=[CheckResult("V1", True, "第一项加第二项等于第三项加第四项")],
        **extra,  # type: ignore[arg-type]
    )


STORE_TABLES = ("regions", "agencies", "agency_aliases", "reports", "figures", "prose_figures",
                "check_results", "ranked_values", "ranked_counts")  # fmt: skip


ORDER = {table: "id" for table in STORE_TABLES} | {
    "figures": 'report_id, "key"',
    "ranked_values": '"key", year, value, agency_id',
    "ranked_counts": '"key", year',
}


def dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every report table, in id order: equal dumps mean equal databases."""
    with engine.connect() as conn:
        return {
            table: [
                tuple(row)
                for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY {ORDER[table]}"))
            ]
            for table in STORE_TABLES
        }


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)
