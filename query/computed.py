"""Computed figures (docs/fields.md "Derived figures"): 合计 and 平均 over rows, columns or
agencies, 法人或其他组织, 公开率 / 不予公开率 / 纠错率, a share (占比), A比B多多少; the
computations over one agency's years live in query.yearly.

Every answer says it was computed and shows its formula with each printed part and where the
part is printed. A part that is missing or ambiguous stops the computation: it is said, and no
figure is given. Never another year's figure in place of a missing one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from parsers.prose import APPROXIMATE
from query import texts
from query.answer import Answer, AnswerItem, Intent, Status
from query.common import Context, label, report_key
from query.facts import other_measure, unit_asked
from query.source import AgencyInfo, is_fact_key
from query.understand import Detection
from query.value import failed_checks

SMALL_BASE = 30
PERCENT = Decimal("0.01")
ORG_COLUMNS = ("business", "research", "nonprofit", "legal", "other")


@dataclass(frozen=True)
class Rate:
    """A rate of fields.md: parts over a base, each a sum of cells."""

    name: str
    title: str
    top: tuple[str, ...]
    base: tuple[str, ...]
    group: bool = False  # one group's own rate (复议后起诉), asked by name; not in fields.md


RATES: dict[str, Rate] = {
    "rate.public": Rate(
        "rate.public",
        "公开率",
        ("result.public.total", "result.partial.total"),
        ("result.total.total",),
    ),
    "rate.withheld": Rate(
        "rate.withheld", "不予公开率", ("result.withheld.total",), ("result.total.total",)
    ),
    "rate.review_corrected": Rate(
        "rate.review_corrected", "行政复议纠错率", ("review.corrected",), ("review.total",)
    ),
    "rate.direct_corrected": Rate(
        "rate.direct_corrected",
        "行政诉讼（未经复议直接起诉）纠错率",
        ("litigation.direct.corrected",),
        ("litigation.direct.total",),
        group=True,
    ),
    "rate.after_review_corrected": Rate(
        "rate.after_review_corrected",
        "行政诉讼（复议后起诉）纠错率",
        ("litigation.after_review.corrected",),
        ("litigation.after_review.total",),
        group=True,
    ),
    "rate.litigation_corrected": Rate(
        "rate.litigation_corrected",
        "行政诉讼纠错率",
        ("litigation.direct.corrected", "litigation.after_review.corrected"),
        ("litigation.direct.total", "litigation.after_review.total"),
    ),
}


def percent(top: Decimal, base: Decimal) -> Decimal:
    return (top * 100 / base).quantize(PERCENT, rounding=ROUND_HALF_UP)


def computed_item(
    first: AnswerItem, value: Decimal | None, unit: str, name: str, how: str, formula: str,
    parts: Sequence[AnswerItem], *, key: str | None = None, year: int | None = None,
) -> AnswerItem:  # fmt: skip
    """An answer item for a computed figure: no source of its own, its parts carry theirs; a
    figure computed from an approximate part (7700余条) is approximate itself."""
    rough = (APPROXIMATE,) if any(APPROXIMATE in p.flags for p in parts) else ()
    if how in ("max_year", "min_year"):  # the year picked: its own figure's flag
        rough = (APPROXIMATE,) if APPROXIMATE in first.flags else ()
    return AnswerItem(
        first.agency,
        first.region,
        year or first.year,
        key or first.key,
        name,
        value,
        unit,
        None,
        flags=rough,
        agency_id=first.agency_id,
        computation=how,
        formula=formula,
        parts=tuple(parts),
    )


def _cells(
    ctx: Context, agency: AgencyInfo, year: int, keys: Sequence[str]
) -> tuple[list[AnswerItem], str | None]:
    """The printed parts, or the label of the first part that is missing or ambiguous."""
    report = ctx.source.report(agency.id, year)
    if report is None:
        return [], None
    fulls = [(k, report_key(report, k)) for k in keys]
    wanted = [full for _, full in fulls if full]
    figures = ctx.source.figures(agency.id, year, wanted)
    out = []
    for key, full in fulls:
        figure = figures.get(full) if full else None
        if figure is not None and full and is_fact_key(full):
            figure = None if other_measure(ctx.question, figure.unit, full) else figure  # 多少人
        if figure is None or figure.value is None:
            return [], label(full or key)
        out.append(ctx.item(agency, report, full, figure))  # type: ignore[arg-type]
    return out, None


def _terms(parts: Sequence[AnswerItem]) -> str:
    return " + ".join(f"{texts.short(p)} {texts.number(p.value or Decimal(0))}" for p in parts)


def _plus(parts: Sequence[AnswerItem]) -> str:
    return " + ".join(texts.number(p.value or Decimal(0)) for p in parts)


def _total(parts: Sequence[AnswerItem]) -> Decimal:
    return sum((p.value or Decimal(0) for p in parts), Decimal(0))


def _reply(ctx: Context, title: str, item: AnswerItem, extra: Sequence[str] = ()) -> Answer:
    """The figure, its formula and every part with its source; a part on a row whose printed
    total contradicts its cells is said (⚠), so no computed figure hides a flagged cell."""
    failed = dict.fromkeys(
        m
        for p in item.parts
        if p.agency_id is not None
        for m in failed_checks(ctx, p.agency_id, p.year, p)
    )
    warned = [f"⚠ {texts.FAILED_CHECK.format(message=m)}" for m in failed]
    lines = [title, texts.amount(item), *extra, *warned]
    lines.append(texts.COMPUTED_SOURCE.format(formula=item.formula))
    lines += [
        texts.PART_LINE.format(
            name=texts.short(p), amount=texts.amount(p), source=texts.source_short(p)
        )
        for p in item.parts
    ]
    return ctx.reply("answer", "computed", "\n".join(lines), [item])


def missing(ctx: Context, agency: AgencyInfo, year: int, what: str) -> Answer:
    text = texts.CANNOT_COMPUTE.format(agency=agency.name, year=year, label=what)
    if (unit := unit_asked(ctx.question)) not in (None, "%"):
        text += texts.NOT_COUNTED_IN.format(unit=unit)  # 多少人 of figures counted in 条
    return ctx.reply("no_data", "computed", text)


# --- one report --------------------------------------------------------------------------


def rate(ctx: Context, agency: AgencyInfo, year: int, which: str, notes: list[str]) -> Answer:
    spec = RATES[which]
    parts, lacking = _cells(ctx, agency, year, (*spec.top, *spec.base))
    if lacking is not None or not parts:
        return missing(ctx, agency, year, lacking or spec.title)
    top, base = parts[: len(spec.top)], parts[len(spec.top) :]
    top_sum, base_sum = _total(top), _total(base)
    lines = list(notes)
    if base_sum == 0:
        text = texts.ZERO_BASE.format(label=" + ".join(texts.short(p) for p in base))
        return ctx.reply("no_data", "computed", "\n".join([*lines, text]))
    value = percent(top_sum, base_sum)
    formula = f"（{_terms(top)}）÷（{_terms(base)}）= {texts.number(value)}%"
    item = computed_item(top[0], value, "%", spec.title, which, formula, parts, key=which)
    if base_sum < SMALL_BASE:
        lines.append(texts.SMALL_BASE.format(base=texts.number(base_sum)))
    title = texts.RATE_TITLE.format(agency=agency.name, year=year, label=spec.title)
    return _reply(ctx, title, item, lines)


def rate_item(ctx: Context, agency: AgencyInfo, year: int, which: str) -> AnswerItem | None:
    """One rate as an answer item, or None when a part is missing or its base is 0."""
    result = rate(ctx, agency, year, which, [])
    return result.answers[0] if result.status == "answer" and result.answers else None


def rates(
    ctx: Context, agencies: Sequence[AgencyInfo], years: Sequence[int], which: str
) -> Answer:
    """A rate side by side: over the years of one agency, or over agencies in one year."""
    pairs = [(agency, year) for agency in agencies for year in years]
    return rates_of(ctx, pairs, which)


def rates_of(ctx: Context, pairs: Sequence[tuple[AgencyInfo, int]], which: str) -> Answer:
    """A rate of each agency in its own year (洪泽区2023年和淮安市2024年的公开率)."""
    spec = RATES[which]
    found: list[AnswerItem] = []
    lines = [spec.title]
    several = len({agency.id for agency, _ in pairs}) > 1
    for agency, year in pairs:
        item = rate_item(ctx, agency, year, which)
        where = f"{agency.name} {year}年度" if several else f"{year}年度"
        if item is None:
            lines.append(f"{where}：{texts.SERIES_MISSING_KEY}")
            continue
        found.append(item)
        lines.append(f"{where}：{texts.amount(item)}（{item.formula}）")
    status: Status = "answer" if found else "no_data"
    intent: Intent = "compare" if several else "series"
    return ctx.reply(status, intent, "\n".join(lines), found)


def share(
    ctx: Context, agency: AgencyInfo, year: int, part_keys: Sequence[str],
    whole_keys: Sequence[str], notes: list[str],
) -> Answer:  # fmt: skip
    """A part's share of a whole, each the sum of its cells (行政复议 of 复议 + 诉讼)."""
    cells, lacking = _cells(ctx, agency, year, (*part_keys, *whole_keys))
    if lacking is not None or not cells:
        return missing(ctx, agency, year, lacking or label(part_keys[0]))
    part, whole = cells[: len(part_keys)], cells[len(part_keys) :]
    part_sum, whole_sum = _total(part), _total(whole)
    lines = list(notes)
    whole_name = "＋".join(texts.short(p) for p in whole)
    part_name = "＋".join(texts.short(p) for p in part)
    if not whole_sum:
        return ctx.reply("no_data", "computed", texts.ZERO_BASE.format(label=whole_name))
    value = percent(part_sum, whole_sum)
    top = _terms(part) if len(part) == 1 else f"（{_terms(part)}）"
    base = _terms(whole) if len(whole) == 1 else f"（{_terms(whole)}）"
    formula = f"{top} ÷ {base} = {texts.number(value)}%"
    item = computed_item(part[0], value, "%", f"{part_name}占比", "share", formula, cells)
    if whole_sum < SMALL_BASE:
        lines.append(texts.SMALL_BASE.format(base=texts.number(whole_sum)))
    title = texts.SHARE_TITLE.format(
        agency=agency.name, year=year, part=part_name, whole=whole_name
    )
    return _reply(ctx, title, item, lines)


