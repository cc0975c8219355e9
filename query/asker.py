"""The question layer's entry point: question (or button token) in, `Answer` out.

Decisions live here: which agency a region means, which year when none is said, which cell when
words fit several. Whatever is picked is said in the reply; a figure of another agency or year is
never presented as the answer.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from names import split_region
from parsers.fields import FIELDS, template_of_year
from query import texts
from query.agencies import AgencyIndex, Place
from query.answer import Answer, AnswerItem, ChartSpec, Choice, Intent, Provenance, Status
from query.catalog import (
    ROW_BY_PREFIX,
    RowEntry,
    key_for,
    resolve_key,
    short_label,
    template_keys,
)
from query.fieldmatch import FieldMatch
from query.source import AgencyInfo, FigureInfo, ReportInfo, ReportSource
from query.understand import Detection, detect_question
from query.years import FIRST_YEAR

log = logging.getLogger(__name__)

DEFAULT_KEY = "apply.new.total"
SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_CHOICES = 6
MAX_COMPARE = 10
RANK_DEFAULT = 10
OVERVIEW_ROWS = (
    "apply.new",
    "apply.carried_in",
    "result.public",
    "result.partial",
    "result.withheld",
    "result.unable",
    "result.rejected",
    "result.other",
    "result.total",
    "apply.carried_forward",
    "review",
    "litigation",
    "litigation.direct",
    "litigation.after_review",
    "proactive.normative",
    "proactive.permit",
    "proactive.penalty",
    "proactive.fees",
)
_CODES: dict[str, Intent] = {
    "v": "value",
    "s": "series",
    "o": "overview",
    "k": "checks",
    "y": "availability",
}
_CODE_OF = {intent: code for code, intent in _CODES.items()}


def token(intent: Intent, agency_id: int, year: int | None, key: str | None) -> str:
    """A button token: ASCII, at most 60 bytes, enough to answer after a restart."""
    return f"{_CODE_OF.get(intent, 'v')}|{agency_id}|{year or 0}|{key or '-'}"


def row_key(match: FieldMatch) -> str:
    """The row named, plus its column when one was named; each report's template decides the
    default column later (规范性文件 is 制发 in 2021 reports and 新制作 in 2019 ones)."""
    return f"{match.row.prefix}.{match.column}" if match.column else match.row.prefix


class Asker:
    """Answers questions from a `ReportSource`; the agency index is rebuilt when data changes."""

    def __init__(
        self,
        source: ReportSource,
        *,
        tz: ZoneInfo = SHANGHAI,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.source = source
        self.tz = tz
        self._today = today
        self._index: AgencyIndex | None = None
        self._index_version: str | None = None

    # --- public API -------------------------------------------------------------------------

    def ask(self, question: str) -> Answer:
        try:
            return self._ask(question)
        except Exception:  # a reply is always better than a crash in the chat
            log.exception("failed to answer %r", question[:200])
            return self._reply(question, "not_understood", None, texts.NOT_UNDERSTOOD)

    def resolve(self, token_text: str) -> Answer:
        """Answer a button press; a malformed or stale token gets a friendly reply."""
        parts = token_text.split("|") if len(token_text) <= 60 else []
        index = self.index()
        if len(parts) != 4 or parts[0] not in _CODES:
            return self._reply(token_text, "not_understood", None, texts.BAD_TOKEN)
        try:
            agency_id, year = int(parts[1]), int(parts[2])
        except ValueError:
            return self._reply(token_text, "not_understood", None, texts.BAD_TOKEN)
        key = None if parts[3] == "-" else parts[3]
        if agency_id not in index.info or (key is not None and not _known_key(key)):
            return self._reply(token_text, "not_understood", None, texts.BAD_TOKEN)
        intent = _CODES[parts[0]]
        agency = index.info[agency_id]
        return self._for_agency(token_text, intent, agency, year or None, key, None, [])

    def chart(self, question: str) -> ChartSpec | Answer:
        """A chart of a trend (line) or of agencies side by side (bar), else the plain answer."""
        answer = self.ask(question)
        items = [a for a in answer.answers if a.value is not None]
        if answer.status != "answer" or not items:
            return answer
        unit = items[0].unit
        note = "数据来源：" + "；".join(
            dict.fromkeys(a.source.file for a in answer.answers if a.source)
        )
        if answer.intent in ("compare", "rank"):
            title = f"{short_label(items[0].key)}（{items[0].year}年度）"
            values: list[float | None] = [float(a.value) for a in items if a.value is not None]
            return ChartSpec(
                title, "bar", [a.agency for a in items], [(title, values)], unit, note
            )
        if answer.intent in ("value", "series"):
            first = items[0]
            agency_id = self._agency_id(first.agency)
            if agency_id is None:
                return answer
            series = self.source.series(agency_id, first.key)
            years = sorted(series)
            points = [_float(series[y].value) for y in years]
            title = f"{first.agency} · {short_label(first.key)}"
            return ChartSpec(title, "line", [str(y) for y in years], [(title, points)], unit, note)
        return answer

    # --- plumbing ---------------------------------------------------------------------------

    def today(self) -> date:
        return self._today() if self._today else datetime.now(self.tz).date()

    def index(self) -> AgencyIndex:
        version = self.source.version()
        if self._index is None or version != self._index_version:
            self._index = AgencyIndex(self.source.agencies())
            self._index_version = version
        return self._index

    def _agency_id(self, name: str) -> int | None:
        ids = self.index().names.get(name.replace(" ", ""))
        return min(ids) if ids else None

    def _reply(
        self,
        question: str,
        status: Status,
        intent: Intent | None,
        text: str,
        answers: Sequence[AnswerItem] = (),
        choices: Sequence[Choice] = (),
    ) -> Answer:
        text = text.format(examples=texts.examples()) if "{examples}" in text else text
        return Answer(question, status, intent, text, list(answers), list(choices))

    # --- understanding → decision -----------------------------------------------------------

    def _ask(self, question: str) -> Answer:
        if not question or not question.strip():
            return self._reply(question, "not_understood", None, texts.EMPTY)
        index = self.index()
        det = detect_question(question, index=index, today=self.today())
        hints = det.hints
        if det.empty or (not det.has_cjk and not hints.has("help") and not det.years.years):
            return self._reply(question, "not_understood", None, texts.NOT_UNDERSTOOD)
        places = det.scan.places
        if hints.has("help") and not places and det.field is None:
            return self._reply(question, "answer", "help", texts.HELP)
        if hints.has("availability") and det.field is None:
            return self._availability(question, places)
        if det.scan.unknown and not any(p.by_name for p in places):
            return self._unknown_place(question, det)
        if hints.has("rank") and (places or det.field is not None):
            return self._rank(question, det)
        if not places:
            if det.field is None:
                return self._reply(question, "not_understood", None, texts.NOT_UNDERSTOOD)
            if len(det.leftover) >= 2 and index.nearest(det.leftover):
                return self._with_nearest(
                    question, det, texts.NOT_FOUND.format(place=det.leftover), det.leftover
                )
            example = f"{self._example_place()} {det.field.row.name}"
            return self._reply(
                question, "not_understood", "value", texts.NO_PLACE.format(example=example)
            )
        if len(places) >= 2:
            return self._compare(question, det)
        place = places[0]
        several = len(place.agencies) > 1 and place.department is None and not place.by_name
        if hints.has("compare") and several and not det.years.recent and len(det.years.years) < 2:
            return self._compare(question, det, list(place.agencies[:MAX_COMPARE]))
        if hints.has("total") and several:
            return self._total(question, det, place)
        intent = self._intent(det)
        if not place.agencies:
            return self._no_agency(question, det, place)
        agency_id = self._pick(place)
        if agency_id is None:
            return self._choose_agency(question, intent, det, place)
        agency = index.info[agency_id]
        key = None if det.field is None else row_key(det.field)
        return self._for_agency(question, intent, agency, None, key, det, [])

    def _intent(self, det: Detection) -> Intent:
        hints, years = det.hints, det.years
        if hints.has("checks"):
            return "checks"
        if hints.has("overview") or (det.field is None and not hints.words - {"total"}):
            return "overview" if not hints.has("series") else "series"
        if years.recent or years.every or len(years.years) >= 2 or hints.has("series"):
            return "series"
        if hints.has("compare"):
            return "series"
        return "value"

    def _pick(self, place: Place) -> int | None:
        if len(place.agencies) == 1:
            return place.agencies[0]
        if place.department is None and place.preferred is not None:
            return place.preferred
        return None

    def _example_place(self) -> str:
        index = self.index()
        for agency in index.info.values():
            return agency.name
        return "金安区"

    # --- per agency ------------------------------------------------------------------------

    def _for_agency(
        self,
        question: str,
        intent: Intent,
        agency: AgencyInfo,
        year: int | None,
        key: str | None,
        det: Detection | None,
        notes: list[str],
    ) -> Answer:
        have = self.source.years(agency.id)
        if not have:
            return self._reply(
                question, "no_data", intent, texts.UNKNOWN_PLACE.format(place=agency.name)
            )
        if intent == "availability":
            return self._availability_agency(question, agency, have)
        if intent == "series":
            return self._series(question, agency, have, key, det)
        asked = det.years.years if det else ((year,) if year else ())
        if len(asked) > 1:
            return self._series(question, agency, have, key, det)
        if asked:
            year = asked[0]
            if year not in have:
                return self._no_year(question, intent, agency, have, (year,), key)
        else:
            year = have[-1]
            if det is not None:
                notes = [*notes, texts.LATEST.format(year=year)]
        if intent == "overview":
            return self._overview(question, agency, year, notes)
        if intent == "checks":
            return self._checks(question, agency, year, notes)
        return self._value(question, agency, year, key or DEFAULT_KEY, det, notes)

    def _report_key(self, report: ReportInfo, key: str) -> str | None:
        """`apply.new` → `apply.new.total`; `proactive.normative` → issued (2021) / made (2019)."""
        return resolve_key(key, template_keys(report.template))

    def _item(
        self, agency: AgencyInfo, report: ReportInfo, key: str, figure: FigureInfo
    ) -> AnswerItem:
        field = FIELDS[key]
        source = Provenance(
            report.title, report.source_name, field.table, field.row, field.column, report.template
        )
        return AnswerItem(
            agency.name,
            agency.region,
            report.year,
            key,
            field.label,
            figure.value,
            figure.unit or field.unit,
            source,
            tuple(figure.flags),
            tuple(figure.candidates),
        )

    def _alternatives(
        self, agency: AgencyInfo, year: int, key: str, det: Detection | None
    ) -> list[Choice]:
        if det is None or det.field is None:
            return []
        row = det.field.row
        column = key.rpartition(".")[2]
        rows: list[RowEntry] = [*det.field.others]
        rows += [ROW_BY_PREFIX[p] for p in row.alternatives if p in ROW_BY_PREFIX]
        report = self.source.report(agency.id, year)
        if report is None:
            return []
        available = template_keys(report.template)
        choices = []
        for other in dict.fromkeys(rows):
            alt = resolve_key(f"{other.prefix}.{column}", available)
            alt = alt or key_for(other, None, available)
            if alt and alt != key:
                label = short_label(alt)
                choices.append(
                    Choice(label, token("value", agency.id, year, alt), agency.name, year, alt)
                )
        return choices[:3]

    def _value(
        self,
        question: str,
        agency: AgencyInfo,
        year: int,
        key: str,
        det: Detection | None,
        notes: list[str],
    ) -> Answer:
        report = self.source.report(agency.id, year)
        if report is None:
            return self._no_year(
                question, "value", agency, self.source.years(agency.id), (year,), key
            )
        full = self._report_key(report, key)
        label = _label(key)
        if full is None:
            text = texts.NO_KEY_IN_TEMPLATE.format(
                year=year, template=report.template, label=label
            )
            return self._reply(
                question, "no_data", "value", text, choices=self._other_years(agency, key, year)
            )
        figure = self.source.figures(agency.id, year, [full]).get(full)
        if figure is None:
            text = texts.NO_KEY_IN_REPORT.format(agency=agency.name, year=year, label=label)
            related = [
                c
                for c in self._alternatives(agency, year, full, det)
                if self.source.figures(agency.id, year, [c.key])
            ]
            choices = (related + self._other_years(agency, full, year))[:MAX_CHOICES]
            return self._reply(question, "no_data", "value", text, choices=choices)
        item = self._item(agency, report, full, figure)
        failed = [
            c.message for c in self.source.checks(agency.id, year) if not c.ok and full in c.keys
        ]
        choices = self._alternatives(agency, year, full, det)
        text = texts.value_text(item, notes=notes, failed=failed, alts=[c.label for c in choices])
        return self._reply(question, "answer", "value", text, [item], choices)

    def _other_years(self, agency: AgencyInfo, key: str, year: int) -> list[Choice]:
        """Other years of the same agency whose report has this cell (nearest first)."""
        row_key = key
        full = {
            y: self._report_key(r, row_key)
            for y in self.source.years(agency.id)
            if y != year and (r := self.source.report(agency.id, y))
        }
        have = [y for y, k in full.items() if k and self.source.figures(agency.id, y, [k])]
        have.sort(key=lambda y: (abs(y - year), -y))
        choices = [
            Choice(
                f"{y}年度", token("value", agency.id, y, full[y]), agency.name, y, full[y] or ""
            )
            for y in have[:MAX_CHOICES]
        ]
        return choices + self._other_columns(agency, key, year)[: MAX_CHOICES - len(choices)]

    def _other_columns(self, agency: AgencyInfo, key: str, year: int) -> list[Choice]:
        """Cells of the same row the report does have (上海 2019 予以公开 only has 自然人 …)."""
        report = self.source.report(agency.id, year)
        row = ROW_BY_PREFIX.get(key) or ROW_BY_PREFIX.get(key.rpartition(".")[0])
        if report is None or row is None:
            return []
        keys = sorted(
            k for k in template_keys(report.template) if k.rpartition(".")[0] == row.prefix
        )
        present = self.source.figures(agency.id, year, keys)
        return [
            Choice(short_label(k), token("value", agency.id, year, k), agency.name, year, k)
            for k in keys
            if k in present
        ]

    def _no_year(
        self,
        question: str,
        intent: Intent,
        agency: AgencyInfo,
        have: list[int],
        asked: Sequence[int],
        key: str | None,
    ) -> Answer:
        text = texts.NO_YEAR.format(
            agency=agency.name,
            years="、".join(str(y) for y in asked),
            have="、".join(str(y) for y in have),
        )
        target = asked[0]
        nearest = sorted(have, key=lambda y: (abs(y - target), -y))[:MAX_CHOICES]
        choices = [
            Choice(f"{y}年度", token(intent, agency.id, y, key), agency.name, y, key or "")
            for y in nearest
        ]
        return self._reply(question, "no_data", intent, text, choices=choices)

    def _series(
        self,
        question: str,
        agency: AgencyInfo,
        have: list[int],
        key: str | None,
        det: Detection | None,
    ) -> Answer:
        key = key or DEFAULT_KEY
        spec = det.years if det else None
        years = list(have)
        if spec and spec.years:
            years = list(spec.years)
        elif spec and spec.recent:
            years = list(range(have[-1] - spec.recent + 1, have[-1] + 1))  # gaps are said
        items: list[AnswerItem] = []
        lines = [f"{agency.name} · {_label(key)}"]
        for year in years:
            report = self.source.report(agency.id, year)
            full = self._report_key(report, key) if report else None
            figure = self.source.figures(agency.id, year, [full]).get(full) if full else None
            if report is None or full is None or figure is None:
                reason = "无年报" if report is None else "年报中无此项"
                lines.append(f"{year}年度：{reason}")
                continue
            item = self._item(agency, report, full, figure)
            items.append(item)
            lines.append(f"{year}年度：{texts.amount(item)}（{report.source_name}）")
        if not items:
            asked = [y for y in years if y not in have] or years
            return self._no_year(question, "series", agency, have, asked, key)
        lines.append(
            f"出处：各年度年报 表{FIELDS[items[0].key].table}“{FIELDS[items[0].key].row}”行"
        )
        return self._reply(question, "answer", "series", "\n".join(lines), items)

    def _overview(self, question: str, agency: AgencyInfo, year: int, notes: list[str]) -> Answer:
        report = self.source.report(agency.id, year)
        if report is None:
            return self._no_year(
                question, "overview", agency, self.source.years(agency.id), (year,), None
            )
        available = template_keys(report.template)
        keys = [k for p in OVERVIEW_ROWS if (k := key_for(ROW_BY_PREFIX[p], None, available))]
        figures = self.source.figures(agency.id, year, keys)
        items = [self._item(agency, report, k, figures[k]) for k in keys if k in figures]
        lines = [f"{agency.name} · {year}年度 年报概况", *notes]
        lines += [f"{short_label(i.key)}：{texts.amount(i)}" for i in items]
        if not items:
            lines.append("这份年报没有可用的表格数据。")
        lines.append(self._checks_line(agency.id, year))
        lines.append(f"出处：《{report.title}》（{report.source_name}）")
        return self._reply(question, "answer", "overview", "\n".join(lines), items)

    def _checks_line(self, agency_id: int, year: int) -> str:
        checks = self.source.checks(agency_id, year)
        if not checks:
            return "勾稽关系：没有检查记录。"
        failed = [c for c in checks if not c.ok]
        if not failed:
            return f"勾稽关系：{len(checks)} 项检查全部通过。"
        details = "\n".join(f"✗ {c.rule} {c.message}" for c in failed)
        return f"勾稽关系：{len(checks)} 项检查，{len(failed)} 项未通过：\n{details}"

    def _checks(self, question: str, agency: AgencyInfo, year: int, notes: list[str]) -> Answer:
        report = self.source.report(agency.id, year)
        title = f"（{report.source_name}）" if report else ""
        lines = [
            f"{agency.name} · {year}年度 年报检查{title}",
            *notes,
            self._checks_line(agency.id, year),
        ]
        return self._reply(question, "answer", "checks", "\n".join(lines))

    # --- several agencies ---------------------------------------------------------------------

    def _choose_agency(
        self, question: str, intent: Intent, det: Detection, place: Place
    ) -> Answer:
        index = self.index()
        key = None if det.field is None else row_key(det.field)
        year = det.years.years[0] if len(det.years.years) == 1 else None
        choices = [
            Choice(
                index.info[a].name[:30],
                token(intent, a, year, key),
                index.info[a].name,
                year,
                key or "",
            )
            for a in place.agencies[:MAX_CHOICES]
        ]
        text = texts.CHOOSE_AGENCY.format(place=place.text)
        if len(place.agencies) > MAX_CHOICES:
            text += f"（共 {len(place.agencies)} 个，可写出单位全称）"
        return self._reply(question, "choose", intent, text, choices=choices)

    def _no_agency(self, question: str, det: Detection, place: Place) -> Answer:
        text = texts.NO_AGENCY_IN_REGION.format(
            place=place.text, department=place.department or ""
        )
        return self._with_nearest(question, det, text, place.text)

    def _unknown_place(self, question: str, det: Detection) -> Answer:
        place = det.scan.unknown or ""
        return self._with_nearest(question, det, texts.UNKNOWN_PLACE.format(place=place), place)

    def _with_nearest(self, question: str, det: Detection, text: str, place: str) -> Answer:
        index = self.index()
        key = None if det.field is None else det.field.row.prefix
        year = det.years.years[0] if len(det.years.years) == 1 else None
        nearest = index.nearest(place)
        choices = [
            Choice(
                index.info[a].name[:30],
                token("value", a, year, _full_default(key)),
                index.info[a].name,
                year,
                key or "",
            )
            for a in nearest
        ]
        if choices:
            text += "相近的有：" + "、".join(c.agency for c in choices)
        return self._reply(question, "no_data", self._intent(det), text, choices=choices)

    def _resolve_many(self, places: Sequence[Place]) -> list[int]:
        out: list[int] = []
        for place in places:
            picked = self._pick(place)
            if picked is None and place.agencies:
                picked = place.agencies[0]
            if picked is not None and picked not in out:
                out.append(picked)
        return out

    def _compare(self, question: str, det: Detection, ids: list[int] | None = None) -> Answer:
        index = self.index()
        ids = ids or self._resolve_many(det.scan.places)
        if not ids:
            return self._reply(question, "not_understood", "compare", texts.NOT_UNDERSTOOD)
        key = DEFAULT_KEY if det.field is None else row_key(det.field)
        have = {a: self.source.years(a) for a in ids}
        notes: list[str] = []
        if det.years.years:
            year = det.years.years[-1]
        else:
            common = set.intersection(*(set(v) for v in have.values()))
            year = max(common) if common else max(max(v) for v in have.values() if v)
            notes.append(texts.LATEST.format(year=year))
        items: list[AnswerItem] = []
        lines = [f"{_label(key)} · {year}年度", *notes]
        for a in ids:
            agency = index.info[a]
            report = self.source.report(a, year)
            full = self._report_key(report, key) if report else None
            figure = self.source.figures(a, year, [full]).get(full) if full else None
            if report is None or full is None or figure is None:
                lines.append(
                    f"{agency.name}：{'无该年度年报' if report is None else '年报中无此项'}"
                )
                continue
            item = self._item(agency, report, full, figure)
            items.append(item)
            lines.append(f"{agency.name}：{texts.amount(item)}（{report.source_name}）")
        status: Status = "answer" if items else "no_data"
        return self._reply(question, status, "compare", "\n".join(lines), items)

    def _scope(self, places: Sequence[Place]) -> tuple[str | None, str, int | None]:
        """(region prefix, name to show, the agency asked about) for a ranking or a total.

        A region named on its own is the scope; an agency named ranks within its own region.
        """
        regional = [p for p in places if p.region and not p.department and not p.by_name]
        scope = min(regional, key=lambda p: len(p.region or "")) if regional else None
        others = [p for p in places if p is not scope and p.agencies]
        mine = None
        if others:
            mine = self._pick(others[0]) or others[0].agencies[0]
        if scope is not None:
            return scope.region, _region_name(scope.region or ""), mine
        if mine is not None:
            region = self.index().region_of.get(mine) or None
            return region, _region_name(region or "") or "全部单位", mine
        return None, "全部单位", None

    def _latest_year_in(self, key: str, region: str | None) -> int | None:
        for year in range(self.today().year, FIRST_YEAR - 1, -1):
            if self.source.across(_for_year(key, year), year, region=region):
                return year
        return None

    def _across(
        self, det: Detection, region: str | None
    ) -> tuple[str, int | None, list[tuple[int, FigureInfo]], list[str]]:
        """(key, year, (agency, figure) rows, notes) of one cell across a region's agencies."""
        wanted = DEFAULT_KEY if det.field is None else row_key(det.field)
        notes: list[str] = []
        if det.years.years:
            year: int | None = det.years.years[-1]
        else:
            year = self._latest_year_in(wanted, region)
            if year is not None:
                notes.append(texts.LATEST.format(year=year))
        if year is None:
            return wanted, None, [], notes
        key = _for_year(wanted, year)
        return key, year, self.source.across(key, year, region=region), notes

    def _rank(self, question: str, det: Detection) -> Answer:
        index = self.index()
        region, region_name, mine = self._scope(det.scan.places)
        key, year, rows, notes = self._across(det, region)
        if year is None or not rows:
            text = f"{region_name}没有 {year or ''} 年度“{_label(key)}”的数据。"
            return self._reply(question, "no_data", "rank", text)
        valued = [(a, f.value) for a, f in rows if f.value is not None]
        figures = dict(rows)
        unclear = len(rows) - len(valued)
        pick = heapq.nsmallest if det.hints.ascending else heapq.nlargest
        top = pick(det.hints.top or RANK_DEFAULT, valued, key=lambda r: r[1])
        order = "从少到多" if det.hints.ascending else "从多到少"
        lines = [
            f"{region_name} · {year}年度 · {_label(key)} 排名（{order}，共 {len(valued)} 个单位）",
            *notes,
        ]
        items = []
        for position, (a, _value) in enumerate(top, 1):
            agency = index.info[a]
            report = self.source.report(a, year)
            if report is None:
                continue
            item = self._item(agency, report, key, figures[a])
            items.append(item)
            lines.append(f"{position}. {agency.name}：{texts.amount(item)}")
        mine_value = figures[mine].value if mine in figures else None
        if mine is not None and mine_value is not None:
            ahead = sum(
                1 for _, v in valued if (v < mine_value if det.hints.ascending else v > mine_value)
            )
            lines.append(f"{index.info[mine].name} 排第 {ahead + 1} 位。")
        if unclear:
            lines.append(f"另有 {unclear} 个单位此项数值有歧义，未参与排名。")
        return self._reply(question, "answer", "rank", "\n".join(lines), items)

    def _total(self, question: str, det: Detection, place: Place) -> Answer:
        region, region_name, _mine = self._scope([place])
        key, year, rows, notes = self._across(det, region)
        if year is None or not rows:
            text = f"{region_name}没有 {year or ''} 年度“{_label(key)}”的数据。"
            return self._reply(question, "no_data", "total", text)
        valued = [f.value for _, f in rows if f.value is not None]
        total = sum(valued, Decimal(0))
        field = FIELDS[key]
        item = AnswerItem(region_name, region or "", year, key, field.label, total, field.unit)
        lines = [
            f"{region_name} · {year}年度 · {field.label}",
            *notes,
            f"{len(valued)} 个单位合计：{texts.amount(item)}",
        ]
        if len(valued) < len(rows):
            lines.append(f"另有 {len(rows) - len(valued)} 个单位此项数值有歧义，未计入。")
        lines.append("出处：各单位同年度年报的同一格相加（不去重，政府与部门可能重复统计）。")
        return self._reply(question, "answer", "total", "\n".join(lines), [item])

    def _availability(self, question: str, places: Sequence[Place]) -> Answer:
        index = self.index()
        if places and places[0].agencies:
            ids = list(places[0].agencies)
            if len(ids) == 1:
                agency = index.info[ids[0]]
                return self._availability_agency(question, agency, self.source.years(agency.id))
        else:
            ids = list(index.info)
        count = sum(len(self.source.years(a)) for a in ids[:200])
        lines = [
            f"共收录 {len(ids)} 个单位的年报"
            + (f"（前 200 个单位 {count} 份）" if len(ids) > 200 else f"，{count} 份：")
        ]
        for a in ids[:20]:
            years = "、".join(str(y) for y in self.source.years(a))
            lines.append(f"· {index.info[a].name}：{years}")
        if len(ids) > 20:
            lines.append(f"……另有 {len(ids) - 20} 个单位，请加上地区名称查询。")
        choices = (
            [
                Choice(
                    index.info[a].name[:30],
                    token("availability", a, None, None),
                    index.info[a].name,
                )
                for a in ids[:MAX_CHOICES]
            ]
            if len(ids) > 1
            else []
        )
        return self._reply(question, "answer", "availability", "\n".join(lines), choices=choices)

    def _availability_agency(self, question: str, agency: AgencyInfo, have: list[int]) -> Answer:
        lines = [f"{agency.name} 已收录 {len(have)} 份年报："]
        for year in have:
            report = self.source.report(agency.id, year)
            if report:
                lines.append(f"· {year}年度（{report.template} 版模板）：{report.source_name}")
        choices = [
            Choice(f"{y}年度概况", token("overview", agency.id, y, None), agency.name, y)
            for y in have[-MAX_CHOICES:]
        ]
        return self._reply(question, "answer", "availability", "\n".join(lines), choices=choices)


def _region_name(region: str) -> str:
    """The last piece people say: 江苏省淮安市 → 淮安市 (the full prefix stays in `region`)."""
    pieces = split_region(region)
    return pieces[-1] if pieces else region


def _label(key: str) -> str:
    if key in FIELDS:
        return short_label(key) if key.endswith(".total") else FIELDS[key].label
    row = ROW_BY_PREFIX.get(key)
    if row is not None:
        return row.name
    return short_label(key)


def _for_year(key: str, year: int) -> str:
    """A full key for a row-level key in the template used that year."""
    return resolve_key(key, template_keys(template_of_year(year))) or key


def _known_key(key: str) -> bool:
    return key in FIELDS or key in ROW_BY_PREFIX or key.rpartition(".")[0] in ROW_BY_PREFIX


def _full_default(key: str | None) -> str | None:
    if key is None:
        return None
    return _for_year(key, 2021)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
