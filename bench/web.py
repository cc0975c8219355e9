"""Web page latency over a national-scale store: p50/p99 per page, end to end over HTTP.

    .venv/bin/python bench/web.py                       # 100,000 agencies × 2 years (SQLite)
    .venv/bin/python bench/web.py --agencies 20000 --requests 200

Builds the store once (kept under data/, reused by later runs; about 2.5 GB and two minutes for
100,000 agencies): agencies named and placed like bench/ask.py's national source (31
provinces, 11 cities each, counties of 33 agencies), each reporting two years of the 2021
template with random figures as bench/store.py makes them, one report in 20 with a failed
check. Then starts `python bot.py web` on 127.0.0.1 against it and times each kind of page
with sequential requests from one client (target: p99 ≤ 50 ms for every page). Rankings are
cached until the store changes, so their first view and later views are timed apart; the
question pages are followed by the question core alone on the same questions (the floor).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench.ask import SyntheticSource
from bench.store import template_report
from parsers.model import CheckResult, ParsedReport, Region
from query.source import AgencyInfo
from store.db import make_engine, upgrade
from store.ingest import write_reports

PROJECT = Path(__file__).resolve().parent.parent
YEARS = (2023, 2024)
RANK_KEYS = ("apply.new.total", "result.public.total", "review.total", "result.total.total",
             "litigation.total", "apply.new.natural", "result.partial.total")  # fmt: skip
BATCH = 1000
FAILED = CheckResult(
    "V1",
    False,
    "表三 总计列：本年新收 12 + 上年结转 0 ≠ 办理结果总计 11 + 结转下年度 0",
    ("apply.new.total", "apply.carried_in.total", "result.total.total"),
)


def reports(agencies: int, seed: int = 7) -> Iterator[tuple[ParsedReport, str, str]]:
    rng = random.Random(seed)
    for year in YEARS:
        for info in SyntheticSource(agencies).agencies():
            report = template_report(rng)
            checks = [FAILED] if rng.random() < 0.05 else report.checks
            yield (
                replace(
                    report,
                    agency=info.name,
                    year=year,
                    region=Region(info.province, info.city, info.county),
                    level=info.level,
                    title=f"{info.name}{year}年政府信息公开工作年度报告",
                    checks=checks,
                    prose={"text.proactive.total": rng.randrange(5000)},
                ),
                f"{info.id}_{year}.pdf",
                f"{info.id:08d}{year}",
            )


def build_store(path: Path, agencies: int) -> None:
    if path.exists():
        return
    print(f"building {path} ({agencies:,} agencies × {len(YEARS)} years) …", flush=True)
    started = time.perf_counter()
    partial = path.with_name(path.name + ".partial")
    for leftover in path.parent.glob(partial.name + "*"):
        leftover.unlink()
    engine = make_engine(f"sqlite:///{partial}")
    upgrade(engine)
    batch: list[tuple[ParsedReport, str, str]] = []
    for item in reports(agencies):
        batch.append(item)
        if len(batch) == BATCH:
            write_reports(engine, batch)
            batch.clear()
    if batch:
        write_reports(engine, batch)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    partial.rename(path)
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


@dataclass
class Kind:
    """One kind of page: how to make a URL, and how many timed requests it gets."""

    make: Callable[[], str]
    requests: int | None = None  # None: --requests
    warm: bool = True  # warm this kind up first (False: every request is a first view)


def kinds(agencies: int, rng: random.Random) -> dict[str, Kind]:
    infos = SyntheticSource(agencies).agencies()
    provinces = sorted({a.province or "" for a in infos})
    cached = provinces[:3]  # scopes viewed before: their rankings are in the cache
    fresh = iter([(p, k) for k in RANK_KEYS for p in provinces[3:]])  # never viewed before
    national = iter([(k, y) for y in YEARS for k in RANK_KEYS])

    def pick() -> AgencyInfo:
        return infos[rng.randrange(len(infos))]

    def report() -> int:  # report ids follow the build order: year by year, agencies in order
        return rng.randrange(1, len(infos) * len(YEARS) + 1)

    def q(text: str) -> str:
        return quote(text)

    def county(a: AgencyInfo) -> str:
        return f"province={q(a.province or '')}&city={q(a.city or '')}&county={q(a.county or '')}"

    def fresh_province() -> str:
        province, key = next(fresh)
        return f"/rank?key={key}&year=2024&province={q(province)}"

    return {
        "/ (search box)": Kind(lambda: "/"),
        "/?q= one value": Kind(lambda: f"/?q={q(f'{pick().name} {rng.choice(YEARS)} 申请数量')}"),
        "/?q= across years": Kind(lambda: f"/?q={q(f'{pick().name} 近两年 复议')}"),
        "/?q= rank in a city": Kind(lambda: f"/?q={q(f'{pick().city} 2024 申请数量 排名')}"),
        "/api/ask": Kind(lambda: f"/api/ask?q={q(f'{pick().name} 2023 予以公开')}"),
        "/agencies (provinces)": Kind(lambda: "/agencies"),
        "/agencies?province=": Kind(lambda: f"/agencies?province={q(pick().province or '')}"),
        "/agencies?…county=": Kind(lambda: f"/agencies?{county(pick())}"),
        "/agencies?q= (search)": Kind(lambda: f"/agencies?q={q(pick().name[-6:])}"),
        "/agencies/{id}": Kind(lambda: f"/agencies/{pick().id}"),
        "/reports/{id}": Kind(lambda: f"/reports/{report()}"),
        "/api/reports/{id}": Kind(lambda: f"/api/reports/{report()}"),
        "/rank a city, mostly 1st view": Kind(lambda: (
            f"/rank?key=apply.new.total&year=2024&province={q(pick().province or '')}"
            f"&city={q(pick().city or '')}"
        ), warm=False),
        "/rank a province, cached": Kind(
            lambda: f"/rank?key=review.total&year=2024&province={q(rng.choice(cached))}"
        ),
        "/rank a province, 1st view": Kind(fresh_province, requests=150, warm=False),
        "/rank national, cached": Kind(lambda: "/rank?key=apply.new.total&year=2023"),
        "/rank national, 1st view": Kind(
            lambda: "/rank?key={}&year={}".format(*next(national)), requests=10, warm=False
        ),
        "/compare (3 agencies)": Kind(
            lambda: "/compare?key=apply.new.total&" + "&".join(f"a={pick().id}" for _ in range(3))
        ),
        "/reports/{id}?format=csv": Kind(lambda: f"/reports/{report()}?format=csv"),
        "/rank a province, cached csv": Kind(lambda: (
            f"/rank?key=review.total&year=2024&province={q(rng.choice(cached))}&format=csv"
        )),
    }  # fmt: skip


def core_floor(db: Path, questions: list[str]) -> tuple[float, float]:
    """p50/p99 of `Services.ask` alone (in this process) on the same questions: what the
    page adds is the difference."""
    from services import Services

    services = Services(make_engine(f"sqlite:///{db}"))
    services.ask(questions[0])  # the agency index
    samples = []
    for question in questions:
        t0 = time.perf_counter()
        services.ask(question)
        samples.append(time.perf_counter() - t0)
    services.close()
    return percentiles(samples)


def measure(db: Path, agencies: int, requests: int) -> int:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SEED_SAMPLES": "false",
           "LOG_LEVEL": "WARNING", "WEB_RATE_LIMIT": "1000000/minute"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, str(PROJECT / "bot.py"), "web", "--port", str(port)], env=env
    )
    asked: dict[str, list[str]] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        print("the server did not start", file=sys.stderr)
                        return 1
                    time.sleep(0.2)
            started = time.perf_counter()
            client.get("/?q=" + quote("2024 申请数量"))  # the agency index is built once
            print(f"first question (builds the agency index): "
                  f"{time.perf_counter() - started:.1f} s")  # fmt: skip
            rng = random.Random(3)
            print(f"{'page':<32}{'p50 ms':>9}{'p99 ms':>9}{'KB':>8}  n    status")
            worst = 0.0
            for name, kind in kinds(agencies, rng).items():
                if kind.warm:
                    for _ in range(5):  # the connection, the page cache, this kind's caches
                        client.get(kind.make())
                samples, sizes, statuses = [], [], set()
                for _ in range(kind.requests or requests):
                    url = kind.make()
                    t0 = time.perf_counter()
                    response = client.get(url)
                    samples.append(time.perf_counter() - t0)
                    sizes.append(len(response.content))
                    statuses.add(response.status_code)
                    if url.startswith(("/?q=", "/api/ask?q=")):
                        asked.setdefault(name, []).append(parse_qs(urlsplit(url).query)["q"][0])
                p50, p99 = percentiles(samples)
                if kind.warm and "csv" not in name:
                    worst = max(worst, p99)
                kb = statistics.median(sizes) / 1024
                codes = ",".join(str(s) for s in sorted(statuses))
                print(f"{name:<32}{p50:>9.2f}{p99:>9.2f}{kb:>8.1f}  {len(samples):<5}{codes}",
                      flush=True)  # fmt: skip
            print(f"worst p99 of a page whose caches are warm: {worst:.1f} ms (target ≤ 50 ms)")
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("the question core alone (Services.ask in one process, same questions):")
    for name, questions in asked.items():
        p50, p99 = core_floor(db, questions)
        print(f"{name:<32}{p50:>9.2f}{p99:>9.2f}", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--agencies", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page")
    parser.add_argument("--db", type=Path, default=None, help="store path (default under data/)")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    db = args.db or PROJECT / "data" / f"bench_web_{args.agencies}.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    build_store(db, args.agencies)
    if args.build_only:
        return 0
    return measure(db, args.agencies, args.requests)


if __name__ == "__main__":
    sys.exit(main())
