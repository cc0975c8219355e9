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
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

PROJECT = Path(__file__).resolve().parent.parent


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
    from store.browse import Browser
    from web.app import build_app

    return build_app(core or Services(engine), Browser(engine), rate_limit=rate_limit)  # type: ignore[arg-type]


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
    environ = {k: v for k, v in os.environ.items() if k.upper() != "TELEGRAM_BOT_TOKEN"}
    environ.update(
        {"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "SEED_SAMPLES": "false", **env}
    )
    argv = [a.replace("{port}", str(port)) for a in args]
    environ = {k: v.replace("{port}", str(port)) for k, v in environ.items()}
    process = subprocess.Popen([sys.executable, str(PROJECT / "bot.py"), *argv], env=environ)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"bot.py {' '.join(argv)} did not serve the site")
        time.sleep(0.1)


def stop_site(process: subprocess.Popen[bytes]) -> int:
    process.terminate()
    return process.wait(timeout=30)


@pytest.fixture(scope="session")
def live_site(web_db_url: str) -> Iterator[str]:
    """A real `python bot.py web` on 127.0.0.1 over the sample store; its base URL."""
    process, base = start_site("web", "--port", "{port}", database_url=web_db_url)
    yield base
    stop_site(process)
