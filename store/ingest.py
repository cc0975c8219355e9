"""Writing parsed reports: idempotent by content hash, replacing older versions atomically.

`ReportWriter` is the one place that decides what a report does to the database. Uploads,
folders and the bundled samples parse first and write one report per transaction
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from sqlalchemy import Engine, Table, bindparam, delete, insert, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from parsers.fields import APPLICANT_COLUMNS
from parsers.model import Number, ParsedReport, ParseError
from parsers.validate import carry_over_check
from store.agencies import (
    StoredAgency,
    add_aliases,
    agency_in_region,
    known_aliases,
    region_name,
    rename_agency,
    resolve_region,
)
from store.db import WRITE
from store.models import Agency, CheckResult, Figure, ProseFigure, Region, Report
from store.reader import plain
from store.schemas import CheckIn, InvalidReport, ReportIn, is_whole, validate_report

log = logging.getLogger(__name__)

Status = Literal["new", "replaced", "unchanged"]
STATUS_LABELS: dict[str, str] = {"new": "新增", "replaced": "替换", "unchanged": "未变"}
# Extensions looked at inside folders (a file named on the command line is always tried).
REPORT_SUFFIXES = frozenset({".txt", ".text", ".htm", ".html", ".xhtml", ".mht", ".mhtml",
                             ".pdf", ".doc", ".docx", ".wps", ".rtf"})  # fmt: skip
_WRITE_ATTEMPTS = 3
T = TypeVar("T")


@dataclass(frozen=True)
class IngestOutcome:
    status: Status
    report_id: int
    agency_id: int
    agency: str
    year: int
    current: bool = True  # False when the same bytes were stored before and later replaced


_FIGURES: Table = Figure.__table__  # type: ignore[attr-defined]
_REPORTS: Table = Report.__table__  # type: ignore[attr-defined]
_CHECKS: Table = CheckResult.__table__  # type: ignore[attr-defined]
_PROSE: Table = ProseFigure.__table__  # type: ignore[attr-defined]
_FIGURE_COLUMNS = ("report_id", "agency_id", "year", "current", "key", "value", "unit", "raw",
                   "flags", "candidates")  # fmt: skip
_CHECK_COLUMNS = ("report_id", "rule", "ok", "message", "keys")
_PROSE_COLUMNS = ("report_id", "key", "value")
_BUFFERED = (("figures", _FIGURES, _FIGURE_COLUMNS), ("checks", _CHECKS, _CHECK_COLUMNS),
             ("prose", _PROSE, _PROSE_COLUMNS))  # fmt: skip
_CARRY_KEYS = tuple(f"apply.{row}.{col}" for row in ("carried_in", "carried_forward")
                    for col, _ in APPLICANT_COLUMNS)  # fmt: skip
# Statements built once: constructing them per report cost more than running them.
_R, _F = _REPORTS.c, _FIGURES.c
_INSERT_REPORT = insert(_REPORTS).returning(_R.id)
_SUPERSEDE_REPORT = update(_REPORTS).where(_R.id == bindparam("rid")).values(superseded=True)
_SUPERSEDE_FIGURES = update(_FIGURES).where(_F.report_id == bindparam("rid")).values(current=False)
_CURRENT_REPORTS = select(_R.year, _R.id).where(
    _R.agency_id == bindparam("agency_id"), _R.superseded.is_(False)
)
_CARRY_FIGURES = select(_F.report_id, _F.key, _F.value).where(
    _F.report_id.in_(bindparam("ids", expanding=True)), _F.key.in_(_CARRY_KEYS)
)
_DELETE_W1 = delete(_CHECKS).where(_CHECKS.c.report_id == bindparam("rid"), _CHECKS.c.rule == "W1")


class ReportWriter:
    """Writes validated reports inside the caller's transaction.

    Cells, checks and prose figures are buffered and written with one executemany per table
    in `flush()`, so a batch of reports costs a handful of statements per report. Look-ups of
    regions and agencies are cached for the life of the writer (one transaction).
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._conn = session.connection()
        self._sqlite = self._conn.dialect.name == "sqlite"
        self._rows: dict[str, list[tuple[Any, ...]]] = {"figures": [], "checks": [], "prose": []}
        self._agencies: dict[tuple[str, str], StoredAgency] = {}
        self._regions: dict[str, Region] = {}
        self._shas: set[str] = set()  # written by this writer
        self.known_shas: set[str] | None = None  # when set: the only stored shas to look up
        self._aliases: dict[int, set[str]] = {}
        self._new_agencies: set[int] = set()
        self._current: dict[int, dict[int, int]] = {}  # agency id → year → current report id
        self._carry: dict[int, dict[str, Number]] = {}  # report id → W1 cells
        self._written: set[int] = set()  # report ids written by this writer

    def write(self, report_in: ReportIn, *, source_name: str, data_sha256: str) -> IngestOutcome:
        """Store one report unless its bytes are known; replaces the current version."""
        if self.known_shas is None or data_sha256 in self.known_shas | self._shas:
            known = known_outcome(session=self._session, data_sha256=data_sha256)
            if known is not None:
                return known
        self._shas.add(data_sha256)
        agency = self._agency(report_in)
        assert agency.id is not None
        year = report_in.year
        current = self._current_reports(agency.id)
        previous = current.get(year)
        if previous is not None:
            self.flush()  # the superseded report's cells may still be buffered
            self._conn.execute(_SUPERSEDE_REPORT, {"rid": previous})
            self._conn.execute(_SUPERSEDE_FIGURES, {"rid": previous})
        report_id: int = self._conn.execute(
            _INSERT_REPORT,
            {
                "agency_id": agency.id,
                "year": year,
                "template": report_in.template,
                "title": report_in.title,
                "source_name": source_name,
                "format": report_in.format,
                "sha256": data_sha256,
                "published_on": report_in.published_on,
                "ingested_at": datetime.now(UTC),
                "superseded": False,
                "cell_count": len(report_in.cells),
            },
        ).scalar_one()
        newest = max(current, default=year)
        current[year] = report_id
        self._written.add(report_id)
        self._buffer_rows(report_id, agency.id, report_in)
        checks = [*report_in.checks, *report_in.v5_findings(), *self._carry_over(current, year)]
        self._rows["checks"] += [_check_row(report_id, c) for c in checks]
        if year >= newest:
            self._rename(agency, report_in)
        return IngestOutcome(
            status="replaced" if previous is not None else "new",
            report_id=report_id,
            agency_id=agency.id,
            agency=agency.name,
            year=year,
        )

    def flush(self) -> None:
        """Write the buffered rows: executemany on SQLite, COPY on PostgreSQL (psycopg's
        executemany spends ~25 µs per row in Python; COPY streams the rows)."""
        for kind, table, columns in _BUFFERED:
            rows = self._rows[kind]
            if not rows:
                continue
            names = ", ".join(f'"{c}"' for c in columns)
            if self._sqlite:
                marks = ", ".join(["?"] * len(columns))
                self._conn.exec_driver_sql(
                    f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows
                )
            else:
                cursor = self._conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            rows.clear()

    def _agency(self, report_in: ReportIn) -> StoredAgency:
        cache_key = (region_name(report_in.region), report_in.agency)
        agency = self._agencies.get(cache_key)
        if agency is None:
            region = self._regions.get(cache_key[0])
            if region is None:
                region = resolve_region(session=self._session, region=report_in.region)
                self._regions[cache_key[0]] = region
            assert region.id is not None
            agency, created = agency_in_region(
                session=self._session,
                region_id=region.id,
                name=report_in.agency,
                region=report_in.region,
                level=report_in.level,
            )
            assert agency.id is not None
            if created:
                self._new_agencies.add(agency.id)
                self._aliases[agency.id] = set()
            self._agencies[cache_key] = agency
        assert agency.id is not None
        known = self._aliases.get(agency.id)
        if known is None:
            known = self._aliases[agency.id] = known_aliases(
                session=self._session, agency_id=agency.id
            )
        new = [a for a in dict.fromkeys([report_in.agency, *report_in.agency_aliases]) if a]
        new = [a for a in new if a not in known]
        if new:
            add_aliases(session=self._session, agency_id=agency.id, aliases=new)
            known.update(new)
        return agency

    def _current_reports(self, agency_id: int) -> dict[int, int]:
        """Year → id of the agency's current reports (kept up to date by this writer)."""
        found = self._current.get(agency_id)
        if found is None:
            if agency_id in self._new_agencies:
                found = {}
            else:
                rows = self._conn.execute(_CURRENT_REPORTS, {"agency_id": agency_id})
                found = {year: report_id for year, report_id in rows}
            self._current[agency_id] = found
        return found

    def _buffer_rows(self, report_id: int, agency_id: int, report_in: ReportIn) -> None:
        value = _sqlite_number if self._sqlite else _same
        year = report_in.year
        self._rows["figures"] += [
            (report_id, agency_id, year, True, key, value(cell.value), cell.unit, cell.raw,
             ",".join(sorted(cell.flags)) if cell.flags else "",
             ",".join(map(str, cell.candidates)) if cell.candidates else "")
            for key, cell in report_in.cells.items()
        ]  # fmt: skip
        self._rows["prose"] += [(report_id, k, value(v)) for k, v in report_in.prose.items()]
        cells = report_in.cells
        self._carry[report_id] = {
            k: v
            for k in _CARRY_KEYS
            if (c := cells.get(k)) is not None and (v := c.value) is not None
        }

    def _carry_over(self, current: dict[int, int], year: int) -> list[CheckIn]:
        """W1 for this report against last year's, and again for next year's against this."""
        mine, before, after = (current.get(y) for y in (year, year - 1, year + 1))
        assert mine is not None
        missing = [r for r in (before, after) if r is not None and r not in self._carry]
        if missing:
            for report_id, key, value in self._conn.execute(_CARRY_FIGURES, {"ids": missing}):
                if value is not None:
                    self._carry.setdefault(report_id, {})[key] = plain(value)
        if after is not None:
            if after in self._written:
                self.flush()  # its own W1 rows may still be buffered
            self._conn.execute(_DELETE_W1, {"rid": after})
            self._rows["checks"] += [
                _check_row(after, CheckIn.model_validate(c, from_attributes=True))
                for c in carry_over_check(
                    self._carry[mine], self._carry.get(after, {}), year=year + 1
                )
            ]
        if before is None:
            return []
        return [
            CheckIn.model_validate(c, from_attributes=True)
            for c in carry_over_check(self._carry.get(before, {}), self._carry[mine], year=year)
        ]

    def _rename(self, agency: StoredAgency, report_in: ReportIn) -> None:
        """The canonical name is the one printed on the newest report (by year)."""
        level = report_in.level or agency.level
        if agency.name != report_in.agency or agency.level != level:
            rename_agency(session=self._session, agency=agency, name=report_in.agency, level=level)


