"""Writing parsed reports: idempotent by content hash, replacing older versions atomically.

`ingest_report` is the one place that decides what a report does to the database; everything
else (bytes, folders, the bundled samples) parses first and then calls it, one transaction per
report. The same bytes again change nothing, even if a later version has replaced them since.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine, func, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from parsers.model import ParsedReport, ParseError
from store.agencies import add_aliases, resolve_agency
from store.db import WRITE
from store.models import Agency, CheckResult, Figure, ProseFigure, Report
from store.schemas import CheckIn, ReportIn, validate_report

log = logging.getLogger(__name__)

Status = Literal["new", "replaced", "unchanged"]
STATUS_LABELS: dict[str, str] = {"new": "新增", "replaced": "替换", "unchanged": "未变"}
# Extensions looked at inside folders (a file named on the command line is always tried).
REPORT_SUFFIXES = frozenset({".txt", ".text", ".htm", ".html", ".xhtml", ".mht", ".mhtml",
                             ".pdf", ".doc", ".docx", ".wps", ".rtf"})  # fmt: skip
_WRITE_ATTEMPTS = 3


@dataclass(frozen=True)
class IngestOutcome:
    status: Status
    report_id: int
    agency_id: int
    agency: str
    year: int
    current: bool = True  # False when the same bytes were stored before and later replaced


def ingest_report(
    *, session: Session, parsed: ParsedReport, source_name: str, data_sha256: str
) -> IngestOutcome:
    """Write one parsed report inside the caller's transaction (the caller commits)."""
    known = known_outcome(session=session, data_sha256=data_sha256)
    if known is not None:
        return known
    report_in = validate_report(parsed)
    agency, _ = resolve_agency(
        session=session, name=report_in.agency, region=report_in.region, level=report_in.level
    )
    assert agency.id is not None
    add_aliases(
        session=session, agency_id=agency.id, names=[report_in.agency, *report_in.agency_aliases]
    )
    previous = session.exec(
        select(Report).where(
            Report.agency_id == agency.id,
            Report.year == report_in.year,
            col(Report.superseded).is_(False),
        )
    ).first()
    if previous is not None:
        _supersede(session, previous)
    report = Report(
        agency_id=agency.id,
        year=report_in.year,
        template=report_in.template,
        title=report_in.title,
        source_name=source_name,
        format=report_in.format,
        sha256=data_sha256,
        published_on=report_in.published_on,
        ingested_at=datetime.now(UTC),
        cell_count=len(report_in.cells),
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    _insert_rows(session, report, report_in)
    _refresh_canonical_name(session, agency, report_in)
    return IngestOutcome(
        status="replaced" if previous is not None else "new",
        report_id=report.id,
        agency_id=agency.id,
        agency=agency.name,
        year=report.year,
    )


def known_outcome(*, session: Session, data_sha256: str) -> IngestOutcome | None:
    """The outcome of bytes already stored (current version preferred), else None."""
    row = session.exec(
        select(Report, Agency)
        .join(Agency, col(Agency.id) == Report.agency_id)
        .where(Report.sha256 == data_sha256)
        .order_by(col(Report.superseded), col(Report.id).desc())
    ).first()
    if row is None:
        return None
    report, agency = row
    assert report.id is not None and agency.id is not None
    return IngestOutcome(
        status="unchanged",
        report_id=report.id,
        agency_id=agency.id,
        agency=agency.name,
        year=report.year,
        current=not report.superseded,
    )


def _supersede(session: Session, previous: Report) -> None:
    previous.superseded = True
    session.add(previous)
    session.flush()  # before the new report exists: uq_reports_current allows one current
    session.execute(
        update(Figure).where(col(Figure.report_id) == previous.id).values(current=False),
        execution_options={"synchronize_session": False},
    )


def _insert_rows(session: Session, report: Report, report_in: ReportIn) -> None:
    """Cells, prose figures and checks with executemany (no per-row ORM objects)."""
    conn = session.connection()
    conn.execute(
        Figure.__table__.insert(),  # type: ignore[attr-defined]
        [
            {
                "report_id": report.id,
                "agency_id": report.agency_id,
                "year": report.year,
                "current": True,
                "key": key,
                "value": cell.value,
                "unit": cell.unit,
                "raw": cell.raw,
                "flags": ",".join(sorted(cell.flags)),
                "candidates": ",".join(str(c) for c in cell.candidates),
            }
            for key, cell in report_in.cells.items()
        ],
    )
    if report_in.prose:
        conn.execute(
            ProseFigure.__table__.insert(),  # type: ignore[attr-defined]
            [{"report_id": report.id, "key": k, "value": v} for k, v in report_in.prose.items()],
        )
    checks = [*report_in.checks, *report_in.v5_findings()]
    if checks:
        conn.execute(
            CheckResult.__table__.insert(),  # type: ignore[attr-defined]
            [_check_row(report.id, check) for check in checks],
        )


def _check_row(report_id: int | None, check: CheckIn) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "rule": check.rule,
        "ok": check.ok,
        "message": check.message,
        "keys": ",".join(check.keys),
    }


