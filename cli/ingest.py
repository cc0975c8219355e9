"""`bot.py ingest PATH...`: find report files, parse them in worker processes, store each in its
own transaction, show progress on a terminal and a summary table at the end.

Page photos (PNG/JPEG) are one report per folder: the pictures in one folder, in the order of
their names (页2 before 页10), are taken as the pages of one report — a report photographed
page by page is saved together, and a single picture is rarely a whole report. Scans and
photos are read by OCR, seconds a page: on a terminal each one being read has a bar of its
pages beside the bar of files.

Parsing is the slow part (PDFs, scans), so it runs in a process pool while the main process
writes, in input order. A worker that crashes (segfault,
out of memory) costs only the files it held: they are parsed again one by one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import logging
import os
import re
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from queue import Empty
from threading import Thread
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table as RichTable
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from parsers.model import ParsedReport, ParseError
from store.faults import NOTHING_LOST, STORAGE_FAULT, storage_fault
from store.ingest import all_shas, stored_outcome, write_report
from store.writer import IngestOutcome

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # linux/prctl.h

# "存档": stored as a superseded version, since the current one is the better (store.writer).
STATUS_LABELS: dict[str, str] = {"new": "新增", "replaced": "替换", "archived": "存档",
                                 "unchanged": "未变"}  # fmt: skip
# Extensions looked at inside folders (a file named on the command line is always tried).
REPORT_SUFFIXES = frozenset({".txt", ".text", ".htm", ".html", ".xhtml", ".mht", ".mhtml",
                             ".pdf", ".doc", ".docx", ".wps", ".rtf", ".odt"})  # fmt: skip
PHOTO_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})  # a folder's photos: one report's pages
Data = bytes | tuple[bytes, ...]  # a file's bytes, or a folder's photos in page order


SKIPPED_HINT = "其中若有年报，请单独指定该文件导入：nianbao ingest 文件"


@dataclass(frozen=True)
class Failed:
    """A file that could not be parsed; `reason` is one Chinese line."""

    reason: str


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_LABELS, 0))
    failures: list[tuple[str, str]] = field(default_factory=list)
    fault: str | None = None  # the storage fault that stopped the run (store.faults)
    left: int = 0  # files not looked at because of it
    skipped: list[tuple[str, str]] = field(default_factory=list)  # files of folders not read

    def add(self, outcome: IngestOutcome) -> None:
        self.counts[outcome.status] += 1

    def fail(self, name: str, reason: str) -> None:
        self.failures.append((name, reason))


def skip_reason(path: Path) -> str:
    """What a file found in a folder is, that it is not read: said, so that a report among
    them is not lost without a word."""
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        kind = "Markdown 文件（多为说明文档）"
    elif suffix:
        kind = f"不是年报的文件格式（{suffix}）"
    else:
        kind = "没有扩展名，看不出是年报"
    return kind


@dataclass(frozen=True)
class Found:
    """What a walk over the paths found: reports (files, and folders of page photos with their
    pages in `albums`), paths that do not exist, and the files of the folders that are not
    read, each with its reason."""

    files: list[Path]
    missing: list[Path]
    skipped: list[tuple[Path, str]]
    albums: dict[Path, list[Path]] = field(default_factory=dict)


def discover(paths: Sequence[Path]) -> Found:
    """Folders are walked recursively, skipping hidden entries and (with a reason) files whose
    extension is not a report format; a file named explicitly is always kept. Page photos,
    found or named, are grouped by their folder (see the module docstring)."""
    files: list[Path] = []
    missing: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path).parts
                if any(part.startswith(".") for part in relative):
                    continue
                suffix = found.suffix.lower()
                if found.is_file() and suffix in REPORT_SUFFIXES | PHOTO_SUFFIXES:
                    files.append(found)
                elif found.is_file():
                    skipped.append((found, skip_reason(found)))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(path)
    albums: dict[Path, list[Path]] = {}
    reports: list[Path] = []
    for file in dict.fromkeys(p.resolve() for p in files):
        if file.suffix.lower() in PHOTO_SUFFIXES:
            if file.parent not in albums:
                reports.append(file.parent)
            albums.setdefault(file.parent, []).append(file)
        else:
            reports.append(file)
    for pages in albums.values():
        pages.sort(key=page_order)
    return Found(reports, missing, skipped, albums)


def page_order(path: Path) -> list[int | str]:
    """A photo's place among its folder's pages: numbers in its name compared as numbers."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", path.name.lower())]


PageNews = tuple[str, int, int]  # (file name, pages read, pages to read), worker to parent
_pages_heard: Queue[PageNews] | None = None  # in a worker: where its OCR pages are told


