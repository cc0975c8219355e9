"""Store benchmark at national scale: bulk ingest rate, database size, look-up latencies.

    python bench/store.py                    # 100k synthetic reports, SQLite and PostgreSQL
    python bench/store.py --reports 20000 --backend sqlite

Synthetic reports use the 2021 template with random figures: agencies report two years each,
and every province holds up to 5,000 agencies (the ranking case). PostgreSQL is a temporary
server started like the tests do (initdb + pg_ctl on 127.0.0.1), removed afterwards.
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, text

from parsers.fields import template_fields
from parsers.model import Cell, Number, ParsedReport, Region
from store.db import make_engine, upgrade
from store.ingest import write_reports
from store.reader import StoreReader

YEARS = (2023, 2024)
PER_PROVINCE = 5000
PER_COUNTY = 50
KEYS = [f.key for f in template_fields("2021")]
SHAPE = Path(__file__).resolve().parent.parent / "samples" / "pingtan_2023.html"
BATCH = 1000


def real_shape() -> ParsedReport:
    """A real parsed report whose cells, flags, checks and prose the synthetic ones copy."""
    from parsers import parse_bytes

    return parse_bytes(SHAPE.read_bytes(), filename=SHAPE.name)


def synthetic(n_reports: int, seed: int = 7) -> Iterator[tuple[ParsedReport, str, str]]:
    """(parsed, source name, sha) triples: agency i reports every year of YEARS.

    Each report has the shape of a real parsed one (`SHAPE`): the same cells with the same
    flags (derived cells have no raw text, the fee is a decimal), the same checks and prose
    keys; only the figures are random.
    """
    rng = random.Random(seed)
    shape = real_shape()
    agencies = max(1, n_reports // len(YEARS))
    for year in YEARS:
        for i in range(agencies):
            province, rest = divmod(i, PER_PROVINCE)
            county = rest // PER_COUNTY
            region = Region(f"测{province}省", f"测{province}-{county // 10}市",
                            f"测{province}-{county}县")  # fmt: skip
            cells: dict[str, Cell] = {}
            for key, cell in shape.cells.items():
                value: Number = rng.randrange(0, 500)
                if type(cell.value) is not int:
                    value = Decimal(rng.randrange(0, 10**8)) / 10000
                cells[key] = replace(cell, value=value, raw=str(value) if cell.raw else "")
            agency = f"{region.county}第{i % PER_COUNTY}局"
            parsed = ParsedReport(
                agency=agency,
                year=year,
                template=shape.template,
                format=shape.format,
                cells=cells,
                region=region,
                level="department",
                title=f"{agency}{year}年度政府信息公开工作年度报告",
                prose={key: rng.randrange(0, 500) for key in shape.prose},
                checks=shape.checks,
            )
            yield parsed, f"r{i}-{year}.txt", f"{i:08d}{year}"


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


def timed(calls: int, func: Callable[[], object]) -> tuple[float, float]:
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def run(engine: Engine, n_reports: int, size: Callable[[], int]) -> None:
    upgrade(engine)
    batch: list[tuple[ParsedReport, str, str]] = []
    spent, written = 0.0, 0
    for item in synthetic(n_reports):
        batch.append(item)
        if len(batch) == BATCH:
            start = time.perf_counter()
            written += len(write_reports(engine, batch))
            spent += time.perf_counter() - start
            batch.clear()
    if batch:
        start = time.perf_counter()
        written += len(write_reports(engine, batch))
        spent += time.perf_counter() - start
    print(f"  ingest: {written} reports in {spent:.1f} s = {written / spent:,.0f} reports/s")
    print(f"  database size: {size() / 1024 / 1024:,.0f} MB")

    reader = StoreReader(engine)
    rng = random.Random(1)
    agencies = max(1, n_reports // len(YEARS))
    p50, p99 = timed(
        2000, lambda: reader.figures(rng.randrange(1, agencies + 1), 2024, [rng.choice(KEYS)])
    )
    print(f"  point look-up (agency, year, key): p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    in_region = len(reader.across(KEYS[0], 2024, region="测0省"))
    p50, p99 = timed(200, lambda: reader.across(rng.choice(KEYS), 2024, region="测0省"))
    print(f"  ranking of one key over {in_region} agencies: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    p50, p99 = timed(200, reader.version)
    print(f"  version(): p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def main() -> int:
    # Turn a kill into SystemExit so the temporary PostgreSQL server is stopped by `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.sqlite3"
            engine = make_engine(f"sqlite:///{path}")
            print(f"SQLite ({args.reports:,} reports)")

            def sqlite_size() -> int:
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                return sum(p.stat().st_size for p in Path(tmp).iterdir())

            run(engine, args.reports, sqlite_size)
            engine.dispose()
    if args.backend in ("postgresql", "both"):
        from tests.fixtures_store import start_postgres, stop_postgres

        server, why = start_postgres()
        if server is None:
            print(f"PostgreSQL skipped: {why}")
            return 0
        try:
            engine = make_engine(server.fresh_database())
            print(f"PostgreSQL ({args.reports:,} reports)")

            def pg_size() -> int:
                with engine.connect() as conn:
                    size: int = conn.execute(
                        text("SELECT pg_database_size(current_database())")
                    ).scalar_one()
                    return size

            run(engine, args.reports, pg_size)
            engine.dispose()
        finally:
            stop_postgres(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
