"""Web test fixtures (loaded from tests/conftest.py): the site over a copy of the seeded sample
store, in process (Starlette's TestClient) or as a real `python bot.py web` on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from parsers.model import CheckResult, Region
from tests.helpers.patience import PATIENCE

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from store.browse import AgencyRow, Browser

PROJECT = Path(__file__).resolve().parent.parent
HUAIAN = Region("江苏省", "淮安市", None)
HONGZE = Region("江苏省", "淮安市", "洪泽区")
QINGJIANG = Region("江苏省", "淮安市", "清江浦区")
LIUAN = Region("安徽省", "六安市", "金安区")
FAILED = CheckResult("V4", False, "表四 行政复议：10 + 1 ≠ 0", ("review.total", "review.upheld"))


def add(
    engine: Engine, agency: str, year: int, region: Region, sha: str,
    checks: list[CheckResult] | None = None, **kw: object,
) -> None:  # fmt: skip
    """Store a complete report of `agency` (cells 0 but `values`) as file `<sha>.pdf`."""
    from store.ingest import write_report
    from tests.fixtures_store import make_report

    parsed = make_report(agency, year, region=region, **kw)  # type: ignore[arg-type]
    if checks is not None:
        parsed = replace(parsed, checks=checks)
    write_report(engine, parsed, source_name=f"{sha}.pdf", data_sha256=sha)


def named(browser: Browser, name: str) -> AgencyRow:
    (row,) = [row for row, _ in browser.directory() if row.name == name]
    return row


@pytest.fixture
def browse_store(engine: Engine) -> Browser:
    """Six agencies in three provinces' regions, on each backend (the `engine` fixture)."""
    from store.browse import Browser

    add(engine, "淮安市人民政府", 2024, HUAIAN, "a1", values={"apply.new.total": 40})
    add(engine, "洪泽区人民政府", 2023, HONGZE, "b1", values={"apply.new.total": 21},
        checks=[FAILED], prose={"apply.new.total": 21})  # fmt: skip
    add(engine, "洪泽区人民政府", 2024, HONGZE, "b2", values={"apply.new.total": 40})
    add(engine, "洪泽区财政局", 2024, HONGZE, "c1", values={"apply.new.total": 7})
    add(engine, "清江浦区100%_局", 2024, QINGJIANG, "d1", values={"apply.new.total": 3})
    add(engine, "金安区人民政府", 2024, LIUAN, "e1", values={"apply.new.total": 99})
    return Browser(engine)


@pytest.fixture(scope="session")
def web_db_url(bot_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One copy of the seeded sample store for every web test (the site only reads)."""
    path = tmp_path_factory.mktemp("web-db") / "web.sqlite3"
    for suffix in ("", "-wal"):
        source = bot_db_template.with_name(bot_db_template.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def web_engine(web_db_url: str) -> Iterator[Engine]:
    from store.db import make_engine

    engine = make_engine(web_db_url)
    yield engine
    engine.dispose()


def make_app(
    engine: Engine, *, rate_limit: str = "100000/minute", core: object = None
) -> Starlette:
    """The site as `bot.py web` builds it (over the same `Services`), over `engine`."""
    from services import Services
    from web.app import build_app

    services = Services(engine)
    return build_app(core or services, services.browser, rate_limit=rate_limit)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def web_client(web_engine: Engine) -> Iterator[TestClient]:
    from starlette.testclient import TestClient

    with TestClient(make_app(web_engine), raise_server_exceptions=False) as client:
        yield client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_site(*args: str, database_url: str, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    """`python bot.py <args>` serving the site on a free port of 127.0.0.1; (process, base URL)
    once /healthz answers."""
    port = free_port()
    drop = ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "WEB_PORT")
    environ = {k: v for k, v in os.environ.items() if k.upper() not in drop}
    environ.update(
        {"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "SEED_SAMPLES": "false", **env}
    )
    argv = [a.replace("{port}", str(port)) for a in args]
    environ = {k: v.replace("{port}", str(port)) for k, v in environ.items()}
    process = subprocess.Popen(
        [sys.executable, str(PROJECT / "bot.py"), *argv], env=environ, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + PATIENCE
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError(f"bot.py {' '.join(argv)} did not serve the site")
        time.sleep(0.1)


def stop_site(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    """SIGTERM, as a service manager stops it: (exit code, what it wrote to stderr). uvicorn
    shuts down gracefully, then re-raises the signal, so a clean stop exits with -SIGTERM."""
    process.terminate()
    _, err = process.communicate(timeout=PATIENCE)
    return process.returncode, err.decode("utf-8", "replace")


@pytest.fixture(scope="session")
def live_site(web_db_url: str) -> Iterator[str]:
    """A real `python bot.py web` on 127.0.0.1 over the sample store; its base URL."""
    process, base = start_site("web", "--port", "{port}", database_url=web_db_url)
    yield base
    stop_site(process)