def share_of_sum(
    ctx: Context, agency: AgencyInfo, year: int, part_keys: Sequence[str], whole_key: str,
    name: str, notes: list[str], *, key: str,
) -> Answer:  # fmt: skip
    """A sum of cells as a share of a total: 法人或其他组织 (five columns) of 新收申请数量."""
    parts, lacking = _cells(ctx, agency, year, (*part_keys, whole_key))
    if lacking is not None or not parts:
        return missing(ctx, agency, year, lacking or name)
    top, whole = parts[:-1], parts[-1]
    if not whole.value:
        return ctx.reply("no_data", "computed", texts.ZERO_BASE.format(label=texts.short(whole)))
    value = percent(_total(top), whole.value)
    formula = f"（{_terms(top)}）÷ {_terms([whole])} = {texts.number(value)}%"
    item = computed_item(top[0], value, "%", f"{name}占比", "share", formula, parts, key=key)
    lines = list(notes)
    if whole.value < SMALL_BASE:
        lines.append(texts.SMALL_BASE.format(base=texts.number(whole.value)))
    title = texts.SHARE_TITLE.format(
        agency=agency.name, year=year, part=name, whole=texts.short(whole)
    )
    return _reply(ctx, title, item, lines)


def rate_extreme(
    ctx: Context, agency: AgencyInfo, years: Sequence[int], which: str, how: str
) -> Answer:
    """哪一年公开率最高: the rate of every year asked, the highest (or lowest) first."""
    spec = RATES[which]
    found = [i for y in years if (i := rate_item(ctx, agency, y, which)) is not None]
    if not found:
        return missing(ctx, agency, years[-1] if years else 0, spec.title)
    most = how == "max_year"
    best = (max if most else min)(p.value or Decimal(0) for p in found)
    tied = [p for p in found if p.value == best]
    word = "高" if most else "低"
    formula = "；".join(f"{p.year}年度 {texts.number(p.value or Decimal(0))}%" for p in found)
    item = computed_item(tied[0], best, "%", spec.title, how, formula, found, key=which)
    lines = [texts.EXTREME_TITLE.format(agency=agency.name, label=spec.title, word=word)]
    lines.append(
        texts.EXTREME_LINE.format(
            year="、".join(str(p.year) for p in tied), word=word, amount=texts.amount(tied[0])
        )
    )
    lines += [f"{p.year}年度：{texts.amount(p)}（{p.formula}）" for p in found]
    gaps = [y for y in years if y not in {p.year for p in found}]
    if gaps:
        lines.append(texts.EXTREME_GAPS.format(years="、".join(map(str, gaps))))
    return ctx.reply("answer", "computed", "\n".join(lines), [item])