def _refresh_canonical_name(session: Session, agency: Agency, report_in: ReportIn) -> None:
    """The canonical name is the one printed on the newest report (by year)."""
    newest = session.exec(
        select(func.max(Report.year)).where(
            Report.agency_id == agency.id, col(Report.superseded).is_(False)
        )
    ).one()
    if newest is None or report_in.year >= newest:
        agency.name = report_in.agency
        agency.level = report_in.level or agency.level
        session.add(agency)
        session.flush()


def figures_for(*, session: Session, agency_id: int, year: int) -> dict[str, Decimal]:
    """Key → value of the current report of (agency, year); empty when there is none."""
    rows = session.exec(
        select(col(Figure.key), col(Figure.value)).where(
            Figure.agency_id == agency_id,
            Figure.year == year,
            col(Figure.current).is_(True),
        )
    )
    return {key: value for key, value in rows if value is not None}


def write_report(
    engine: Engine, parsed: ParsedReport, *, source_name: str, data_sha256: str
) -> IngestOutcome:
    """`ingest_report` in its own transaction, retried when a concurrent writer got there first
    (the unique constraints turn such races into IntegrityError instead of duplicates)."""
    for attempt in range(1, _WRITE_ATTEMPTS + 1):
        try:
            with Session(engine.execution_options(**WRITE)) as session:
                outcome = ingest_report(
                    session=session,
                    parsed=parsed,
                    source_name=source_name,
                    data_sha256=data_sha256,
                )
                session.commit()
                return outcome
        except (IntegrityError, OperationalError) as err:
            if attempt == _WRITE_ATTEMPTS:
                raise
            log.info("写入冲突，第 %d 次重试：%s", attempt, err.orig)
    raise AssertionError("unreachable")


def ingest_bytes(engine: Engine, data: bytes, source_name: str) -> IngestOutcome:
    """Parse and store one document, all or nothing. Raises ParseError for a bad file."""
    sha = hashlib.sha256(data).hexdigest()
    with Session(engine) as session:
        known = known_outcome(session=session, data_sha256=sha)
    if known is not None:
        return known
    from parsers import parse_bytes

    parsed = parse_bytes(data)
    return write_report(engine, parsed, source_name=source_name, data_sha256=sha)


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


def _parse_worker(data: bytes) -> ParsedReport | Failed:
    """Runs in a worker process: never raises, so one bad file cannot stop the others."""
    from parsers import parse_bytes

    try:
        return parse_bytes(data)
    except ParseError as err:
        return Failed(str(err))
    except Exception as err:
        return Failed(f"解析出错（{type(err).__name__}）：{err}")


def _parse_alone(data: bytes) -> ParsedReport | Failed:
    """Parse in a pool of its own, so that a crash is attributed to this file only."""
    with ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(_parse_worker, data).result()
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
                pending.append((job[0], job[1], pool.submit(_parse_worker, job[1])))
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
                    yield retry_path, retry_data, _parse_alone(retry_data)
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
                tally.fail(str(path), f"无法读取：{err.strerror}")
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
        with Session(engine) as session:
            outcome = known_outcome(session=session, data_sha256=hashlib.sha256(data).hexdigest())
        assert outcome is not None
        _done(path, outcome)

    def _done(path: Path, outcome: IngestOutcome) -> None:
        tally.add(outcome)
        log.info(
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
            tally.fail(str(path), result.reason)
            log.warning("%s：失败 %s", path.name, result.reason)
            _advance()
            continue
        sha = hashlib.sha256(data).hexdigest()
        try:
            outcome = write_report(engine, result, source_name=path.name, data_sha256=sha)
        except ParseError as err:
            tally.fail(str(path), str(err))
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
        tally.fail(str(path), "文件或文件夹不存在")
    Console(highlight=False).print(summary_table(tally))
    return 1 if tally.failures else 0


def summary_table(tally: Tally) -> Table:
    """The closing table: one row per status, then one row per failed file with its reason."""
    table = Table(title="入库结果", show_lines=False)
    table.add_column("结果")
    table.add_column("份数", justify="right")
    table.add_column("说明")
    for status, label in STATUS_LABELS.items():
        table.add_row(label, str(tally.counts[status]), "")
    table.add_row("失败", str(len(tally.failures)), "")
    for name, reason in tally.failures:
        table.add_row("", "", f"{name}：{reason}")
    return table


def seed_if_empty(engine: Engine, samples_dir: Path) -> None:
    """Fill a database that has no report at all with the bundled samples (quietly)."""
    with Session(engine) as session:
        if session.exec(select(Report.id).limit(1)).first() is not None:
            return
    files, _ = discover([samples_dir])
    log.info("数据库为空，导入 %d 份示例年报", len(files))
    tally = _store_all(engine, files, workers=None, progress=None)
    log.info("示例年报导入完成：新增 %d，失败 %d", tally.counts["new"], len(tally.failures))
