"""Ingesting parsed reports and files: idempotent by content hash, replacing older versions
atomically (what a report does to the database is decided in `store.writer`).

Uploads, folders and the bundled samples parse first and write one report per transaction
(`ingest_report` / `write_report`); bulk loads write a batch per transaction (`write_reports`).
The same bytes again change nothing, even if a later version has replaced them since.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from parsers.model import ParsedReport, ParseError
from store.db import WRITE
from store.models import Report
from store.reader import no_gc_pause
from store.schemas import InvalidReport, ReportIn, validate_report
from store.writer import IngestOutcome, ReportWriter, known_outcome

log = logging.getLogger(__name__)

STATUS_LABELS: dict[str, str] = {"new": "新增", "replaced": "替换", "unchanged": "未变"}
# Extensions looked at inside folders (a file named on the command line is always tried).
REPORT_SUFFIXES = frozenset({".txt", ".text", ".htm", ".html", ".xhtml", ".mht", ".mhtml",
                             ".pdf", ".doc", ".docx", ".wps", ".rtf"})  # fmt: skip
_WRITE_ATTEMPTS = 3
T = TypeVar("T")


def ingest_report(
    *, session: Session, parsed: ParsedReport, source_name: str, data_sha256: str
) -> IngestOutcome:
    """Write one parsed report inside the caller's transaction (the caller commits)."""
    known = known_outcome(session=session, data_sha256=data_sha256)
    if known is not None:
        return known
    writer = ReportWriter(session)
    outcome = writer.write(
        validate_report(parsed), source_name=source_name, data_sha256=data_sha256
    )
    writer.flush()
    return outcome


def stored_shas(*, session: Session, shas: Sequence[str]) -> set[str]:
    """Which of `shas` are stored already (one query per 500)."""
    found: set[str] = set()
    for start in range(0, len(shas), 500):
        chunk = shas[start : start + 500]
        found.update(session.exec(select(Report.sha256).where(col(Report.sha256).in_(chunk))))
    return found