def sum_cells(
    ctx: Context, agency: AgencyInfo, year: int, keys: Sequence[str], how: str, name: str,
    notes: list[str], *, key: str | None = None, alike: bool = False,
) -> Answer:  # fmt: skip
    """合计 over rows or columns of one report (法人或其他组织 = five columns); `alike`:
    figures of different tables or of the prose, added only when counted in one unit."""
    parts, lacking = _cells(ctx, agency, year, keys)
    if lacking is not None or not parts:
        return missing(ctx, agency, year, lacking or name)
    if alike and len({p.unit for p in parts}) > 1:
        named = "、".join(f"{texts.short(p)} {texts.amount(p)}" for p in parts)
        return ctx.reply("no_data", "computed", texts.NOT_ADDED_UNITS.format(parts=named))
    value = _total(parts)
    formula = f"{_terms(parts)} = {texts.number(value)}"
    item = computed_item(parts[0], value, parts[0].unit, name, how, formula, parts, key=key)
    title = texts.SUM_TITLE.format(agency=agency.name, year=year, label=name)
    return _reply(ctx, title, item, notes)


def cell_difference(
    ctx: Context, agency: AgencyInfo, year: int, keys: tuple[str, str], notes: list[str],
    *, fall: bool = False,
) -> Answer:  # fmt: skip
    """A比B多多少 in one report: two rows or two columns, 法人或其他组织 as its five columns;
    `fall` (A比B少多少): B minus A when A is the smaller, so the fall asked is positive."""
    sides: list[tuple[str, Decimal]] = []
    parts: list[AnswerItem] = []
    for key in keys:
        row, _, column = key.rpartition(".")
        cells = [f"{row}.{c}" for c in ORG_COLUMNS] if column == "org" else [key]
        found, lacking = _cells(ctx, agency, year, cells)
        if lacking is not None or not found:
            return missing(ctx, agency, year, lacking or label(key))
        name = f"{label(row)}·法人或其他组织" if column == "org" else texts.short(found[0])
        sides.append((name, _total(found)))
        parts += found
    (first, a), (second, b) = sides
    if fall and a < b:
        (first, a), (second, b) = (second, b), (first, a)
    value = a - b
    formula = f"{first} {texts.number(a)} − {second} {texts.number(b)} = {texts.number(value)}"
    name = f"{first}与{second}之差"
    item = computed_item(parts[0], value, parts[0].unit, name, "difference", formula, parts)
    title = texts.SUM_TITLE.format(agency=agency.name, year=year, label=name)
    if value == 0:
        said = texts.DIFF_SAME.format(first=first, second=second)
    else:
        word = "多" if value > 0 else "少"
        said = texts.DIFF_LINE.format(
            first=first, second=second, word=word, amount=f"{texts.number(abs(value))} {item.unit}"
        )
    return _reply(ctx, title, item, [*notes, said])