def _pool(workers: int, pages: Queue[PageNews] | None = None) -> ProcessPoolExecutor:
    """Workers that die with this process: a kill -9 of `ingest` left them blocked forever on
    their task queue, whose write end each of them holds too (so no end of file comes).
    `pages` hears of every page OCR reads in them."""
    return ProcessPoolExecutor(
        max_workers=max(1, workers), initializer=_start_worker, initargs=(os.getpid(), pages)
    )


def _start_worker(parent: int, pages: Queue[PageNews] | None) -> None:
    global _pages_heard
    _pages_heard = pages
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """In a worker: ask Linux for SIGKILL when the parent goes (prctl PR_SET_PDEATHSIG, which
    neither concurrent.futures nor multiprocessing offer), then make sure it is still there.
    (Linux only, the platform the bot is deployed on.)"""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
    if os.getppid() != parent:  # it died before the request was made
        os._exit(1)


def _parse_worker(data: Data, filename: str) -> ParsedReport | Failed:
    """Runs in a worker process: never raises, so one bad file cannot stop the others."""
    import parsers

    heard = _pages_heard

    def told(done: int, total: int) -> None:
        if heard is not None:
            heard.put((filename, done, total))

    try:
        if isinstance(data, tuple):
            return parsers.parse_images(data, filename=filename, progress=told)
        return parsers.parse_bytes(data, filename=filename, progress=told)
    except ParseError as err:
        return Failed(str(err))
    except Exception as err:
        return Failed(f"解析出错（{type(err).__name__}）：{err}")


def _parse_alone(data: Data, filename: str) -> ParsedReport | Failed:
    """Parse in a pool of its own, so that a crash is attributed to this file only."""
    with _pool(1) as pool:
        try:
            return pool.submit(_parse_worker, data, filename).result()
        except BrokenProcessPool:
            return Failed("解析进程意外退出（文件可能已损坏）")


def parse_in_order(
    jobs: Iterable[tuple[Path, Data]], *, workers: int, pages: Queue[PageNews] | None = None
) -> Iterator[tuple[Path, Data, ParsedReport | Failed]]:
    """Parse in worker processes, yielding in input order (so that the log reads in order);
    `pages` hears of the pages OCR reads.

    A worker that dies (segfault, out of memory) breaks the whole pool; the files that were in
    flight are then parsed one by one in fresh pools and the run goes on.
    """
    window = max(1, workers) * 2
    source = iter(jobs)
    pending: deque[tuple[Path, Data, Future[ParsedReport | Failed]]] = deque()
    pool = _pool(workers, pages)
    try:
        while True:
            while len(pending) < window and (job := next(source, None)) is not None:
                pending.append((job[0], job[1], pool.submit(_parse_worker, job[1], job[0].name)))
            if not pending:
                return
            path, data, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=True)
                retry = [(path, data), *((p, d) for p, d, _ in pending)]
                pending.clear()
                log.warning("解析进程意外退出，逐个重试 %d 个文件", len(retry))
                for retry_path, retry_data in retry:
                    yield retry_path, retry_data, _parse_alone(retry_data, retry_path.name)
                pool = _pool(workers, pages)
                continue
            yield path, data, result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _sha(data: Data) -> str:
    """A file's SHA-256; a folder of photos', over its pages' in order."""
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha256(b"".join(hashlib.sha256(page).digest() for page in data)).hexdigest()


def _store_all(
    engine: Engine,
    files: list[Path],
    *,
    workers: int | None,
    progress: Progress | None,
    albums: dict[Path, list[Path]] | None = None,
) -> Tally:
    tally = Tally()
    known_shas = all_shas(engine)
    albums = albums or {}
    task = progress.add_task("入库", total=len(files)) if progress else None

    def jobs() -> Iterator[tuple[Path, Data]]:
        for path in files:
            try:
                pages = albums.get(path)
                data = path.read_bytes() if pages is None else tuple(p.read_bytes() for p in pages)
            except OSError as err:
                tally.fail(_shown(path), f"无法读取：{err.strerror}")
                _advance()
                continue
            if _sha(data) in known_shas:
                _record_known(path, data)
                continue
            yield path, data

    def _advance() -> None:
        if progress is not None and task is not None:
            progress.advance(task)

    def _record_known(path: Path, data: Data) -> None:
        outcome = stored_outcome(engine, _sha(data))
        assert outcome is not None
        _done(path, outcome)

    def _done(path: Path, outcome: IngestOutcome) -> None:
        tally.add(outcome)
        log.log(
            logging.DEBUG if progress else logging.INFO,  # the bar shows progress on a terminal
            "%s：%s %s %d 年",
            path.name,
            STATUS_LABELS[outcome.status],
            outcome.agency,
            outcome.year,
        )
        _advance()

    count = workers or os.cpu_count() or 1
    position = {path: index for index, path in enumerate(files, 1)}
    done = 0
    pool_size = min(count, max(1, len(files)))
    heard = _PageBars(progress) if progress is not None else None
    try:
        for path, data, result in parse_in_order(
            jobs(), workers=pool_size, pages=None if heard is None else heard.queue
        ):
            done = position[path]
            if isinstance(result, Failed):
                tally.fail(_shown(path), result.reason)
                log.info("%s：失败 %s", path.name, result.reason)  # the summary names it
                _advance()
                continue
            sha = _sha(data)
            try:
                outcome = write_report(
                    engine, result, source_name=path.name, data_sha256=sha,
                    file_time=_mtime(path),
                )  # fmt: skip
            except ParseError as err:
                tally.fail(_shown(path), str(err))
                log.info("%s：失败 %s", path.name, err)
                _advance()
                continue
            known_shas.add(sha)
            _done(path, outcome)
    except SQLAlchemyError as err:  # the disk, the file or the server; each report is whole
        fault = storage_fault(err)
        if fault is None:
            raise
        tally.fault, tally.left = fault, len(files) - done
        if done:
            tally.fail(_shown(files[done - 1]), f"未入库：{fault}")
    finally:
        if heard is not None:
            heard.close()
    return tally


