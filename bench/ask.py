"""Question latency at national scale: 100,000 agencies × 5 years, every intent.

    .venv/bin/python bench/ask.py [--agencies 100000] [--per-intent 200] [--seconds 20]
                                  [--source memory|sqlite|postgresql|all] [--keep DIR]

`memory` is a synthetic in-memory source (figures from a hash, so 500,000 reports need no
memory); `sqlite` and `postgresql` build a real store of the same shape (regions, agencies,
reports, table cells, prose facts, checks) with set-based SQL inside the database and ask
through `StoreReader`, end to end. Each intent prints p50/p99 and the answer statuses; the
first question of each national ranking is timed apart ("cold"). Targets (issue #13): p99 ≤
30 ms for every intent, national ranking p99 ≤ 100 ms.

Building the 100,000-agency store takes minutes: `--keep DIR` builds it once into DIR (a SQLite
file, a PostgreSQL data directory) and later runs with the same `--keep` and `--agencies` reuse
it. `--seconds` bounds the time each intent is asked (the questions asked are counted in `n`),
so a run on a loaded machine finishes.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parsers.fields import FIELDS, template_of_year
from parsers.prose import TEXT_FACTS
from query import Asker
from query.catalog import template_keys
from query.memory import MemorySource
from query.source import AgencyInfo, CheckInfo, FigureInfo, ReportInfo, ReportSource

YEARS = (2020, 2021, 2022, 2023, 2024)
TODAY = date(2025, 6, 1)
CHARS = "安宁平和兴华昌隆泰德阳山河源清丰富新乐长春永定东西南北海江湖云林石金玉松柏桥川"
DEPARTMENTS = (
    "人民政府", "数据资源管理局", "住房和城乡建设局", "发展和改革委员会", "财政局", "教育局",
    "公安局", "民政局", "司法局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局",
    "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会",
    "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
    "城市管理局", "行政审批局", "林业局", "信访局", "人民政府办公室", "政务服务管理局",
    "税务局", "体育局", "档案局",
)  # fmt: skip
# The cells every synthetic report holds: what the questions ask, the overview, the rates.
BENCH_KEYS = sorted(
    {
        "apply.new.total", "apply.new.natural", "apply.new.business", "apply.new.research",
        "apply.new.nonprofit", "apply.new.legal", "apply.new.other", "apply.carried_in.total",
        "result.public.total", "result.partial.total", "result.withheld.total",
        "result.unable.total", "result.rejected.total", "result.other.total",
        "result.total.total", "apply.carried_forward.total", "review.total", "review.upheld",
        "review.corrected", "litigation.direct.total", "litigation.after_review.total",
        "litigation.direct.corrected", "litigation.after_review.corrected", "litigation.total",
        "proactive.normative.issued", "proactive.normative.made", "proactive.permit.decisions",
        "proactive.penalty.decisions", "proactive.fees.amount", "proactive.rules.issued",
        "proactive.rules.made",
    }
)  # fmt: skip


def _value(agency_id: int, year: int, key: str) -> Decimal:
    digest = hashlib.blake2b(f"{agency_id}|{year}|{key}".encode(), digest_size=4).digest()
    return Decimal(int.from_bytes(digest) % 500)


def _names(count: int, suffix: str, rng: random.Random, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        length = 2 if len(taken) < 1000 else 3  # 3-character names once 2-character ones thin out
        name = "".join(rng.choice(CHARS) for _ in range(length)) + suffix
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def synthetic_agencies(count: int) -> list[AgencyInfo]:
    """31 provinces × 11 cities × as many counties as needed, every department in each."""
    rng = random.Random(7)
    taken: set[str] = set()
    agencies: list[AgencyInfo] = []
    counties_per_city = (count // len(DEPARTMENTS) + 1) // (31 * 11) + 1
    for province in _names(31, "省", rng, taken):
        for city in _names(11, "市", rng, taken):
            for county in _names(counties_per_city, rng.choice("区县"), rng, taken):
                for dept in DEPARTMENTS:
                    if len(agencies) >= count:
                        return agencies
                    level = "government" if dept == "人民政府" else "department"
                    agencies.append(AgencyInfo(len(agencies) + 1, city + county + dept, (),
                                               province + city + county, province, city,
                                               county, level))  # fmt: skip
    return agencies


class SyntheticSource(MemorySource):
    """The in-memory source at national scale: figures computed from a hash on demand."""

    def __init__(self, agencies: int | list[AgencyInfo]) -> None:
        super().__init__([], version="synthetic-1")
        self._list = synthetic_agencies(agencies) if isinstance(agencies, int) else agencies
        self._in_region: dict[str, list[int]] = defaultdict(list)
        for a in self._list:
            for prefix in {a.province or "", (a.province or "") + (a.city or ""), a.region}:
                self._in_region[prefix].append(a.id)

    def agencies(self) -> Sequence[AgencyInfo]:
        return self._list

    def years(self, agency_id: int) -> list[int]:
        return list(YEARS) if 1 <= agency_id <= len(self._list) else []

    def report(self, agency_id: int, year: int) -> ReportInfo | None:
        if year not in YEARS or not 1 <= agency_id <= len(self._list):
            return None
        name = self._list[agency_id - 1].name
        return ReportInfo(agency_id, year, f"{name}{year}年政府信息公开工作年度报告",
                          f"{agency_id}_{year}.pdf", "pdf", template_of_year(year))  # fmt: skip

    def _figure(self, agency_id: int, year: int, key: str) -> FigureInfo | None:
        if key in TEXT_FACTS:
            value = _value(agency_id, year, key)
            sentence = f"全年{TEXT_FACTS[key]}{value}条"
            return FigureInfo(key, value, "条", f"{value}条", sentence=sentence,
                              section="一、总体情况", phrase=TEXT_FACTS[key])  # fmt: skip
        if key not in BENCH_KEYS or key not in template_keys(template_of_year(year)):
            return None
        value = _value(agency_id, year, key)
        return FigureInfo(key, value, FIELDS[key].unit, raw=str(value))

    def figures(self, agency_id: int, year: int, keys: Sequence[str]) -> dict[str, FigureInfo]:
        if self.report(agency_id, year) is None:
            return {}
        return {k: f for k in keys if (f := self._figure(agency_id, year, k)) is not None}

    def series(self, agency_id: int, key: str) -> dict[int, FigureInfo]:
        return {y: f for y in YEARS if (f := self._figure(agency_id, y, key)) is not None}

    def across(
        self, key: str, year: int, *, region: str | None = None
    ) -> list[tuple[int, FigureInfo]]:
        if year not in YEARS:
            return []
        ids = self._in_region.get(region, []) if region else range(1, len(self._list) + 1)
        return [(a, f) for a in ids if (f := self._figure(a, year, key)) is not None]

    def checks(self, agency_id: int, year: int) -> list[CheckInfo]:
        return [CheckInfo("V1", True, "表三 新收+结转=办理结果+结转下年")]

    def facts(self, agency_id: int, year: int) -> dict[str, FigureInfo]:
        return self.figures(agency_id, year, list(TEXT_FACTS))


def questions(agencies: Sequence[AgencyInfo], count: int) -> dict[str, list[str]]:
    rng = random.Random(11)
    fields = ("申请数量", "复议", "予以公开", "企业申请", "行政许可", "不予公开", "诉讼")

    def pick() -> AgencyInfo:
        return agencies[rng.randrange(len(agencies))]

    def county_dept(a: AgencyInfo) -> str:
        return (a.county or "") + a.name.removeprefix((a.city or "") + (a.county or ""))

    def misspell(a: AgencyInfo) -> str:
        county = a.county or ""
        wrong = county[0] + ("泽" if county[1] != "泽" else "则") + county[2:]
        return a.name.replace(county, wrong)

    def government() -> AgencyInfo:
        a = pick()
        return agencies[(a.id - 1) // len(DEPARTMENTS) * len(DEPARTMENTS)]

    makers: dict[str, Callable[[], str]] = {
        "value": lambda: f"{pick().name} {rng.choice(YEARS)} {rng.choice(fields)}",
        "value-short-name": lambda: f"{county_dept(pick())} {rng.choice(YEARS)}年 申请数量",
        "value-latest": lambda: f"{pick().name} {rng.choice(fields)}",
        "value-field-typo": lambda: f"{pick().name} {rng.choice(YEARS)} 申清数量",
        "prose-fact": lambda: f"{pick().name} {rng.choice(YEARS)}年主动公开了多少条信息",
        "prose-series": lambda: f"{pick().name} 历年 政策解读",
        "series": lambda: f"{pick().name} 近三年 {rng.choice(fields)}",
        "compare": lambda: f"{pick().name} 和 {pick().name} 2023 申请数量",
        "computed-rate": lambda: f"{pick().name} 2023 公开率",
        "computed-yoy": lambda: f"{pick().name} 2024 申请数量 同比",
        "computed-org": lambda: f"{pick().name} 2023 法人申请多少",
        "computed-sum-years": lambda: f"{pick().name} 2021到2023 复议 合计",
        "computed-max-year": lambda: f"{pick().name} 哪一年申请最多",
        "rank-county": lambda: f"{pick().county} 2023 申请数量 排名",
        "rank-city": lambda: f"{pick().city} 2023 复议 前十名",
        "rank-city-latest": lambda: f"{pick().city} {rng.choice(fields)} 排名",
        "total-city": lambda: f"{pick().city}各单位 2023 申请数量 合计",
        "overview": lambda: f"{pick().name} 2022 年报概况",
        "checks": lambda: f"{pick().name} 2022 有没有问题",
        "not-there": lambda: f"{government().name} 2023 GDP",
        "no-data-year": lambda: f"{pick().name} 2018 申请数量",
        "unknown-agency": lambda: "火星市外星局 2023 申请数量",
        "agency-typo": lambda: f"{misspell(pick())} 2023 申请数量",
        "help-list": lambda: rng.choice(("怎么上传年报", "如何导出数据", "帮助")),
        "not-understood": lambda: rng.choice(("今天天气怎么样", "hello", "😀", "申" * 4000)),
        "rank-national": lambda: f"2023 {rng.choice(fields)} 前十名",
        "rank-national-latest": lambda: f"哪个单位{rng.choice(fields)}最多",
    }
    return {intent: [make() for _ in range(count)] for intent, make in makers.items()}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


ONLY: tuple[str, ...] = ()  # --only
SECONDS = 0.0  # --seconds: the time each intent is asked at most (0: no bound)


def measure(name: str, source: ReportSource, agencies: Sequence[AgencyInfo], count: int) -> None:
    """p50/p99/max of each intent's wall time, and its mean CPU time in this process (on a
    loaded machine the wall time waits for a core; a store's own CPU is not in it)."""
    asker = Asker(source, tz=ZoneInfo("Asia/Shanghai"), today=lambda: TODAY)
    t0, c0 = time.perf_counter(), time.process_time()
    asker.prepare()  # what a serving bot does before its first question (Services.warm)
    print(f"[{name}] agency index of {len(agencies)} agencies prepared in "
          f"{time.perf_counter() - t0:.1f} s ({time.process_time() - c0:.1f} s CPU)",
          flush=True)  # fmt: skip
    print(f"{'intent':<20}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'cpu ms':>8}{'n':>5}  statuses",
          flush=True)  # fmt: skip
    for intent, asked in questions(agencies, count).items():
        if ONLY and intent not in ONLY:
            continue
        times: list[float] = []
        cpu: list[float] = []
        statuses: dict[str, int] = defaultdict(int)
        cold: dict[str, float] = {}
        until = time.monotonic() + SECONDS if SECONDS else float("inf")
        for question in asked:
            if time.monotonic() > until and len(times) >= 10:
                break
            t1, c1 = time.perf_counter(), time.process_time()
            answer = asker.ask(question)
            spent = (time.perf_counter() - t1) * 1000
            statuses[answer.status] += 1
            if intent.startswith("rank-national") and question not in cold:
                cold[question] = spent  # the first of each ranking
                continue
            times.append(spent)
            cpu.append((time.process_time() - c1) * 1000)
        summary = ",".join(f"{k}:{v}" for k, v in sorted(statuses.items()))
        p50, p99 = statistics.median(times), _percentile(times, 0.99)
        print(f"{intent:<20}{p50:>9.2f}{p99:>9.2f}{max(times):>9.2f}"
              f"{statistics.fmean(cpu):>8.2f}{len(times):>5}  {summary}", flush=True)  # fmt: skip
        if cold:
            worst, named = max(cold.values()), intent.removeprefix("rank-") + " cold"
            print(f"{named:<20}{statistics.median(cold.values()):>9.2f}"
                  f"{worst:>9.2f}{worst:>9.2f}{'':>8}{len(cold):>5}  first ask of each ranking",
                  flush=True)  # fmt: skip