def extreme_part(
    ctx: Context, agency: AgencyInfo, year: int, det: Detection, keys: list[str],
    notes: list[str],
) -> Answer:  # fmt: skip
    """哪类申请人最多 / 哪一项理由最多: the largest (or smallest) of `keys` (a row's sub-rows
    or its columns) in one report, every candidate shown."""
    field = det.field
    report = ctx.source.report(agency.id, year)
    if field is None or report is None or not keys:
        return missing(ctx, agency, year, texts.PARTS)
    keys = [k for k in keys if report_key(report, k) == k]
    found, lacking = _cells(ctx, agency, year, keys)
    if lacking is not None or len(found) < 2:
        return missing(ctx, agency, year, lacking or texts.PARTS)
    most = det.hints.has("max_part")
    best = (max if most else min)(p.value or Decimal(0) for p in found)
    tied = [p for p in found if p.value == best]
    word = "多" if most else "少"
    formula = "；".join(f"{texts.short(p)} {texts.number(p.value or Decimal(0))}" for p in found)
    winner = tied[0]
    item = computed_item(
        winner, winner.value, winner.unit, texts.short(winner), f"{'max' if most else 'min'}_part",
        formula, found, key=winner.key,
    )  # fmt: skip
    title = texts.EXTREME_PART_TITLE.format(
        agency=agency.name, year=year, label=field.row.name, word=word
    )
    line = texts.EXTREME_PART_LINE.format(
        names="、".join(texts.short(p) for p in tied), word=word, amount=texts.amount(winner)
    )
    return _reply(ctx, title, item, [*notes, line])


