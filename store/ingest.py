"""Ingesting parsed reports and files: idempotent by content hash, replacing older versions
atomically (what a report does to the database is decided in `store.writer`).

Uploads, folders and the bundled samples parse first (services.py, cli/ingest.py) and write one
report per transaction (`ingest_report` / `write_report`); bulk loads write a batch per
transaction (`write_reports`). The same bytes again change nothing, even if a later version has
replaced them since.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from parsers.model import ParsedReport
from store.db import WRITE, serialise_writes
from store.faults import is_conflict
from store.models import Report
from store.reader import no_gc_pause
from store.schemas import InvalidReport, ReportIn, validate_report
from store.writer import IngestOutcome, ReportWriter, known_outcome

log = logging.getLogger(__name__)

_WRITE_ATTEMPTS = 3
T = TypeVar("T")


def upload_sha256(data: bytes | Sequence[bytes]) -> str:
    """What identifies an upload: the file's hash, or for photos of a report's pages the hash
    of their hashes in page order."""
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha256(b"".join(hashlib.sha256(page).digest() for page in data)).hexdigest()


def ingest_report(
    *,
    session: Session,
    parsed: ParsedReport,
    source_name: str,
    data_sha256: str,
    file_time: datetime | None = None,
) -> IngestOutcome:
    """Write one parsed report inside the caller's transaction (the caller commits)."""
    serialise_writes(session.connection())  # before looking: another loader may be writing
    known = known_outcome(session=session, data_sha256=data_sha256)
    if known is not None:
        return known
    writer = ReportWriter(session)
    outcome = writer.write(
        validate_report(parsed), source_name=source_name, data_sha256=data_sha256,
        file_time=file_time,
    )  # fmt: skip
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
    unique constraints turn such races into IntegrityError instead of duplicates). A storage
    fault (disk full, read-only, server down) is no conflict: it is raised at once."""
    for attempt in range(1, _WRITE_ATTEMPTS + 1):
        try:
            with Session(engine.execution_options(**WRITE)) as session:
                result = work(session)
                session.commit()
                return result
        except (IntegrityError, OperationalError) as err:
            if attempt == _WRITE_ATTEMPTS or not is_conflict(err):
                raise
            log.info("写入冲突，第 %d 次重试：%s", attempt, err.orig)
    raise AssertionError("unreachable")


def write_report(
    engine: Engine,
    parsed: ParsedReport,
    *,
    source_name: str,
    data_sha256: str,
    file_time: datetime | None = None,
) -> IngestOutcome:
    """`ingest_report` in a transaction of its own."""
    return _retrying(
        engine,
        lambda session: ingest_report(
            session=session, parsed=parsed, source_name=source_name, data_sha256=data_sha256,
            file_time=file_time,
        ),
    )  # fmt: skip


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
    serialise_writes(session.connection())
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


def has_reports(engine: Engine) -> bool:
    """True once any report is stored (an empty database is filled with the samples)."""
    with Session(engine) as session:
        return session.exec(select(Report.id).limit(1)).first() is not None


def all_shas(engine: Engine) -> set[str]:
    """The content hash of every stored file (to skip known files before parsing them)."""
    with Session(engine) as session:
        return set(session.exec(select(Report.sha256)))
