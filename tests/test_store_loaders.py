"""N `bot.py ingest` processes at once over the same files, each taking them in its own order,
end in exactly the state of one sequential ingest: every document stored once, the same
current version of every agency and year, the same cells and checks (issue #11, item 3).

The files are versions of HTML reports of eight agencies over three years: corrections
published later, a later copy of the same reading, a misread version that fails a check, and
the same bytes under a second name. Runs on a real PostgreSQL and on SQLite.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from store.db import make_engine, upgrade
from store.ingest import write_report
from tests.fixtures_parsers import load_gold
from tests.fixtures_store import make_report
from tests.helpers.make_docs import pingtan_2023_spec, to_html
from tests.helpers.patience import PATIENCE
from tests.helpers.postgres import PostgresServer
from tests.test_store_processes import said, spawn

PROJECT = Path(__file__).resolve().parent.parent
OFFICES = ("财政局", "教育局", "民政局", "司法局", "商务局", "审计局", "统计局", "应急管理局")
YEARS = (2022, 2023, 2024)
EPOCH = 1_700_000_000  # file times are set, so that every loader sees the same ones


def _version(office: int, year: int, version: int, *, misread: bool = False) -> bytes:
    """One version of a report: `version` is printed in a figure no rule checks and decides
    the publication date; a misread version breaks V1 and V2 and is dated latest of all."""
    spec = pingtan_2023_spec(load_gold())
    figures = dict(spec.figures)
    figures["proactive.permit.decisions"] = 1000 + 10 * office + year % 10
    figures["proactive.penalty.decisions"] = version
    if misread:
        figures["result.total.natural"] = int(figures["result.total.natural"]) + 7
    day = 20 if misread else 10 + version
    title = f"淮安市{OFFICES[office]}{year}年度政府信息公开工作年度报告"
    intro = [f"发布时间：{year + 1}-01-{day:02d}", *(line.replace("2023", str(year)) for line
             in spec.intro)]  # fmt: skip
    return to_html(replace(spec, title=[title], intro=intro, figures=figures))


def make_files(folder: Path) -> list[Path]:
    """About 70 files; their names sort so that a sequential ingest meets each kind of
    version both before and after the one that must end current."""
    files: dict[str, bytes] = {}
    for office in range(len(OFFICES)):
        for year in YEARS:
            stem = f"{office}-{year}"
            kind = (office + year) % 4
            files[f"{stem}-a.html"] = _version(office, year, 1)
            files[f"{stem}-b.html"] = _version(office, year, 2)  # published later: current
            if kind == 0:  # a misread copy, whichever side of the others it comes
                files[f"{stem}-0.html"] = _version(office, year, 3, misread=True)
            elif kind == 1:
                files[f"{stem}-c.html"] = _version(office, year, 3, misread=True)
            elif kind == 2:  # the same reading and date again, in a newer file
                files[f"{stem}-c.html"] = _version(office, year, 2) + b"\n"
            else:  # the same bytes under a second name
                files[f"{stem}-c.html"] = files[f"{stem}-a.html"]
    folder.mkdir()
    paths = []
    for i, (name, data) in enumerate(sorted(files.items())):
        path = folder / name
        path.write_bytes(data)
        os.utime(path, (EPOCH + i, EPOCH + i))
        paths.append(path)
    return paths


def ingest(url: str, paths: list[Path]) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(PROJECT), "LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "bot.py", "ingest", "--workers", "1", *map(str, paths)],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def run_all(url: str, orders: list[list[Path]]) -> None:
    children = [ingest(url, order) for order in orders]
    for child in children:
        out, err = child.communicate(timeout=PATIENCE)
        assert child.returncode == 0, out + err


def state(engine: Engine) -> dict[str, object]:
    """What an ingest decides, without ids and clocks: the documents (by content hash), which
    is current, the agencies with their names and aliases, every cell and check of the current
    versions. (Which file name a document shown under twice keeps is the first writer's.)"""
    queries = {
        "documents": "SELECT r.sha256, a.name, g.name, r.year, r.superseded FROM reports r "
        "JOIN agencies a ON a.id = r.agency_id JOIN regions g ON g.id = a.region_id",
        "agencies": "SELECT a.name, a.norm_name, a.level FROM agencies a",
        "aliases": "SELECT a.norm_name, l.alias FROM agency_aliases l "
        "JOIN agencies a ON a.id = l.agency_id",
        "cells": 'SELECT r.sha256, f."key", f.value, f.raw, f.flags FROM figures f '
        "JOIN reports r ON r.id = f.report_id WHERE NOT r.superseded",
        "checks": "SELECT r.sha256, c.rule, c.ok, c.message, c.keys FROM check_results c "
        "JOIN reports r ON r.id = c.report_id",
        "prose": "SELECT r.sha256, p.key, p.value FROM prose_figures p "
        "JOIN reports r ON r.id = p.report_id",
    }
    with engine.connect() as conn:
        found: dict[str, object] = {
            name: sorted(tuple(row) for row in conn.execute(text(sql)))
            for name, sql in queries.items()
        }
        found["rows"] = conn.execute(text("SELECT count(*) FROM reports")).scalar_one()
    return found


@pytest.fixture(params=["postgresql", "sqlite"])
def fresh_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_server: PostgresServer | None
):  # type: ignore[no-untyped-def]
    """A factory of fresh, migrated databases on one backend."""
    count = iter(range(100))

    def make() -> str:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / f'db{next(count)}.sqlite3'}"
        elif postgres_server is None:
            pytest.skip("PostgreSQL is not available")
        else:
            url = postgres_server.fresh_database()
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        return url

    return make


