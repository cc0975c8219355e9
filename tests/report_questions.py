"""Scoring the question set written from the report texts (tests/data/questions_reports.json).

Its schema is the questions engineer's: `expect` holds the status (answer / refuse / clarify),
the agency, year, key (a canonical key, a computation's name, "free:<words>", "overview",
"list" or "help"), value, unit, and extras (parts, expect_warning, approximate, winner, top,
order, year_order, agencies, missing_field). `year_order` is one agency's years in the order
asked (从多到少): every valued item's year, never a ranking of agencies. A rate is compared
at the precision the report prints (0.1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from query import Answer, Asker

DATA = Path(__file__).parent / "data"
# A computation named in `expect.key` → the `intent` our computed answer item carries.
COMPUTATIONS: dict[str, tuple[str, ...]] = {
    "合计": ("sum", "org"),
    "平均": ("average",),
    "公开率": ("rate.public",),
    "不予公开率": ("rate.withheld",),
    "复议纠错率": ("rate.review_corrected",),
    "诉讼纠错率": ("rate.litigation_corrected",),
    "复议后起诉纠错率": ("rate.after_review_corrected",),
    "直接起诉纠错率": ("rate.direct_corrected",),
    "同比": ("yoy",),
    "差": ("yoy", "difference"),
    "增幅": ("growth",),
    "倍数": ("ratio",),
    "占比": ("share",),
}
INTENT_KEYS = {"overview": "overview", "list": "availability", "help": "help"}


def load_report_questions() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((DATA / "questions_reports.json").read_text("utf-8"))
    return data


def _close(got: object, want: object, unit: str | None) -> bool:
    if got is None or want is None:
        return got == want
    tolerance = 0.051 if unit == "%" or unit == "倍" else 1e-9
    return abs(float(got) - float(want)) <= tolerance  # type: ignore[arg-type]


def _names(asker: Asker, item: dict[str, Any], agency_id: int | None) -> set[str]:
    names = {item.get("agency", "")}
    info = asker.index().info.get(agency_id) if agency_id is not None else None
    if info is not None:
        names |= {info.name, *info.aliases}
    return names


def check(asker: Asker, answer: Answer, expect: dict[str, Any]) -> list[str]:
    """What differs between an answer and one question's expectations (empty when right)."""
    got = answer.to_json()
    problems: list[str] = []
    status = expect["status"]
    valued = [a for a in got["answers"] if a["value"] is not None]
    if status in ("refuse", "clarify"):
        if answer.status == "answer" or valued:
            problems.append(f"gave {answer.status} {[a['value'] for a in valued][:3]}")
        if status == "clarify" and not answer.choices and answer.status != "choose":
            pass  # a refusal that names the reason is accepted for a question back
        return problems
    if answer.status != "answer":
        return [f"status {answer.status}: {answer.text[:60]}"]
    key = expect.get("key")
    if key in INTENT_KEYS:
        if answer.intent != INTENT_KEYS[key]:
            problems.append(f"intent {answer.intent} != {INTENT_KEYS[key]}")
        for name in expect.get("agencies", ()):
            if name not in answer.text:
                problems.append(f"text lacks {name}")
        first_json = got["answers"][0] if got["answers"] else {}
        if key == "overview" and "agency" in expect and first_json:
            ids = answer.answers[0].agency_id
            if expect["agency"] not in _names(asker, first_json, ids):
                problems.append(f"agency {first_json.get('agency')}")
        return problems
    if not got["answers"]:
        return ["no answer item"]
    first = got["answers"][0]
    first_id = answer.answers[0].agency_id
    if "agency" in expect and expect["agency"] not in _names(asker, first, first_id):
        problems.append(f"agency {first['agency']!r} != {expect['agency']!r}")
    if "year" in expect and first["year"] != expect["year"]:
        problems.append(f"year {first['year']} != {expect['year']}")
    if key is not None:
        accepted = set(expect.get("acceptable_keys", ())) | {key}
        if key in COMPUTATIONS:
            if first.get("intent") not in COMPUTATIONS[key]:
                problems.append(f"computation {first.get('intent')!r} != {key}")
        elif key.startswith("free:"):
            if not first["key"].startswith(("free.", "text.")):
                problems.append(f"key {first['key']} is no prose fact")
        elif first["key"] not in accepted:
            problems.append(f"key {first['key']} != {key}")
    if "value" in expect and not _close(first["value"], expect["value"], expect.get("unit")):
        problems.append(f"value {first['value']} != {expect['value']}")
    if "unit" in expect and "value" in expect and first["unit"] != expect["unit"]:
        problems.append(f"unit {first['unit']} != {expect['unit']}")
    if expect.get("expect_warning") and "⚠" not in answer.text:
        problems.append("no ⚠ warning")
    if expect.get("approximate") and "approximate" not in first["flags"]:
        problems.append("not said to be approximate")
    if "winner" in expect:
        best = max(valued, key=lambda a: a["value"], default=None)
        best_ids = [a.agency_id for a in answer.answers if a.value is not None]
        top_id = best_ids[valued.index(best)] if best else None
        if best is None or expect["winner"]["agency"] not in _names(asker, best, top_id):
            problems.append(f"winner {best and best['agency']}")
    if "year_order" in expect:
        years = [a["year"] for a in valued]
        if years != expect["year_order"] or answer.intent == "rank":
            problems.append(f"years {years} ({answer.intent})")
    if "order" in expect:
        order = [a["agency"] for a in valued]
        if order[: len(expect["order"])] != expect["order"]:
            problems.append(f"order {order}")
    return problems


def run(asker: Asker, questions: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Question id → problems, for every question answered wrong."""
    out = {}
    for question in questions:
        problems = check(asker, asker.answer(question["question"]), question["expect"])
        if problems:
            out[question["id"]] = problems
    return out
