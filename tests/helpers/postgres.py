"""A real PostgreSQL server for the tests: initdb + pg_ctl in a temporary directory, listening on
127.0.0.1 only (as the `postgres` system user when run as root), one fresh database per use."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

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


def start_postgres(root: Path | None = None) -> tuple[PostgresServer | None, str]:
    """(server, "") or (None, why it could not start). With `root`, the server keeps its data
    there and starts on what an earlier run left (a benchmark's store is built once)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        return None, "no PostgreSQL binaries under /usr/lib/postgresql"
    bin_dir = Path(candidates[-1]).parent
    kept = root is not None
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="nianbao-pg-"))
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(root, PG_USER, PG_USER)
    if kept and (root / "data" / "PG_VERSION").exists():
        return _listen(bin_dir, root, kept)
    try:
        subprocess.run(
            _as_server_user(str(bin_dir / "initdb"), "-D", str(root / "data"), "-U", PG_USER,
                            "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    except (subprocess.SubprocessError, OSError) as err:
        if not kept:
            shutil.rmtree(root, ignore_errors=True)
        return None, f"PostgreSQL did not start: {err}"
    return _listen(bin_dir, root, kept)


def _listen(bin_dir: Path, root: Path, kept: bool) -> tuple[PostgresServer | None, str]:
    """Start the server of `root` on a free loopback port (a kept root survives a failure)."""
    why = ""
    for _ in range(3):
        # Between _free_port closing its socket and the server binding it, another test
        # worker may take the port: then the server cannot listen, and another port is tried.
        server = PostgresServer(bin_dir, root, _free_port(), itertools.count())
        try:
            server.start()
            return server, ""
        except (subprocess.SubprocessError, OSError) as err:
            why = f"PostgreSQL did not start: {err}"
    if not kept:
        shutil.rmtree(root, ignore_errors=True)
    return None, why


def stop_postgres(server: PostgresServer) -> None:
    subprocess.run(
        _as_server_user(str(server.bin_dir / "pg_ctl"), "-D", str(server.root / "data"),
                        "-m", "immediate", "-w", "stop"),
        capture_output=True, timeout=60,
    )  # fmt: skip
    shutil.rmtree(server.root, ignore_errors=True)
