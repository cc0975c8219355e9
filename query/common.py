"""What every intent module shares: the context of one question, answer items, button tokens,
and the replies for a missing year or agency.

Decisions are said in the reply; a figure of another agency or year is never the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from names import split_region
from parsers.fields import FIELDS, template_of_year
from query import texts
from query.agencies import AgencyIndex, Place
from query.answer import Answer, AnswerItem, Choice, Intent, Provenance, Status
from query.catalog import ROW_BY_PREFIX, key_for, resolve_key, short_label, template_keys
from query.facts import other_measure, unit_asked
from query.source import AgencyInfo, FigureInfo, ReportInfo, ReportSource, is_fact_key
from query.understand import Detection
from query.units import canonical

DEFAULT_KEY = "apply.new.total"
MAX_CHOICES = 6
WHOLE_COUNTRY = ("全国", "全部单位", "所有单位")  # a ranking's scope when no place is named
_CODES: dict[str, Intent] = {
    "v": "value",
    "s": "series",
    "o": "overview",
    "k": "checks",
    "y": "availability",
}
_CODE_OF = {intent: code for code, intent in _CODES.items()}
_ID = re.compile(r"[0-9]{1,18}")  # fits a 64-bit integer
_YEAR = re.compile(r"0|[0-9]{4}")  # 0: no year


def token(intent: Intent, agency_id: int, year: int | None, key: str | None) -> str:
    """A button token: ASCII, at most 60 bytes, enough to answer after a restart."""
    return f"{_CODE_OF.get(intent, 'v')}|{agency_id}|{year or 0}|{key or '-'}"


def parse_token(text: str) -> tuple[Intent, int, int | None, str | None] | None:
    """(intent, agency, year, key) of a token, or None for anything malformed."""
    parts = text.split("|") if len(text) <= 60 else []
    if len(parts) != 4 or parts[0] not in _CODES:
        return None
    # ASCII digits of a database id and a year only: a forged "²" or a 30-digit year would
    # raise in int() or overflow the database's integers.
    if not (_ID.fullmatch(parts[1]) and _YEAR.fullmatch(parts[2])):
        return None
    agency_id, year = int(parts[1]), int(parts[2])
    key = None if parts[3] == "-" else parts[3]
    if key is not None and not known_key(key):
        return None
    return _CODES[parts[0]], agency_id, year or None, key


def label(key: str) -> str:
    """What a key is called in a reply."""
    if is_fact_key(key):
        return texts.fact_label(key)
    if key in FIELDS:
        return short_label(key) if key.endswith(".total") else FIELDS[key].label
    row = ROW_BY_PREFIX.get(key)
    if row is not None:
        return row.name
    return short_label(key)


def for_year(key: str, year: int) -> str:
    """A full key for a row-level key in the template used that year."""
    return resolve_key(key, template_keys(template_of_year(year))) or key


def known_key(key: str) -> bool:
    return (
        key in FIELDS
        or key in ROW_BY_PREFIX
        or key.rpartition(".")[0] in ROW_BY_PREFIX
        or is_fact_key(key)
    )


def region_name(region: str) -> str:
    """The last piece people say: 江苏省淮安市 → 淮安市 (the full prefix stays in `region`)."""
    pieces = split_region(region)
    return pieces[-1] if pieces else region


def report_key(report: ReportInfo, key: str) -> str | None:
    """`apply.new` → `apply.new.total`; `proactive.normative` → issued (2021) / made (2019);
    a prose fact's key is its own."""
    if is_fact_key(key):
        return key
    return resolve_key(key, template_keys(report.template))


