"""Store benchmark at national scale: bulk ingest rate, database size, look-up latencies.

    python bench/store.py                    # 100k synthetic reports, SQLite and PostgreSQL
    python bench/store.py --reports 20000 --backend sqlite --shape template

Two kinds of synthetic reports, each loaded into a fresh database:
- `template`: every cell of the 2021 template printed with a random figure, one check (the
  issue's "reports from the template with random figures"); look-ups are timed on this one;
- `real`: the shape of a real parsed report (samples/pingtan_2023.html): derived cells without
  raw text, a decimal fee, six checks and thirteen prose figures; only the figures are random.
Agencies report two years each, and every province holds up to 5,000 agencies (the ranking
case). PostgreSQL is a temporary server started like the tests do (initdb + pg_ctl on
127.0.0.1), removed afterwards.
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
from parsers.model import Cell, CheckResult, Number, ParsedReport, Region
from store.db import make_engine, upgrade
from store.ingest import write_reports
from store.reader import StoreReader

YEARS = (2023, 2024)
PER_PROVINCE = 5000
PER_COUNTY = 50
KEYS = [f.key for f in template_fields("2021")]
SHAPE = Path(__file__).resolve().parent.parent / "samples" / "pingtan_2023.html"
BATCH = 1000
Item = tuple[ParsedReport, str, str]  # parsed, source name, sha


def template_report(rng: random.Random) -> ParsedReport:
    values = [rng.randrange(500) for _ in KEYS]
    cells = {key: Cell(value, raw=str(value)) for key, value in zip(KEYS, values, strict=True)}
    return ParsedReport(
        agency="",
        year=0,
        template="2021",
        format="text",
        cells=cells,
        checks=[
            CheckResult("V1", True, "表三 各列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度")
        ],
    )


def real_shaped_report(rng: random.Random, shape: ParsedReport) -> ParsedReport:
    cells: dict[str, Cell] = {}
    for key, cell in shape.cells.items():
        value: Number = rng.randrange(0, 500)
        if type(cell.value) is not int:
            value = Decimal(rng.randrange(0, 10**8)) / 10000
        cells[key] = replace(cell, value=value, raw=str(value) if cell.raw else "")
    prose = {key: rng.randrange(0, 500) for key in shape.prose}
    return replace(shape, cells=cells, prose=prose)


def synthetic(n_reports: int, shape: str, seed: int = 7) -> Iterator[Item]:
    """Agency i reports every year of YEARS, in regions of PER_COUNTY agencies."""
    rng = random.Random(seed)
    real = None
    if shape == "real":
        from parsers import parse_bytes

        real = parse_bytes(SHAPE.read_bytes(), filename=SHAPE.name)
    agencies = max(1, n_reports // len(YEARS))
    for year in YEARS:
        for i in range(agencies):
            province, rest = divmod(i, PER_PROVINCE)
            county = rest // PER_COUNTY
            region = Region(f"测{province}省", f"测{province}-{county // 10}市",
                            f"测{province}-{county}县")  # fmt: skip
            report = template_report(rng) if real is None else real_shaped_report(rng, real)
            agency = f"{region.county}第{i % PER_COUNTY}局"
            report = replace(
                report,
                agency=agency,
                year=year,
                region=region,
                level="department",
                title=f"{agency}{year}年度政府信息公开工作年度报告",
            )
            yield report, f"r{i}-{year}.txt", f"{i:08d}{year}"


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


def ingest(engine: Engine, n_reports: int, shape: str, size: Callable[[Engine], int]) -> None:
    """Write the synthetic reports in batches; only `write_reports` is timed."""
    upgrade(engine)
    batch: list[Item] = []
    spent, written = 0.0, 0
    for item in synthetic(n_reports, shape):
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
    megabytes = size(engine) / 1024 / 1024
    print(f"  ingest, {shape} reports: {written:,} in {spent:.1f} s = "
          f"{written / spent:,.0f} reports/s; database {megabytes:,.0f} MB")  # fmt: skip


def look_ups(engine: Engine, n_reports: int) -> None:
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


def sqlite_size(engine: Engine) -> int:
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database = Path(str(engine.url.database))
    return sum(p.stat().st_size for p in database.parent.glob(f"{database.name}*"))


def postgresql_size(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def sqlite(n_reports: int, shapes: list[str]) -> None:
    print(f"SQLite ({n_reports:,} reports)")
    for shape in shapes:
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
            ingest(engine, n_reports, shape, sqlite_size)
            if shape == shapes[0]:
                look_ups(engine, n_reports)
            engine.dispose()


def postgresql(n_reports: int, shapes: list[str]) -> None:
    from tests.fixtures_store import start_postgres, stop_postgres

    server, why = start_postgres()
    if server is None:
        print(f"PostgreSQL skipped: {why}")
        return
    print(f"PostgreSQL ({n_reports:,} reports)")
    try:
        for shape in shapes:
            engine = make_engine(server.fresh_database())
            ingest(engine, n_reports, shape, postgresql_size)
            if shape == shapes[0]:
                look_ups(engine, n_reports)
            engine.dispose()
    finally:
        stop_postgres(server)


def main() -> int:
    # Turn a kill into SystemExit so the temporary PostgreSQL server is stopped by `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--shape", choices=("template", "real", "both"), default="both")
    args = parser.parse_args()
    shapes = ["template", "real"] if args.shape == "both" else [args.shape]
    if args.backend in ("sqlite", "both"):
        sqlite(args.reports, shapes)
    if args.backend in ("postgresql", "both"):
        postgresql(args.reports, shapes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