# --- the real store --------------------------------------------------------------------------


def build_store(url: str, agencies: Sequence[AgencyInfo]) -> None:
    """Regions, agencies, reports (5 a year each), cells, prose facts and the ranking tables,
    written with set-based SQL inside the database (the ingest path is measured by
    bench/store.py)."""
    from sqlalchemy import insert, text

    from store.db import make_engine, upgrade
    from store.models import Agency, Region
    from store.rankings import refile_all

    engine = make_engine(url)
    upgrade(engine)
    postgres = engine.dialect.name == "postgresql"
    regions: dict[str, int] = {}
    with engine.begin() as conn:
        rows = []
        for a in agencies:
            if a.region not in regions:
                regions[a.region] = len(regions) + 1
                rows.append({"id": regions[a.region], "name": a.region, "province": a.province,
                             "city": a.city, "county": a.county})  # fmt: skip
        conn.execute(insert(Region.__table__), rows)  # type: ignore[attr-defined]
        conn.execute(
            insert(Agency.__table__),  # type: ignore[attr-defined]
            [{"id": a.id, "region_id": regions[a.region], "name": a.name,
              "norm_name": a.name, "level": a.level} for a in agencies],
        )  # fmt: skip
        conn.execute(text("CREATE TEMPORARY TABLE bench_years (year INTEGER, template TEXT)"))
        conn.execute(
            text("INSERT INTO bench_years VALUES (:y, :t)"),
            [{"y": y, "t": template_of_year(y)} for y in YEARS],
        )
        conn.execute(text(
            "INSERT INTO reports (id, agency_id, year, template, title, source_name, format, "
            "sha256, ingested_at, superseded, cell_count) "
            "SELECT (a.id - 1) * 5 + (y.year - 2020) + 1, a.id, y.year, y.template, "
            "a.name || y.year || '年政府信息公开工作年度报告', a.id || '_' || y.year || '.pdf', "
            "'pdf', 'bench' || a.id || '_' || y.year, CURRENT_TIMESTAMP, false, 0 "
            "FROM agencies a CROSS JOIN bench_years y"
        ))  # fmt: skip
        if postgres:
            conn.execute(text("SELECT setval('reports_id_seq', (SELECT max(id) FROM reports))"))
        conn.execute(
            text("CREATE TEMPORARY TABLE bench_keys (n INTEGER, key TEXT, template TEXT)")
        )
        keys = [
            {"n": i, "k": k, "t": t}
            for i, k in enumerate(BENCH_KEYS)
            for t in ("2019", "2021")
            if k in template_keys(t)
        ]
        conn.execute(text("INSERT INTO bench_keys VALUES (:n, :k, :t)"), keys)
        value = "((r.id * 2654435761 + k.n * 40503) % 1000003) % 500"
        conn.execute(text(
            "INSERT INTO figures (report_id, key, value, unit, raw, flags, candidates) "
            f"SELECT r.id, k.key, {value}, NULL, '', '', '' "
            "FROM reports r JOIN bench_keys k ON k.template = r.template ORDER BY r.id, k.key"
        ))  # fmt: skip
        facts = [{"n": 100 + i, "k": k, "t": t} for i, k in enumerate(TEXT_FACTS)
                 for t in ("2019", "2021")]  # fmt: skip
        conn.execute(text("DELETE FROM bench_keys"))
        conn.execute(text("INSERT INTO bench_keys VALUES (:n, :k, :t)"), facts)
        conn.execute(text(
            "INSERT INTO prose_figures (report_id, key, value, unit, sentence, section, phrase, "
            "flags) "
            f"SELECT r.id, k.key, {value}, '条', '全年主动公开政府信息' || ({value}) || '条', "
            "'一、总体情况', '主动公开政府信息', '' "
            "FROM reports r JOIN bench_keys k ON k.template = r.template"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO check_results (report_id, rule, ok, message, keys) "
            "SELECT id, 'V1', true, '表三 新收+结转=办理结果+结转下年', '' FROM reports"
        ))  # fmt: skip
        refile_all(conn)  # what the writer files for rankings, here all at once
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()


