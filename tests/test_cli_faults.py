"""Storage faults at the command line (issue #11, item 7): a full disk, a read-only database
file or file system, a stopped PostgreSQL end `bot.py` in two Chinese lines instead of a
traceback; the log does not call them 写入冲突 (nothing is retried); a full disk still prints
the summary, and what was stored before stays whole.

Real faults: a size-limited tmpfs (and the same remounted read-only), an immutable or
read-only file, a PostgreSQL server of the test's own that is stopped. Mounting needs
CAP_SYS_ADMIN: without it those cases are skipped.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from store.db import make_engine, upgrade
from store.faults import CANNOT_OPEN, DISK_FULL, NOTHING_LOST, READ_ONLY, UNREACHABLE
from tests.helpers.documents import document
from tests.helpers.patience import PATIENCE
from tests.helpers.postgres import PostgresServer
from tests.test_store_loaders import make_files

PROJECT = Path(__file__).resolve().parent.parent


def bot(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "INFO", "COLUMNS": "200"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "bot.py", *args], cwd=PROJECT, env=env, capture_output=True,
        text=True, timeout=PATIENCE,
    )  # fmt: skip


def assert_two_lines(run: subprocess.CompletedProcess[str], *faults: str) -> None:
    """Exit code 3; stderr ends in the fault and the reassurance, with nothing like a
    traceback or a retried "conflict" anywhere."""
    assert run.returncode == 3, run.stdout + run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines[-2].startswith(tuple(f"错误：{fault}" for fault in faults)), run.stderr
    assert lines[-1] == NOTHING_LOST
    everything = run.stdout + run.stderr
    assert "Traceback" not in everything and "写入冲突" not in everything


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (the disk that fills up), unmounted afterwards."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)


def test_a_full_disk_stops_ingest_with_the_summary_and_loses_nothing(
    tmpfs: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmpfs / 'nianbao.sqlite3'}"
    files = make_files(tmp_path / "reports")
    run = bot("ingest", "--workers", "1", str(tmp_path / "reports"), url=url)
    assert_two_lines(run, DISK_FULL)
    assert "入库结果" in run.stdout and f"未入库：{DISK_FULL}" in run.stdout
    stored = sum(_count(run.stdout, label) for label in ("新增", "替换", "存档"))
    assert 0 < stored < len(files)
    remount(tmpfs, "size=64m")  # space again: the same command finishes the job
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        reports = conn.execute(text("SELECT count(*) FROM reports")).scalar()
        cells = conn.execute(text(
            "SELECT count(*) FROM reports r WHERE r.cell_count <> "
            "(SELECT count(*) FROM figures f WHERE f.report_id = r.id)"
        )).scalar()  # fmt: skip
    engine.dispose()
    assert (reports, cells) == (stored, 0)  # every counted report whole, nothing half
    again = bot("ingest", "--workers", "1", str(tmp_path / "reports"), url=url)
    assert again.returncode == 0, again.stdout + again.stderr
    engine = make_engine(url)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM reports")).scalar()
    engine.dispose()
    assert total == len({hashlib.sha256(path.read_bytes()).digest() for path in files})


def test_a_read_only_file_system_is_two_lines(tmpfs: Path) -> None:
    url = f"sqlite:///{tmpfs / 'nianbao.sqlite3'}"
    assert bot("ingest", str(document("pingtan_2021.txt")), url=url).returncode == 0
    remount(tmpfs, "ro")
    try:
        # SQLite cannot make its -wal and -shm files there: it cannot open the database
        for args in (("ingest", str(document("pingtan_2019.txt"))), ("ask", "平潭 2021 申请数量")):
            assert_two_lines(bot(*args, url=url), READ_ONLY, CANNOT_OPEN)
    finally:
        remount(tmpfs, "rw")


def test_a_read_only_database_file_is_two_lines(tmp_path: Path) -> None:
    database = tmp_path / "nianbao.sqlite3"
    url = f"sqlite:///{database}"
    assert bot("ingest", str(document("pingtan_2021.txt")), url=url).returncode == 0
    with _read_only(database):
        run = bot("ingest", str(document("pingtan_2019.txt")), url=url)
    assert_two_lines(run, READ_ONLY)


def test_a_stopped_postgresql_is_two_lines(own_postgres: PostgresServer) -> None:
    url = own_postgres.fresh_database()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    own_postgres.stop()
    for args in (("ingest", str(document("pingtan_2021.txt"))), ("ask", "平潭 2021 申请数量"),
                 ("export", "out.csv"), ("reminders", "--at", "2027-01-24T09:00")):  # fmt: skip
        assert_two_lines(bot(*args, url=url), UNREACHABLE)


def _count(summary: str, label: str) -> int:
    row = next(line for line in summary.splitlines() if line.lstrip("│ ").startswith(label))
    return int(row.split("│")[2])


class _read_only:
    """The file made read-only: chmod for a user, the immutable attribute for root (whom
    permissions do not stop)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        if os.geteuid() != 0:
            self.path.chmod(0o444)
        elif subprocess.run(["chattr", "+i", str(self.path)], capture_output=True).returncode:
            pytest.skip("chattr +i is not supported here")

    def __exit__(self, *exc: object) -> None:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(self.path)], capture_output=True)
        self.path.chmod(0o644)
