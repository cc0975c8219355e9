"""Shared test fixtures for query tests (loaded from tests/conftest.py).

`gold_source()` is an in-memory ReportSource built from the hand-checked figures in
tests/data/gold.json (plus gold_extra.json when present), so expected answers come from gold.
`run_question_set(asker, questions)` scores any Asker, so the integrator can run the same question
set against the real store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from names import split_region
from parsers.fields import FIELDS
from query import Answer, Asker
from query.memory import MemoryReport, MemorySource
from query.source import AgencyInfo, CheckInfo, FigureInfo, ReportInfo, ReportSource
from tests.helpers.documents import document

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 6, 1)  # 去年 = 2025 in the question set
TZ = ZoneInfo("Asia/Shanghai")
_ALIASES = {"六安市金安区数据资源管理局": ("六安市金安区政务服务管理局",)}
_FORMATS = {".txt": "text", ".html": "html", ".pdf": "pdf", ".docx": "docx", ".doc": "doc"}


def gold_entries() -> list[dict[str, Any]]:
    """gold.json entries; gold_extra.json adds cells to the entry of the same file."""
    entries: list[dict[str, Any]] = json.loads((DATA / "gold.json").read_text("utf-8"))
    extra = DATA / "gold_extra.json"
    if extra.exists():
        by_file = {e["file"]: e for e in entries}
        for more in json.loads(extra.read_text("utf-8")):
            entry = by_file.get(more["file"])
            if entry is not None:
                entry["figures"] = {**more["figures"], **entry["figures"]}
            elif "agency" in more and "year" in more:
                entries.append(more)
    return entries


def _department(name: str, region: str) -> str:
    for piece in split_region(region):
        name = name.removeprefix(piece)
    return name


def _value(raw: int | float) -> Decimal:
    return Decimal(raw) if isinstance(raw, int) else Decimal(str(raw))


def _sum_check(
    figures: dict[str, Decimal], rule: str, parts: Sequence[str], total: str, label: str
) -> CheckInfo | None:
    """Parts are ≥ 0, so known parts above the total are an error even when some are missing."""
    known = [k for k in parts if k in figures]
    if total not in figures or not known:
        return None
    got = sum((figures[k] for k in known), Decimal(0))
    if len(known) == len(parts):
        ok = got == figures[total]
    elif got > figures[total]:
        ok = False
    else:
        return None
    terms = "+".join(f"{figures[k]:f}" for k in known)
    message = f"{label}：{terms}={got:f}，总计{figures[total]:f}" + ("" if ok else "，不一致")
    return CheckInfo(rule, ok, message, (*parts, total))


def gold_checks(figures: dict[str, Decimal]) -> list[CheckInfo]:
    """V1 and V4 over the cells gold has: the same arithmetic the validator runs."""
    out: list[CheckInfo] = []
    for group, label in (
        ("review", "表四 行政复议"),
        ("litigation.direct", "表四 未经复议直接起诉"),
        ("litigation.after_review", "表四 复议后起诉"),
    ):
        parts = [f"{group}.{c}" for c in ("upheld", "corrected", "other", "pending")]
        check = _sum_check(figures, "V4", parts, f"{group}.total", label)
        if check:
            out.append(check)
    v1 = ("apply.new.total", "apply.carried_in.total")
    v1_right = ("result.total.total", "apply.carried_forward.total")
    if all(k in figures for k in (*v1, *v1_right)):
        left = figures[v1[0]] + figures[v1[1]]
        right = figures[v1_right[0]] + figures[v1_right[1]]
        message = f"表三 新收+结转={left:f}，办理结果+结转下年={right:f}"
        out.append(CheckInfo("V1", left == right, message, (*v1, *v1_right)))
    return out


def gold_source(entries: Iterable[dict[str, Any]] | None = None) -> MemorySource:
    """Agencies are merged by region and department (洪泽区人民政府 = 淮安市洪泽区人民政府)."""
    entries = sorted(entries or gold_entries(), key=lambda e: (e["year"], -len(e["figures"])))
    agency_ids: dict[tuple[str, str], int] = {}
    names: dict[int, list[str]] = {}
    regions: dict[int, str] = {}
    reports: dict[tuple[int, int], dict[str, Any]] = {}
    for entry in entries:
        identity = (entry["region"], _department(entry["agency"], entry["region"]))
        agency_id = agency_ids.setdefault(identity, len(agency_ids) + 1)
        names.setdefault(agency_id, []).append(entry["agency"])
        regions[agency_id] = entry["region"]
        key = (agency_id, entry["year"])
        if key in reports:  # the same report in another format fills missing cells only
            reports[key]["figures"] = {**entry["figures"], **reports[key]["figures"]}
        else:
            reports[key] = {**entry, "figures": dict(entry["figures"])}
    agencies: dict[int, AgencyInfo] = {}
    for (region, dept), agency_id in agency_ids.items():
        seen = list(dict.fromkeys(names[agency_id]))
        canonical = max(seen, key=len)
        aliases = tuple(n for n in seen if n != canonical) + _ALIASES.get(canonical, ())
        level = "government" if dept in ("", "人民政府") else "department"
        agencies[agency_id] = AgencyInfo(agency_id, canonical, aliases, region, level=level)
    items = []
    for (agency_id, year), entry in reports.items():
        agency = agencies[agency_id]
        values = {k: _value(v) for k, v in entry["figures"].items()}
        figures = {
            k: FigureInfo(k, v, FIELDS[k].unit if k in FIELDS else None, raw=f"{v:f}")
            for k, v in values.items()
        }
        report = ReportInfo(
            agency_id,
            year,
            f"{agency.name}{year}年政府信息公开工作年度报告",
            entry["file"],
            _FORMATS.get(Path(entry["file"]).suffix, "text"),
            entry["template"],
        )
        facts = gold_facts(entry["file"])
        items.append(MemoryReport(agency, report, figures, gold_checks(values), facts))
    return MemorySource(items, version="gold")


def gold_facts(file: str) -> dict[str, FigureInfo]:
    """The prose facts read by hand from one report (tests/data/gold_prose.json)."""
    entry = json.loads((DATA / "gold_prose.json").read_text("utf-8")).get(file, {})
    return {
        key: FigureInfo(key, Decimal(value), unit, f"{value}{unit}", tuple(flags))
        for key, (value, unit, *flags) in entry.items()
    }


def make_asker(source: ReportSource, today: date = TODAY) -> Asker:
    return Asker(source, tz=TZ, today=lambda: today)


@pytest.fixture(scope="session")
def gold_memory() -> MemorySource:
    """The gold reports as an in-memory source (the `gold` fixture is gold.json by file)."""
    return gold_source()


@pytest.fixture(scope="session")
def asker(gold_memory: MemorySource) -> Asker:
    return make_asker(gold_memory)


# --- the question set ---------------------------------------------------------------------


def load_questions() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((DATA / "questions.json").read_text("utf-8"))
    return data


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def check_question(answer: Answer, expected: dict[str, Any]) -> list[str]:
    """What differs between an answer and one question's expectations (empty when right)."""
    got = answer.to_json()
    problems = []
    for field_name in ("status", "intent"):
        if field_name in expected and got[field_name] != expected[field_name]:
            problems.append(f"{field_name} {got[field_name]!r} != {expected[field_name]!r}")
    first = got["answers"][0] if got["answers"] else {}
    for field_name in ("agency", "year", "key"):
        if field_name in expected and first.get(field_name) != expected[field_name]:
            problems.append(f"{field_name} {first.get(field_name)!r} != {expected[field_name]!r}")
    if "value" in expected and _number(first.get("value")) != _number(expected["value"]):
        problems.append(f"value {first.get('value')!r} != {expected['value']!r}")
    if "count" in expected and len(got["answers"]) != expected["count"]:
        problems.append(f"count {len(got['answers'])} != {expected['count']}")
    for needle in expected.get("text_contains", ()):
        if needle not in got["text"]:
            problems.append(f"text lacks {needle!r}")
    if expected.get("status") in ("no_data", "not_understood") and any(
        a["value"] is not None for a in got["answers"]
    ):
        problems.append("a value was given for a question without an answer in the data")
    return problems


def run_question_set(
    asker: Asker, questions: Sequence[dict[str, Any]]
) -> list[tuple[dict[str, Any], list[str]]]:
    """(question, problems) for every question of the set."""
    return [(q, check_question(asker.ask(q["q"]), q)) for q in questions]


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite store with every gold report file ingested through the real parsers."""
    from services import Services
    from store.db import make_engine, upgrade

    path = tmp_path_factory.mktemp("query-store") / "samples.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    # crawled text first: the original page of the same report (pingtan_2023.html) then wins
    names = sorted({e["file"] for e in gold_entries()}, key=lambda n: (not n.endswith(".txt"), n))
    for name in names:
        assert Services(engine).ingest_upload(document(name).read_bytes(), name).ok
    yield engine
    engine.dispose()