def on_store(name: str, url: str, agencies: Sequence[AgencyInfo], count: int) -> None:
    from store.db import make_engine
    from store.reader import StoreReader

    engine = make_engine(url)
    reader = StoreReader(engine)
    t1 = time.perf_counter()
    stored = list(reader.agencies())
    print(f"[{name}] {len(stored)} agencies read in {time.perf_counter() - t1:.1f} s", flush=True)
    measure(name, reader, stored, count)
    engine.dispose()


def built(name: str, url: str, agencies: Sequence[AgencyInfo], done: Path | None) -> str:
    """`url` once the store is there: built now, or by an earlier run (`done` exists)."""
    if done is not None and done.exists():
        print(f"[{name}] reusing the store built earlier ({done.parent})", flush=True)
        return url
    t0 = time.perf_counter()
    build_store(url, agencies)
    print(f"[{name}] store of {len(agencies) * len(YEARS)} reports built in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)  # fmt: skip
    if done is not None:
        done.write_text(url)
    return url


def on_sqlite(agencies: Sequence[AgencyInfo], count: int, keep: Path | None) -> None:
    if keep is None:
        with tempfile.TemporaryDirectory() as folder:
            url = built("sqlite", f"sqlite:///{folder}/bench.sqlite3", agencies, None)
            on_store("sqlite", url, agencies, count)
        return
    path = keep / f"ask_{len(agencies)}.sqlite3"
    done = keep / f"ask_{len(agencies)}.sqlite3.built"
    if not done.exists():
        for leftover in keep.glob(path.name + "*"):
            leftover.unlink()  # a build that was interrupted
    on_store("sqlite", built("sqlite", f"sqlite:///{path}", agencies, done), agencies, count)


def on_postgres(agencies: Sequence[AgencyInfo], count: int, keep: Path | None) -> None:
    from tests.helpers.postgres import start_postgres, stop_postgres

    root = keep / f"pg_{len(agencies)}" if keep else None
    server, why = start_postgres(root)
    if server is None:
        print(f"[postgresql] skipped: {why}")
        return
    try:
        done = root / "built" if root else None
        if done is not None and done.exists():  # the database built then, on today's port
            url = server.admin_url.rsplit("/", 1)[0] + "/" + done.read_text().rsplit("/", 1)[1]
        else:
            url = server.fresh_database()
        url = built("postgresql", url, agencies, done)
        on_store("postgresql", url, agencies, count)
    finally:
        if root is None:
            stop_postgres(server)
        else:
            server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--agencies", type=int, default=100_000)
    parser.add_argument("--per-intent", type=int, default=200)
    parser.add_argument(
        "--seconds",
        type=float,
        default=0.0,
        help="ask each intent at most this long (at least 10 questions)",
    )
    parser.add_argument(
        "--source", choices=("memory", "sqlite", "postgresql", "all"), default="memory"
    )
    parser.add_argument("--only", nargs="*", default=(), help="intents to time (default: all)")
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="build the stores once into this folder and reuse them",
    )
    args = parser.parse_args(argv)
    global ONLY, SECONDS
    ONLY, SECONDS = tuple(args.only), args.seconds
    agencies = synthetic_agencies(args.agencies)
    print(f"{len(agencies)} agencies × {len(YEARS)} years, {args.per_intent} questions an intent")
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    if args.source in ("memory", "all"):
        measure("memory", SyntheticSource(agencies), agencies, args.per_intent)
    if args.source in ("sqlite", "all"):
        on_sqlite(agencies, args.per_intent, args.keep)
    if args.source in ("postgresql", "all"):
        on_postgres(agencies, args.per_intent, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