class _PageBars:
    """A bar of pages for each scan the workers read by OCR, fed from their queue by a thread
    (the main thread waits on the parse results)."""

    def __init__(self, progress: Progress) -> None:
        import multiprocessing

        self.queue: Queue[PageNews] = multiprocessing.get_context().Queue()
        self._progress = progress
        self._bars: dict[str, TaskID] = {}
        self._thread = Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while True:
            try:
                news = self.queue.get(timeout=0.2)
            except Empty:
                continue
            except (EOFError, OSError, ValueError):  # closed
                return
            if news is None:
                return
            name, done, total = news
            if name not in self._bars:
                self._bars[name] = self._progress.add_task(f"识别扫描件 {name}（页）", total=total)
            self._progress.update(self._bars[name], completed=done, total=total)

    def close(self) -> None:
        self.queue.put(None)  # type: ignore[arg-type]
        self._thread.join(5)
        self.queue.close()


def ingest_paths(engine: Engine, paths: list[Path], *, workers: int | None) -> int:
    """`bot.py ingest`: parse in parallel, store each report in its own transaction, print a
    summary. Exit code 0 when every file was stored (or already was), 1 otherwise, 3 when a
    storage fault (disk full, read-only, server down) stopped the run: the reports stored
    until then stay, and the summary says how far it got."""
    found = discover(paths)
    files = found.files
    err_console = Console(stderr=True)
    if err_console.is_terminal:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, console=err_console, transient=True) as progress:
            tally = _store_all(
                engine, files, workers=workers, progress=progress, albums=found.albums
            )
    else:
        tally = _store_all(engine, files, workers=workers, progress=None, albums=found.albums)
    for path in found.missing:
        tally.fail(_shown(path), "文件或文件夹不存在")
    tally.skipped = [(_shown(path), reason) for path, reason in found.skipped]
    Console(highlight=False).print(summary_table(tally))
    if tally.fault is not None:
        print(f"错误：{tally.fault}，已停止（还有 {tally.left} 个文件未处理）。", file=sys.stderr)
        print(NOTHING_LOST, file=sys.stderr)
        return STORAGE_FAULT
    return 1 if tally.failures else 0


def summary_table(tally: Tally) -> RichTable:
    """The closing table: one row per status, then each failed file with its reason, then the
    files of the folders that were not read (跳过), each with its reason."""
    table = RichTable(title="入库结果")
    table.add_column("结果", no_wrap=True)
    table.add_column("份数", justify="right", no_wrap=True)
    table.add_column("失败或跳过的文件及原因", overflow="fold")
    for status, label in STATUS_LABELS.items():
        table.add_row(label, str(tally.counts[status]), "")
    table.add_row("失败", str(len(tally.failures)), "")
    for name, reason in tally.failures:
        table.add_row("", "", f"{name}：{reason}")
    if tally.skipped:
        table.add_row("跳过", str(len(tally.skipped)), "")
        by_reason: dict[str, list[str]] = {}
        for name, reason in tally.skipped:
            by_reason.setdefault(reason, []).append(name)
        for reason, names in by_reason.items():
            table.add_row("", "", f"{reason}，未读取：{'、'.join(names)}")
        table.add_row("", "", SKIPPED_HINT)
    return table


def _mtime(path: Path) -> datetime | None:
    """The file's modification time: between equal readings, the newer file is current."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return None


def _shown(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
