"""Reading `/subscribe` arguments: `部门 淮安市`, `1月26日 甲单位,乙单位 提前 30,14,7`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from names import is_region_name
from reminders import texts
from reminders.schedule import CUSTOM, DEFAULT_LEADS, DEPARTMENT, GOVERNMENT, KIND_DATES
from reminders.schedule import parse_leads as _parse_leads

KIND_WORDS = {
    "部门": DEPARTMENT,
    "部门年报": DEPARTMENT,
    "政府": GOVERNMENT,
    "政府年报": GOVERNMENT,
}
_DATE = re.compile(r"(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?")
_SEPARATORS = re.compile(r"[,，、;；\s]+")
LEAD_WORD = "提前"


class SubscribeError(ValueError):
    """`str(err)` is a Chinese sentence saying what is wrong with the arguments."""


@dataclass(frozen=True)
class SubscribeRequest:
    kind: str
    month: int
    day: int
    region: str | None  # a region scope, or
    agencies: tuple[str, ...]  # a list of agency names
    leads: tuple[int, ...] = DEFAULT_LEADS


def parse_subscribe(text: str) -> SubscribeRequest:
    """Kind (部门 / 政府 / a date), then the scope, then optionally 提前 and the lead days."""
    head, _, lead_part = text.strip().partition(LEAD_WORD)
    tokens = head.split()
    if not tokens:
        raise SubscribeError(texts.NO_ARGUMENTS)
    kind, month, day = _kind(tokens[0])
    names = [n for n in _SEPARATORS.split(" ".join(tokens[1:])) if n]
    if not names:
        raise SubscribeError(texts.NO_SCOPE)
    leads: tuple[int, ...] = DEFAULT_LEADS
    if lead_part.strip():
        try:
            leads = _parse_leads(lead_part.replace("天", " "))
        except ValueError:
            raise SubscribeError(texts.BAD_LEADS) from None
    if len(names) == 1 and is_region_name(names[0]):
        return SubscribeRequest(kind, month, day, names[0], (), leads)
    return SubscribeRequest(kind, month, day, None, tuple(dict.fromkeys(names)), leads)


def _kind(token: str) -> tuple[str, int, int]:
    if token in KIND_WORDS:
        kind = KIND_WORDS[token]
        month, day = KIND_DATES[kind]
        return kind, month, day
    found = _DATE.fullmatch(token)
    if found is None:
        raise SubscribeError(texts.BAD_KIND)
    month, day = int(found.group(1)), int(found.group(2))
    try:
        date(2024, month, day)  # a leap year, so that 2月29日 is accepted
    except ValueError:
        raise SubscribeError(texts.NO_SUCH_DATE.format(month=month, day=day)) from None
    return CUSTOM, month, day