def _same(value: Number | None) -> Number | None:
    return value


def _sqlite_number(value: Number | None) -> int | float | None:
    """sqlite3 takes no Decimal; NUMERIC affinity stores whole numbers as INTEGER anyway."""
    if value is None or type(value) is int:
        return value
    return int(value) if is_whole(value) else float(value)


def _check_row(report_id: int, check: CheckIn) -> tuple[Any, ...]:
    return (report_id, check.rule, check.ok, check.message, ",".join(check.keys))


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
    uncommitted batch but never leaves half a report.
    """
    checked: list[ReportIn | InvalidReport] = []
    for parsed, _, _ in items:
        try:
            checked.append(validate_report(parsed))
        except InvalidReport as err:
            checked.append(err)

    def work(session: Session) -> list[IngestOutcome | InvalidReport]:
        writer = ReportWriter(session)
        writer.known_shas = stored_shas(session=session, shas=[sha for _, _, sha in items])
        out: list[IngestOutcome | InvalidReport] = []
        for report_in, (_, source_name, sha) in zip(checked, items, strict=True):
            if isinstance(report_in, InvalidReport):
                out.append(report_in)
            else:
                out.append(writer.write(report_in, source_name=source_name, data_sha256=sha))
        writer.flush()
        return out

    return _retrying(engine, work)


def ingest_bytes(engine: Engine, data: bytes, source_name: str) -> IngestOutcome:
    """Parse and store one document, all or nothing. Raises ParseError for a bad file."""
    sha = hashlib.sha256(data).hexdigest()
    with Session(engine) as session:
        known = known_outcome(session=session, data_sha256=sha)
    if known is not None:
        return known
    from parsers import parse_bytes

    parsed = parse_bytes(data, filename=source_name)
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
        with Session(engine) as session:
            outcome = known_outcome(session=session, data_sha256=hashlib.sha256(data).hexdigest())
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