def _retrying(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work` in a write transaction, again when a concurrent writer got there first (the
    unique constraints turn such races into IntegrityError instead of duplicates)."""
    for attempt in range(1, _WRITE_ATTEMPTS + 1):
        try:
            with Session(engine.execution_options(**WRITE)) as session:
                result = work(session)
                session.commit()
                return result
        except (IntegrityError, OperationalError) as err:
            if attempt == _WRITE_ATTEMPTS:
                raise
            log.info("写入冲突，第 %d 次重试：%s", attempt, err.orig)
    raise AssertionError("unreachable")


def write_report(
    engine: Engine, parsed: ParsedReport, *, source_name: str, data_sha256: str
) -> IngestOutcome:
    """`ingest_report` in a transaction of its own."""
    return _retrying(
        engine,
        lambda session: ingest_report(
            session=session, parsed=parsed, source_name=source_name, data_sha256=data_sha256
        ),
    )


def write_reports(
    engine: Engine, items: Sequence[tuple[ParsedReport, str, str]]
) -> list[IngestOutcome | InvalidReport]:
    """Bulk load: (parsed, source name, sha256) triples in ONE transaction.

    Reports that fail validation are returned as errors and nothing of them is written; the
    others are all committed together. Use for large loads (bench, imports): a crash loses the
    uncommitted batch but never leaves half a report. The cyclic garbage collector is held
    meanwhile: its full collections over the batch's cells were a fifth of the time.
    """
    with no_gc_pause():
        checked = [_validated(parsed) for parsed, _, _ in items]
        return _retrying(engine, lambda session: _write_batch(session, checked, items))


def _validated(parsed: ParsedReport) -> ReportIn | InvalidReport:
    try:
        return validate_report(parsed)
    except InvalidReport as err:
        return err


def _write_batch(
    session: Session,
    checked: Sequence[ReportIn | InvalidReport],
    items: Sequence[tuple[ParsedReport, str, str]],
) -> list[IngestOutcome | InvalidReport]:
    known = stored_shas(session=session, shas=[sha for _, _, sha in items])
    writer = ReportWriter(session, known_shas=known)
    writer.prepare(
        [r for r, (_, _, sha) in zip(checked, items, strict=True)
         if isinstance(r, ReportIn) and sha not in known]
    )  # fmt: skip
    out: list[IngestOutcome | InvalidReport] = []
    for report_in, (_, source_name, sha) in zip(checked, items, strict=True):
        if isinstance(report_in, InvalidReport):
            out.append(report_in)
        else:
            out.append(writer.write(report_in, source_name=source_name, data_sha256=sha))
    writer.flush()
    return out


def stored_outcome(engine: Engine, data_sha256: str) -> IngestOutcome | None:
    """The outcome of bytes stored before ("unchanged"), else None: known bytes need no parse."""
    with Session(engine) as session:
        return known_outcome(session=session, data_sha256=data_sha256)


# --- many files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Failed:
    """A file that could not be parsed; `reason` is one Chinese line."""

    reason: str


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_LABELS, 0))
    failures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, outcome: IngestOutcome) -> None:
        self.counts[outcome.status] += 1

    def fail(self, name: str, reason: str) -> None:
        self.failures.append((name, reason))


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(report files, missing paths). Folders are walked recursively, skipping hidden entries
    and files whose extension is not a report format; a file named explicitly is always kept."""
    files: list[Path] = []
    missing: list[Path] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path).parts
                if any(part.startswith(".") for part in relative):
                    continue
                if found.is_file() and found.suffix.lower() in REPORT_SUFFIXES:
                    files.append(found)
        elif path.is_file():
            files.append(path)
        else:
            missing.append(path)
    unique = list(dict.fromkeys(p.resolve() for p in files))
    return unique, missing


def _parse_worker(data: bytes, filename: str) -> ParsedReport | Failed:
    """Runs in a worker process: never raises, so one bad file cannot stop the others."""
    from parsers import parse_bytes

    try:
        return parse_bytes(data, filename=filename)
    except ParseError as err:
        return Failed(str(err))
    except Exception as err:
        return Failed(f"解析出错（{type(err).__name__}）：{err}")


def _parse_alone(data: bytes, filename: str) -> ParsedReport | Failed:
    """Parse in a pool of its own, so that a crash is attributed to this file only."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(_parse_worker, data, filename).result()
        except BrokenProcessPool:
            return Failed("解析进程意外退出（文件可能已损坏）")


def parse_in_order(
    jobs: Iterable[tuple[Path, bytes]], *, workers: int
) -> Iterator[tuple[Path, bytes, ParsedReport | Failed]]:
    """Parse in worker processes, yielding in input order (so replacements are deterministic).

    A worker that dies (segfault, out of memory) breaks the whole pool; the files that were in
    flight are then parsed one by one in fresh pools and the run goes on.
    """
    window = max(1, workers) * 2
    source = iter(jobs)
    pending: deque[tuple[Path, bytes, Future[ParsedReport | Failed]]] = deque()
    pool = ProcessPoolExecutor(max_workers=max(1, workers))
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
                pool = ProcessPoolExecutor(max_workers=max(1, workers))
                continue
            yield path, data, result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _store_all(
    engine: Engine, files: list[Path], *, workers: int | None, progress: Progress | None
) -> Tally:
    tally = Tally()
    with Session(engine) as session:
        known_shas = set(session.exec(select(Report.sha256)))
    task = progress.add_task("入库", total=len(files)) if progress else None

    def jobs() -> Iterator[tuple[Path, bytes]]:
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as err:
                tally.fail(_shown(path), f"无法读取：{err.strerror}")
                _advance()
                continue
            if hashlib.sha256(data).hexdigest() in known_shas:
                _record_known(path, data)
                continue
            yield path, data

    def _advance() -> None:
        if progress is not None and task is not None:
            progress.advance(task)

    def _record_known(path: Path, data: bytes) -> None:
        outcome = stored_outcome(engine, hashlib.sha256(data).hexdigest())
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
    for path, data, result in parse_in_order(jobs(), workers=min(count, max(1, len(files)))):
        if isinstance(result, Failed):
            tally.fail(_shown(path), result.reason)
            log.warning("%s：失败 %s", path.name, result.reason)
            _advance()
            continue
        sha = hashlib.sha256(data).hexdigest()
        try:
            outcome = write_report(engine, result, source_name=path.name, data_sha256=sha)
        except ParseError as err:
            tally.fail(_shown(path), str(err))
            log.warning("%s：失败 %s", path.name, err)
            _advance()
            continue
        known_shas.add(sha)
        _done(path, outcome)
    return tally


def ingest_paths(engine: Engine, paths: list[Path], *, workers: int | None) -> int:
    """`bot.py ingest`: parse in parallel, store each report in its own transaction, print a
    summary. Exit code 0 when every file was stored (or already was), 1 otherwise."""
    files, missing = discover(paths)
    err_console = Console(stderr=True)
    if err_console.is_terminal:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, console=err_console, transient=True) as progress:
            tally = _store_all(engine, files, workers=workers, progress=progress)
    else:
        tally = _store_all(engine, files, workers=workers, progress=None)
    for path in missing:
        tally.fail(_shown(path), "文件或文件夹不存在")
    Console(highlight=False).print(summary_table(tally))
    return 1 if tally.failures else 0


def summary_table(tally: Tally) -> RichTable:
    """The closing table: one row per status, then each failed file with its reason."""
    table = RichTable(title="入库结果")
    table.add_column("结果", no_wrap=True)
    table.add_column("份数", justify="right", no_wrap=True)
    table.add_column("失败的文件及原因", overflow="fold")
    for status, label in STATUS_LABELS.items():
        table.add_row(label, str(tally.counts[status]), "")
    table.add_row("失败", str(len(tally.failures)), "")
    for name, reason in tally.failures:
        table.add_row("", "", f"{name}：{reason}")
    return table


def _shown(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def seed_if_empty(engine: Engine, samples_dir: Path) -> None:
    """Fill a database that has no report at all with the bundled samples (quietly)."""
    with Session(engine) as session:
        if session.exec(select(Report.id).limit(1)).first() is not None:
            return
    files, _ = discover([samples_dir])
    log.info("数据库为空，导入 %d 份示例年报", len(files))
    tally = _store_all(engine, files, workers=None, progress=None)
    log.info("示例年报导入完成：新增 %d，失败 %d", tally.counts["new"], len(tally.failures))