# --- several agencies -----------------------------------------------------------------------


def over_agencies(
    ctx: Context, ids: Sequence[int], year: int | None, key: str, how: str
) -> Answer:
    """合计 / 平均 of one figure over the agencies named, in one year."""
    have = {a: ctx.source.years(a) for a in ids}
    if year is None:
        common = set.intersection(*(set(v) for v in have.values())) if have else set()
        if not common:
            return ctx.reply("no_data", "computed", texts.NO_COMMON_YEAR)
        year = max(common)
    parts: list[AnswerItem] = []
    for a in ids:
        agency = ctx.index.info[a]
        found, lacking = _cells(ctx, agency, year, (key,))
        if lacking is not None or not found:
            return missing(ctx, agency, year, lacking or label(key))
        parts += found
    value = _total(parts)
    name = label(key)
    if how == "average":
        value = (value / len(parts)).quantize(PERCENT, rounding=ROUND_HALF_UP).normalize()
    terms = " + ".join(f"{p.agency} {texts.number(p.value or Decimal(0))}" for p in parts)
    formula = f"{terms} = {texts.number(_total(parts))}" + (
        f"，÷ {len(parts)} = {texts.number(value)}" if how == "average" else ""
    )
    item = computed_item(parts[0], value, parts[0].unit, name, how, formula, parts)
    item = AnswerItem(
        "、".join(p.agency for p in parts), "", year, parts[0].key, name, value, parts[0].unit,
        computation=how, formula=formula, parts=tuple(parts),
    )  # fmt: skip
    title = f"{item.agency} · {year}年度 · {name}（{'合计' if how == 'sum' else '平均'}）"
    return _reply(ctx, title, item)


def difference(
    ctx: Context, ids: Sequence[int], year: int | None, key: str, *, fall: bool = False,
    years: Sequence[int] = (),
) -> Answer:  # fmt: skip
    """How much more the first agency named has than the second, in one year, or each in the
    year written beside it (`years`, one per agency: 洪泽区2023年比淮安市2024年); `fall`
    (A比B少多少): the second's minus the first's when the first is the smaller, so the fall
    asked is positive."""
    have = [set(ctx.source.years(a)) for a in ids[:2]]
    if year is None and not years:
        common = have[0] & have[1]
        if not common:
            return ctx.reply("no_data", "computed", texts.NO_COMMON_YEAR)
        year = max(common)
    each = list(years[:2]) if years else [year or 0, year or 0]
    parts: list[AnswerItem] = []
    for a, its_year in zip(ids[:2], each, strict=True):
        agency = ctx.index.info[a]
        found, lacking = _cells(ctx, agency, its_year, (key,))
        if lacking is not None or not found:
            return missing(ctx, agency, its_year, lacking or label(key))
        parts += found
    first, second = parts
    bigger, smaller = first, second
    if fall and (first.value or Decimal(0)) < (second.value or Decimal(0)):
        bigger, smaller = second, first  # the item stays the first agency's
    value = (bigger.value or Decimal(0)) - (smaller.value or Decimal(0))
    apart = each[0] != each[1]  # each agency's own year, said in the formula and the title
    formula = (
        f"{_who(bigger, apart)} {texts.number(bigger.value or Decimal(0))} − "
        f"{_who(smaller, apart)} {texts.number(smaller.value or Decimal(0))} = "
        f"{texts.number(value)}"
    )
    item = computed_item(
        first, value, first.unit, f"{label(key)}之差", "difference", formula, parts
    )
    first, second = bigger, smaller
    title = f"{first.agency} 比 {second.agency} · {year}年度 · {label(key)}"
    if apart:
        title = f"{_who(first, apart)} 比 {_who(second, apart)} · {label(key)}"
    if value == 0:
        said = texts.DIFF_SAME.format(first=_who(first, apart), second=_who(second, apart))
    else:
        said = texts.DIFF_LINE.format(
            first=_who(first, apart), second=_who(second, apart),
            word="多" if value > 0 else "少",
            amount=f"{texts.number(abs(value))} {item.unit}",
        )  # fmt: skip
    return _reply(ctx, title, item, [said])


def _who(item: AnswerItem, with_year: bool) -> str:
    return f"{item.agency}{item.year}年度" if with_year else item.agency
