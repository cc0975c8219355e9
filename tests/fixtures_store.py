"""Shared test fixtures for store tests (loaded from tests/conftest.py).

The `engine` fixture runs each store test twice: on a fresh SQLite file and on a fresh database
of a real PostgreSQL server that this module starts once per session (initdb + pg_ctl as the
`postgres` user, listening on 127.0.0.1 only). Without PostgreSQL binaries those runs are
skipped, unless NIANBAO_REQUIRE_POSTGRES=1 (CI) makes that a failure.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers every table on SQLModel.metadata)
from parsers.fields import TemplateVersion, template_fields
from parsers.model import Cell, CheckResult, ParsedReport, Region
from store.db import make_engine, upgrade

PG_USER = "postgres"


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path
    port: int
    _counter: itertools.count[int]

    def start(self) -> None:
        """Start the server on its data directory (again, after `stop`)."""
        options = (f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")  # fmt: skip
        subprocess.run(
            _as_server_user(str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"), "-o",
                            options, "-l", str(self.root / "server.log"), "-w", "-t", "60",
                            "start"),
            check=True, capture_output=True, timeout=90,
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server as an operator would (fast: clients are disconnected), keeping
        its data."""
        subprocess.run(
            _as_server_user(str(self.bin_dir / "pg_ctl"), "-D", str(self.root / "data"),
                            "-m", "fast", "-w", "stop"),
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/postgres"

    def fresh_database(self, *, template: str | None = None) -> str:
        """A new database on the server (a copy of `template` if given), as a SQLAlchemy URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._counter)}"
        copy = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={PG_USER} dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy}')  # type: ignore[arg-type]
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{name}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_server_user(*cmd: str) -> list[str]:
    """initdb refuses root: run the server binaries as the postgres system user."""
    if os.geteuid() != 0:
        return list(cmd)
    return ["runuser", "-u", PG_USER, "--", *cmd]


def start_postgres() -> tuple[PostgresServer | None, str]:
    """(server, "") or (None, why it could not start)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        return None, "no PostgreSQL binaries under /usr/lib/postgresql"
    bin_dir = Path(candidates[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="nianbao-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, PG_USER, PG_USER)
    data, port = root / "data", _free_port()
    try:
        subprocess.run(
            _as_server_user(str(bin_dir / "initdb"), "-D", str(data), "-U", PG_USER,
                            "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        server = PostgresServer(bin_dir, root, port, itertools.count())
        server.start()
    except (subprocess.SubprocessError, OSError) as err:
        shutil.rmtree(root, ignore_errors=True)
        return None, f"PostgreSQL did not start: {err}"
    return server, ""


def stop_postgres(server: PostgresServer) -> None:
    subprocess.run(
        _as_server_user(str(server.bin_dir / "pg_ctl"), "-D", str(server.root / "data"),
                        "-m", "immediate", "-w", "stop"),
        capture_output=True, timeout=60,
    )  # fmt: skip
    shutil.rmtree(server.root, ignore_errors=True)


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
                "check_results")  # fmt: skip


ORDER = {table: "id" for table in STORE_TABLES} | {"figures": 'report_id, "key"'}


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
