"""Question latency at national scale: 100k agencies × 5 years in a synthetic in-memory source.

    .venv/bin/python bench/ask.py [--agencies 100000] [--per-intent 300]

Prints p50/p99 per intent and the ratio to a bare look-up of the resolved figure, so the cost of
understanding the question is visible apart from the cost of storage.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parsers.fields import FIELDS, template_of_year
from query import Asker
from query.catalog import template_keys
from query.source import AgencyInfo, CheckInfo, FigureInfo, ReportInfo

YEARS = (2020, 2021, 2022, 2023, 2024)
CHARS = "安宁平和兴华昌隆泰德阳山河源清丰富新乐长春永定东西南北海江湖云林石金玉松柏桥川"
DEPARTMENTS = (
    "人民政府", "数据资源管理局", "住房和城乡建设局", "发展和改革委员会", "财政局", "教育局",
    "公安局", "民政局", "司法局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局",
    "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会",
    "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局",
    "城市管理局", "行政审批局", "林业局", "信访局", "人民政府办公室", "政务服务管理局",
    "税务局", "体育局", "档案局",
)  # fmt: skip


def _names(count: int, suffix: str, rng: random.Random, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        length = 2 if len(taken) < 1000 else 3  # 3-character names once 2-character ones thin out
        name = "".join(rng.choice(CHARS) for _ in range(length)) + suffix
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


class SyntheticSource:
    """Deterministic figures computed from a hash, so 500k reports need no memory."""

    def __init__(self, agencies: int) -> None:
        rng = random.Random(7)
        taken: set[str] = set()
        self._agencies: list[AgencyInfo] = []
        self._in_region: dict[str, list[int]] = defaultdict(list)
        provinces = _names(31, "省", rng, taken)
        per_county = len(DEPARTMENTS)
        counties_needed = agencies // per_county + 1
        cities_per_province = 11
        counties_per_city = counties_needed // (31 * cities_per_province) + 1
        for province in provinces:
            for city in _names(cities_per_province, "市", rng, taken):
                for county in _names(counties_per_city, rng.choice("区县"), rng, taken):
                    region = province + city + county
                    for dept in DEPARTMENTS:
                        if len(self._agencies) >= agencies:
                            break
                        agency_id = len(self._agencies) + 1
                        level = "government" if dept == "人民政府" else "department"
                        info = AgencyInfo(agency_id, city + county + dept, (), region,
                                          province, city, county, level)  # fmt: skip
                        self._agencies.append(info)
                        for prefix in (province, province + city, region):
                            self._in_region[prefix].append(agency_id)

    def version(self) -> str:
        return "synthetic-1"

    def agencies(self) -> Sequence[AgencyInfo]:
        return self._agencies

    def years(self, agency_id: int) -> list[int]:
        return list(YEARS) if 1 <= agency_id <= len(self._agencies) else []

    def report(self, agency_id: int, year: int) -> ReportInfo | None:
        if year not in YEARS or not 1 <= agency_id <= len(self._agencies):
            return None
        name = self._agencies[agency_id - 1].name
        return ReportInfo(agency_id, year, f"{name}{year}年政府信息公开工作年度报告",
                          f"{agency_id}_{year}.pdf", "pdf", template_of_year(year))  # fmt: skip

    def _figure(self, agency_id: int, year: int, key: str) -> FigureInfo | None:
        if key not in template_keys(template_of_year(year)):
            return None
        digest = hashlib.blake2b(f"{agency_id}|{year}|{key}".encode(), digest_size=4).digest()
        value = Decimal(int.from_bytes(digest) % 500)
        return FigureInfo(key, value, FIELDS[key].unit, raw=str(value))

    def figures(self, agency_id: int, year: int, keys: Sequence[str]) -> dict[str, FigureInfo]:
        if self.report(agency_id, year) is None:
            return {}
        out = {k: f for k in keys if (f := self._figure(agency_id, year, k)) is not None}
        return out

    def series(self, agency_id: int, key: str) -> dict[int, FigureInfo]:
        return {y: f for y in YEARS if (f := self._figure(agency_id, y, key)) is not None}

    def across(
        self, key: str, year: int, *, region: str | None = None
    ) -> list[tuple[int, FigureInfo]]:
        if year not in YEARS:
            return []
        ids = self._in_region.get(region, []) if region else range(1, len(self._agencies) + 1)
        return [(a, f) for a in ids if (f := self._figure(a, year, key)) is not None]

    def checks(self, agency_id: int, year: int) -> list[CheckInfo]:
        return [CheckInfo("V1", True, "表三 新收+结转=办理结果+结转下年")]


class TimedSource:
    """Wraps a source and adds up the time spent inside it, to tell storage from understanding."""

    def __init__(self, inner: SyntheticSource) -> None:
        self.inner = inner
        self.spent = 0.0

    def __getattr__(self, name: str) -> Callable[..., object]:
        method = getattr(self.inner, name)

        def timed(*args: object, **kwargs: object) -> object:
            t0 = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.spent += time.perf_counter() - t0

        return timed


def _questions(source: SyntheticSource, count: int) -> dict[str, list[str]]:
    rng = random.Random(11)
    agencies = source.agencies()
    fields = ("申请数量", "复议", "予以公开", "企业申请", "行政许可", "不予公开", "诉讼")

    def pick() -> AgencyInfo:
        return agencies[rng.randrange(len(agencies))]

    def county_dept(a: AgencyInfo) -> str:
        return (a.county or "") + a.name.removeprefix((a.city or "") + (a.county or ""))

    def misspell(a: AgencyInfo) -> str:
        county = a.county or ""
        wrong = county[0] + ("泽" if county[1] != "泽" else "则") + county[2:]
        return a.name.replace(county, wrong)

    makers: dict[str, Callable[[], str]] = {
        "value": lambda: f"{pick().name} {rng.choice(YEARS)} {rng.choice(fields)}",
        "value-short-name": lambda: f"{county_dept(pick())} {rng.choice(YEARS)}年 申请数量",
        "value-latest": lambda: f"{pick().name} {rng.choice(fields)}",
        "value-typo": lambda: f"{pick().name} {rng.choice(YEARS)} 申清数量",
        "series": lambda: f"{pick().name} 近三年 {rng.choice(fields)}",
        "compare": lambda: f"{pick().name} 和 {pick().name} 2023 申请数量",
        "rank-county": lambda: f"{pick().county} 2023 申请数量 排名",
        "rank-city": lambda: f"{pick().city} 2023 复议 前十名",
        "total-city": lambda: f"{pick().city} 2023 申请数量 合计",
        "overview": lambda: f"{pick().name} 2022 年报概况",
        "checks": lambda: f"{pick().name} 2022 有没有问题",
        "no-data-year": lambda: f"{pick().name} 2018 申请数量",
        "unknown-agency": lambda: "火星市外星局 2023 申请数量",
        "agency-typo": lambda: f"{misspell(pick())} 2023 申请数量",
        "rank-national": lambda: "2023 申请数量 前十名",
        "not-understood": lambda: rng.choice(("今天天气怎么样", "hello", "😀", "申" * 4000)),
    }
    return {intent: [make() for _ in range(count)] for intent, make in makers.items()}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--agencies", type=int, default=100_000)
    parser.add_argument("--per-intent", type=int, default=300)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    source = SyntheticSource(args.agencies)
    built = time.perf_counter()
    timed = TimedSource(source)
    asker = Asker(timed, tz=ZoneInfo("Asia/Shanghai"), today=lambda: date(2025, 6, 1))  # type: ignore[arg-type]
    asker.index()
    indexed = time.perf_counter()
    print(
        f"{len(source.agencies())} agencies × {len(YEARS)} years; source built in "
        f"{built - started:.1f} s, agency index in {indexed - built:.1f} s"
    )
    sys.stdout.flush()
    print(
        f"{'intent':<18}{'p50 ms':>9}{'p99 ms':>9}{'in source p50':>15}"
        f"{'lookup p50 ms':>15}{'ratio':>8}  status"
    )
    for intent, questions in _questions(source, args.per_intent).items():
        times: list[float] = []
        inside: list[float] = []
        lookups: list[float] = []
        statuses: dict[str, int] = defaultdict(int)
        for question in questions:
            timed.spent = 0.0
            t0 = time.perf_counter()
            answer = asker.ask(question)
            times.append((time.perf_counter() - t0) * 1000)
            inside.append(timed.spent * 1000)
            statuses[answer.status] += 1
            if answer.answers and answer.answers[0].source is not None:
                item = answer.answers[0]
                ids = asker.index().names.get(item.agency.replace(" ", ""))
                agency_id = min(ids) if ids else None
                if agency_id is not None:
                    t1 = time.perf_counter()
                    source.figures(agency_id, item.year, [item.key])
                    lookups.append((time.perf_counter() - t1) * 1000)
        p50, p99 = statistics.median(times), _percentile(times, 0.99)
        lookup = statistics.median(lookups) if lookups else float("nan")
        ratio = p50 / lookup if lookups else float("nan")
        summary = ",".join(f"{k}:{v}" for k, v in sorted(statuses.items()))
        print(
            f"{intent:<18}{p50:>9.2f}{p99:>9.2f}{statistics.median(inside):>15.2f}"
            f"{lookup:>15.4f}{ratio:>8.0f}  {summary}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