@pytest.mark.parametrize("loaders", [2, 4])
def test_loaders_at_once_end_in_the_state_of_one_sequential_ingest(
    fresh_url, tmp_path: Path, loaders: int
) -> None:  # type: ignore[no-untyped-def]
    paths = make_files(tmp_path / "reports")
    sequential, concurrent = fresh_url(), fresh_url()
    run_all(sequential, [paths])
    orders = [paths, paths[::-1]]
    orders += [random.Random(seed).sample(paths, len(paths)) for seed in range(loaders - 2)]
    run_all(concurrent, orders)
    engines = [make_engine(url) for url in (sequential, concurrent)]
    try:
        expected, got = (state(engine) for engine in engines)
    finally:
        for engine in engines:
            engine.dispose()
    documents = expected["documents"]
    assert isinstance(documents, list)
    assert expected["rows"] == len(documents) == len({row[0] for row in documents})
    current = {(name, year): sha for sha, name, _, year, superseded in documents
               if not superseded}  # fmt: skip
    assert len(current) == len(OFFICES) * len(YEARS)
    for (name, year), sha in current.items():  # the version published last, never a misread
        office = next(i for i, o in enumerate(OFFICES) if name.endswith(o))
        assert sha in {_sha(_version(office, year, 2)), _sha(_version(office, year, 2) + b"\n")}
    assert got == expected


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


PAUSE_BEFORE_DECIDING = """
import sys
from sqlalchemy import event
from store.db import make_engine
from store.ingest import write_report
from tests.fixtures_store import make_report

url, pausing = sys.argv[1], sys.argv[2] == "pause"
engine = make_engine(url)

@event.listens_for(engine, "before_cursor_execute")
def pause(conn, cursor, statement, parameters, context, executemany):
    # This writer has looked for the bytes and not found them; it is about to read the
    # current versions it decides on.
    global pausing
    if "superseded IS false" in statement and pausing:
        pausing = False
        print("paused", flush=True)
        sys.stdin.readline()  # until the test says go

write_report(engine, make_report(), source_name=sys.argv[3], data_sha256="same-bytes")
"""


def test_two_writers_of_the_same_bytes_on_postgresql_store_them_once(
    postgres_server: PostgresServer | None,
) -> None:
    """The race behind the doubles: writer B misses A's uncommitted bytes, A commits, B reads
    A's report as the current version and stores the same bytes again to replace it. (The
    agency exists: creating it would have made them collide on its unique name.)"""
    if postgres_server is None:
        pytest.skip("PostgreSQL is not available")
    url = postgres_server.fresh_database()
    engine = make_engine(url)
    upgrade(engine)
    write_report(engine, make_report(year=2022), source_name="2022.txt", data_sha256="2022")
    b = spawn(PAUSE_BEFORE_DECIDING, url, "pause", "b.txt")
    assert said(b) == "paused"
    a = spawn(PAUSE_BEFORE_DECIDING, url, "run", "a.txt")
    while a.poll() is None and not _waits_for_a_lock(engine):  # A is done, or queued behind B
        time.sleep(0.02)
    assert b.stdin is not None
    b.stdin.write("go\n")
    b.stdin.flush()
    for child in (a, b):
        _, err = child.communicate(timeout=PATIENCE)
        assert child.returncode == 0, err
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT source_name, superseded FROM reports WHERE year = 2023")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in stored] == [("b.txt", False)]


def _waits_for_a_lock(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar())