@dataclass
class Context:
    """One question being answered: the data, the agency index and today's date."""

    source: ReportSource
    index: AgencyIndex
    today: date
    question: str
    corrected: str = ""  # a name read with a sound-alike slip fixed: "平谭 → 平潭"
    part: bool = False  # one part of a question asking several figures (query.several)

    def reply(
        self,
        status: Status,
        intent: Intent | None,
        text: str,
        answers: Sequence[AnswerItem] = (),
        choices: Sequence[Choice] = (),
    ) -> Answer:
        text = text.format(examples=texts.examples()) if "{examples}" in text else text
        return Answer(self.question, status, intent, text, list(answers), list(choices))

    def item(
        self, agency: AgencyInfo, report: ReportInfo, key: str, figure: FigureInfo
    ) -> AnswerItem:
        """One printed figure with its provenance, in the canonical unit."""
        value, unit, printed = canonical(key, figure)
        if is_fact_key(key):
            source = Provenance(
                report.title,
                report.source_name,
                "",
                "",
                "",
                report.template,
                figure.section,
                figure.sentence,
            )
            name = texts.fact_label(key) if not key.startswith("free.") else figure.phrase
        else:
            field = FIELDS[key]
            source = Provenance(
                report.title,
                report.source_name,
                field.table,
                field.row,
                field.column,
                report.template,
            )
            name = field.label
        return AnswerItem(
            agency.name,
            agency.region,
            report.year,
            key,
            name,
            value,
            unit,
            source,
            tuple(figure.flags),
            tuple(figure.candidates),
            agency_id=agency.id,
            printed=printed,
        )

    def figure(
        self, agency_id: int, year: int, key: str
    ) -> tuple[ReportInfo | None, str | None, FigureInfo | None]:
        """(report, full key, figure) of one agency, year and key; None where missing, and a
        prose figure counted in another kind than the question asks for (新闻发布会多少人:
        not its 12场)."""
        report = self.source.report(agency_id, year)
        full = report_key(report, key) if report else None
        found = self.source.figures(agency_id, year, [full]).get(full) if full else None
        if found is not None and full and is_fact_key(full):
            found = None if other_measure(self.question, found.unit, full) else found
        return report, full, found

    def no_year(
        self,
        intent: Intent,
        agency: AgencyInfo,
        have: list[int],
        asked: Sequence[int],
        key: str | None,
    ) -> Answer:
        missing = [y for y in asked if y not in have]
        if asked and not missing and key is not None:  # every report there, none states it
            text = texts.SERIES_NONE_STATED.format(
                agency=agency.name, years="、".join(map(str, asked)), label=label(key),
                measure=texts.COUNTED_IN.format(unit=u) if (u := unit_asked(self.question))
                and u != "%" else "",
            )  # fmt: skip
            return self.reply("no_data", intent, text)
        missing = missing or list(asked)
        text = texts.NO_YEAR.format(
            agency=agency.name,
            years="、".join(str(y) for y in missing),
            have="、".join(str(y) for y in have),
        )
        target = missing[0]
        nearest = sorted(have, key=lambda y: (abs(y - target), -y))[:MAX_CHOICES]
        choices = [
            Choice(f"{y}年度", token(intent, agency.id, y, key), agency.name, y, key or "")
            for y in nearest
        ]
        return self.reply("no_data", intent, text, choices=choices)

    def example_place(self) -> str:
        for agency in self.index.info.values():
            return agency.name
        return "金安区"


def pick(place: Place) -> int | None:
    """The one agency of exactly the place named, or None when the user must choose (or the
    place's own level has no report: then nothing answers for it)."""
    if place.department is None and place.preferred is not None:
        return place.preferred
    if len(place.own) == 1:
        return place.own[0]
    return None


def with_nearest(ctx: Context, det: Detection, text: str, place: str, intent: Intent) -> Answer:
    """A place we do not have: say so and offer the nearest agencies (never an answer)."""
    key = det.key
    year = det.years.years[0] if len(det.years.years) == 1 else None
    choices = [
        Choice(
            ctx.index.info[a].name[:30],
            token("value", a, year, for_year(key, 2021) if key else None),
            ctx.index.info[a].name,
            year,
            key or "",
        )
        for a in ctx.index.nearest(place)
    ]
    if choices:
        text += texts.NEAREST.format(names="、".join(c.agency for c in choices))
    return ctx.reply("no_data", intent, text, choices=choices)


def other_years(ctx: Context, agency: AgencyInfo, key: str, year: int) -> list[Choice]:
    """Other years of the same agency whose report has this cell (nearest first)."""
    full = {
        y: report_key(r, key)
        for y in ctx.source.years(agency.id)
        if y != year and (r := ctx.source.report(agency.id, y))
    }
    have = [y for y, k in full.items() if k and ctx.source.figures(agency.id, y, [k])]
    have.sort(key=lambda y: (abs(y - year), -y))
    choices = [
        Choice(f"{y}年度", token("value", agency.id, y, full[y]), agency.name, y, full[y] or "")
        for y in have[:MAX_CHOICES]
    ]
    return choices + other_columns(ctx, agency, key, year)[: MAX_CHOICES - len(choices)]


def other_columns(ctx: Context, agency: AgencyInfo, key: str, year: int) -> list[Choice]:
    """Cells of the same row the report does have (上海 2019 予以公开 only has 自然人 …)."""
    report = ctx.source.report(agency.id, year)
    row = ROW_BY_PREFIX.get(key) or ROW_BY_PREFIX.get(key.rpartition(".")[0])
    if report is None or row is None:
        return []
    keys = sorted(k for k in template_keys(report.template) if k.rpartition(".")[0] == row.prefix)
    present = ctx.source.figures(agency.id, year, keys)
    return [
        Choice(short_label(k), token("value", agency.id, year, k), agency.name, year, k)
        for k in keys
        if k in present
    ]


def default_key(det: Detection | None) -> str:
    return (det.key if det else None) or DEFAULT_KEY


def first_key(row_prefix: str, available: frozenset[str]) -> str | None:
    row = ROW_BY_PREFIX.get(row_prefix)
    return key_for(row, None, available) if row else None
