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
from sqlalchemy import Engine

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

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/postgres"

    def fresh_database(self) -> str:
        """A new empty database on the server, as a SQLAlchemy URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={PG_USER} dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
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
        options = (f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")  # fmt: skip
        subprocess.run(
            _as_server_user(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                            "-l", str(root / "server.log"), "-w", "-t", "60", "start"),
            check=True, capture_output=True, timeout=90,
        )  # fmt: skip
    except (subprocess.SubprocessError, OSError) as err:
        shutil.rmtree(root, ignore_errors=True)
        return None, f"PostgreSQL did not start: {err}"
    return PostgresServer(bin_dir, root, port, itertools.count()), ""


def stop_postgres(server: PostgresServer) -> None:
    subprocess.run(
        _as_server_user(str(server.bin_dir / "pg_ctl"), "-D", str(server.root / "data"),
                        "-m", "immediate", "-w", "stop"),
        capture_output=True, timeout=60,
    )  # fmt: skip
    shutil.rmtree(server.root, ignore_errors=True)


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


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A fresh database at the newest schema revision."""
    engine = make_engine(db_url)
    upgrade(engine)
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
