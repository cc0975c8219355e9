"""The database stays consistent across processes: a crash mid-ingest leaves no half report,
two ingesting processes both get everything stored, an upgrade is all or nothing, two processes
upgrading at once both start.
Each case runs on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, text

from parsers.fields import template_fields
from store.db import current_revision, make_engine
from store.ingest import write_report
from store.reader import StoreReader
from tests.fixtures_store import dump, make_report, url_of
from tests.helpers.patience import PATIENCE
from tests.test_store_db import HEAD

PROJECT = Path(__file__).resolve().parent.parent
CELLS = len(template_fields("2021"))

PAUSE_BEFORE_COMMIT = """
import sys
from sqlalchemy import event
from store.db import make_engine
from store.ingest import write_report
from tests.fixtures_store import make_report

engine = make_engine(sys.argv[1])

@event.listens_for(engine, "commit")
def pause(conn):
    # Every row of the new version is written; the transaction is not committed yet.
    print(conn.exec_driver_sql("SELECT count(*) FROM figures").scalar(), flush=True)
    sys.stdin.read()  # until the test kills this process

write_report(engine, make_report(values={"apply.new.total": 99}), source_name="v2.pdf",
             data_sha256="v2")
"""

PAUSE_AT_UPGRADE_COMMIT = """
import sys
from sqlalchemy import event, inspect
from store.db import make_engine, upgrade

engine = make_engine(sys.argv[1])

@event.listens_for(engine, "commit")
def pause(conn):
    # The first commit that carries a schema version (PostgreSQL commits its lock first).
    if inspect(conn).has_table("alembic_version"):
        print(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar(), flush=True)
        sys.stdin.read()  # until the test kills this process

upgrade(engine)
"""

# The children say "ready" once imported and connected, then start together on the test's "go".
INGEST_AFTER_GO = """
import sys
from store.db import make_engine
from store.ingest import write_report
from tests.fixtures_store import make_report

url, year = sys.argv[1], int(sys.argv[2])
engine = make_engine(url)
engine.connect().close()
print("ready", flush=True)
sys.stdin.readline()
for i in range(8):
    write_report(engine, make_report(f"第{i}局", year), source_name=f"{i}-{year}",
                 data_sha256=f"{i}-{year}")
"""

UPGRADE_AFTER_GO = """
import sys
from store.db import make_engine, upgrade

engine = make_engine(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
upgrade(engine)
"""


def spawn(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=PROJECT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def said(proc: subprocess.Popen[str], timeout: float = PATIENCE) -> str:
    """The next line the child prints: it blocks on the child's pipe (the child signals a state;
    nothing here is timed). A child that dies first fails the test with its stderr."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "the child said nothing"
    line = proc.stdout.readline()
    assert line, proc.communicate()[1]
    return line.strip()


def start_together(children: list[subprocess.Popen[str]]) -> None:
    for child in children:
        assert said(child) == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()


def test_a_process_killed_mid_replacement_leaves_the_old_version_intact(engine: Engine) -> None:
    first = write_report(
        engine, make_report(values={"apply.new.total": 12}), source_name="v1.pdf", data_sha256="v1"
    )
    before = dump(engine)
    child = spawn(PAUSE_BEFORE_COMMIT, url_of(engine))
    try:
        written = said(child)
    finally:
        child.kill()
        child.communicate()
    assert written == str(2 * CELLS)  # the child had written the new version
    assert dump(engine) == before
    reader = StoreReader(engine)
    assert (
        reader.figures(first.agency_id, 2023, ["apply.new.total"])["apply.new.total"].value == 12
    )
    again = write_report(
        engine, make_report(values={"apply.new.total": 99}), source_name="v2.pdf", data_sha256="v2"
    )
    assert again.status == "replaced"
    assert (
        reader.figures(first.agency_id, 2023, ["apply.new.total"])["apply.new.total"].value == 99
    )


def test_two_processes_ingesting_at_once_store_every_report_once(engine: Engine) -> None:
    children = [spawn(INGEST_AFTER_GO, url_of(engine), str(y)) for y in (2023, 2024)]
    start_together(children)
    for child in children:
        _, err = child.communicate(timeout=PATIENCE)
        assert child.returncode == 0, err
    with engine.connect() as conn:
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM agencies), (SELECT count(*) FROM regions), "
                "(SELECT count(*) FROM reports WHERE NOT superseded), "
                "(SELECT count(*) FROM reports)"
            )
        ).one()
    assert tuple(counts) == (8, 1, 16, 16)
    reader = StoreReader(engine)
    assert {tuple(reader.years(a.id)) for a in reader.agencies()} == {(2023, 2024)}


def test_an_upgrade_commits_once_so_no_process_sees_a_half_migrated_schema(db_url: str) -> None:
    child = spawn(PAUSE_AT_UPGRADE_COMMIT, db_url)
    try:
        committing = said(child)
    finally:
        child.kill()
        child.communicate()
    assert committing == HEAD  # not the first revision: nothing was committed before
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    engine.dispose()


def test_two_processes_upgrading_an_empty_database_at_once_both_succeed(db_url: str) -> None:
    children = [spawn(UPGRADE_AFTER_GO, db_url) for _ in range(2)]
    start_together(children)
    for child in children:
        _, err = child.communicate(timeout=PATIENCE)
        assert child.returncode == 0, err
    engine = make_engine(db_url)
    assert current_revision(engine) == HEAD
    engine.dispose()
