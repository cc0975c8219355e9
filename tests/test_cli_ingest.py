"""`bot.py ingest`: real reports parsed in worker processes, one transaction per report."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

import parsers
from cli.ingest import SKIPPED_HINT, _store_all, discover, ingest_paths
from parsers.model import ParsedReport
from store.db import make_engine, serialise_writes, upgrade
from store.reader import StoreReader
from tests.fixtures_store import dump
from tests.helpers.documents import PROJECT, SAMPLES, TEST_DATA, document
from tests.helpers.patience import PATIENCE
from tests.helpers.postgres import PostgresServer
from tests.helpers.scans import photo_png

TEXT_REPORT = document("luan_jinan_data_bureau_2020.txt")


def test_ingesting_the_test_data_twice_gives_the_same_database(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ingest_paths(engine, [SAMPLES, TEST_DATA], workers=2) == 0
    first = capsys.readouterr().out
    before = dump(engine)
    assert ingest_paths(engine, [SAMPLES, TEST_DATA], workers=2) == 0
    second = capsys.readouterr().out
    assert dump(engine) == before
    # pingtan 2023: the .txt comes after the .html and reads 3 cells as ambiguous: kept, not
    # current (store.writer.version_rank)
    assert "新增 │    9" in first and "替换 │    0" in first and "存档 │    1" in first
    assert "未变 │   10" in second
    reader = StoreReader(engine)
    names = {a.name: reader.years(a.id) for a in reader.agencies()}
    assert names == {
        "淮安市洪泽区人民政府": [2023, 2024],  # 洪泽区人民政府 in 2023: the same agency
        "淮安市人民政府": [2024],
        "六安市金安区数据资源管理局": [2020],
        "平潭综合实验区": [2019, 2021, 2023, 2025],
        "上海市人民政府办公厅": [2019],
    }
    pingtan = next(a for a in reader.agencies() if a.name == "平潭综合实验区")
    assert reader.report(pingtan.id, 2023).source_name == "pingtan_2023.html"  # type: ignore[union-attr]


def test_the_page_photos_of_a_folder_are_one_report_in_the_order_of_their_names(
    tmp_path: Path,
) -> None:
    pages = tmp_path / "scan"
    pages.mkdir()
    for name in ("页10.jpg", "页2.png", "页1.PNG"):
        (pages / name).write_bytes(b"")
    shutil.copy(TEXT_REPORT, pages / "report.txt")
    (tmp_path / "cover.png").write_bytes(b"")
    found = discover([tmp_path, pages / "页2.png"])  # a photo named again is no second report
    scan, top = pages.resolve(), tmp_path.resolve()
    assert found.files == [top, scan / "report.txt", scan]
    assert found.albums == {
        top: [top / "cover.png"],
        scan: [scan / "页1.PNG", scan / "页2.png", scan / "页10.jpg"],
    }


@pytest.mark.usefixtures("ocr_read_once")  # the album of tests/test_handlers_photos.py: same pages
def test_ingest_stores_a_folder_of_page_photos_as_one_report_with_a_bar_of_its_pages(
    tmp_path: Path,
) -> None:
    """Two photos of 淮安 2024 (its title page and 表四), read by OCR in the OCR worker of the
    pool's worker; the bar of files and a bar of the photos' pages both reach the end. (On
    SQLite only: storing is the same as any report's.)"""
    from io import StringIO

    from rich.console import Console
    from rich.progress import Progress

    folder = tmp_path / "淮安2024"
    folder.mkdir()
    (folder / "2.png").write_bytes(photo_png("huaian_city_2024.pdf", 4))
    (folder / "1.png").write_bytes(photo_png("huaian_city_2024.pdf", 0))
    found = discover([folder])
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine)
    with Progress(console=Console(file=StringIO(), force_terminal=True)) as progress:
        tally = _store_all(engine, found.files, workers=1, progress=progress, albums=found.albums)
    assert tally.failures == [] and tally.counts["new"] == 1
    bars = {task.description: (task.completed, task.total) for task in progress.tasks}
    assert bars == {"入库": (1, 1), "识别扫描件 淮安2024（页）": (2, 2)}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT source_name FROM reports")).all() == [("淮安2024",)]
        value = conn.execute(text("SELECT value FROM figures WHERE key = 'review.total'"))
        assert value.scalar_one() == 351


def _crash_on_marker(
    data: bytes, *, filename: str | None = None, progress: parsers.Progress | None = None
) -> ParsedReport:
    """Stands in for a parser that kills its process (a segfault in a PDF library)."""
    if data.startswith(b"CRASH"):
        os._exit(3)
    return REAL_PARSE(data, filename=filename, progress=progress)


REAL_PARSE = parsers.parse_bytes


def test_a_crashing_or_failing_file_fails_alone_and_the_exit_code_says_so(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(parsers, "parse_bytes", _crash_on_marker)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")  # the summary table is as wide as the terminal
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(TEXT_REPORT, folder / "sub" / "good.txt")
    (folder / "crash.txt").write_bytes(b"CRASH")
    (folder / "junk.txt").write_text("今天天气很好。\n", encoding="utf-8")
    (folder / ".hidden.txt").write_bytes(b"CRASH")
    (folder / "notes.md").write_bytes(b"CRASH")
    (folder / "table.xlsx").write_bytes(b"CRASH")
    (folder / "sub" / "LICENSE").write_bytes(b"CRASH")
    code = ingest_paths(engine, [folder, tmp_path / "missing.pdf"], workers=2)
    out = capsys.readouterr().out
    assert code == 1
    # the summary says each failure in Chinese; no log line at the default level (WARNING) too
    assert not [r for r in caplog.records if "失败" in r.getMessage() and r.levelno >= 30]
    assert "新增 │    1" in out
    assert "失败 │    3" in out
    assert "in/crash.txt：解析进程意外退出（文件可能已损坏）" in out
    assert "in/junk.txt：未找到政府信息公开工作年度报告的表格，这似乎不是一份年报" in out
    assert "missing.pdf：文件或文件夹不存在" in out
    # the files of the folder that are not read are named, each with its reason
    assert "跳过 │    3" in out
    assert "Markdown 文件（多为说明文档），未读取：in/notes.md" in out
    assert "没有扩展名，看不出是年报，未读取：in/sub/LICENSE" in out
    assert "不是年报的文件格式（.xlsx），未读取：in/table.xlsx" in out
    assert SKIPPED_HINT in out
    assert ".hidden.txt" not in out
    with engine.connect() as conn:
        assert conn.execute(text("SELECT source_name FROM reports")).all() == [("good.txt",)]


def test_kill_9_of_ingest_takes_its_worker_processes_with_it(
    postgres_server: PostgresServer | None,
) -> None:
    """The workers used to stay blocked on their task queue forever. The test holds the lock
    report writers take on PostgreSQL, so `ingest` waits in its first write with its workers
    started; then it is killed, and every worker must be gone."""
    if postgres_server is None:
        pytest.skip("PostgreSQL is not available")
    url = postgres_server.fresh_database()
    engine = make_engine(url)
    upgrade(engine)
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    with engine.connect() as holder:
        serialise_writes(holder)  # until this transaction ends, no report is written
        ingest = subprocess.Popen(
            [sys.executable, "bot.py", "ingest", "--workers", "2", str(SAMPLES)],
            cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            workers = _wait_for_children(ingest.pid, count=2)
        finally:
            ingest.kill()
            ingest.wait()
    engine.dispose()
    deadline = time.monotonic() + PATIENCE
    while (alive := [pid for pid in workers if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in alive:  # leave nothing behind, whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert alive == []


def _wait_for_children(parent: int, *, count: int, timeout: float = PATIENCE) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = [pid for pid in _pids() if _stat(pid)[1] == parent]
        if len(children) >= count:
            return children
        time.sleep(0.05)
    raise AssertionError(f"ingest did not start {count} workers")


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _stat(pid: int) -> tuple[str, int]:
    """(state, parent pid) from /proc/<pid>/stat; ("", 0) once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return "", 0
    return fields[0], int(fields[1])


def _running(pid: int) -> bool:
    return _stat(pid)[0] not in ("", "Z")  # a zombie has exited; PID 1 may not reap it soon
