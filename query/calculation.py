"""Which computation a question's words ask for (docs/fields.md "Derived figures"), and the
one that answers it: over the years of one agency, over agencies, or cells of one report.
The computations themselves live in query.computed.
"""

from __future__ import annotations

import re
from itertools import pairwise

from query import series, texts
from query.answer import Answer, Choice
from query.catalog import COLUMNS, ROW_BY_PREFIX, ROWS, RowEntry, short_label
from query.common import Context, label, token
from query.computed import (
    ORG_COLUMNS,
    RATES,
    cell_difference,
    extreme_part,
    missing,
    rate,
    rate_extreme,
    share,
    share_of_sum,
    sum_cells,
)
from query.facts import match_facts
from query.fieldmatch import (
    GENERIC_ROWS,
    VERB_WORDS,
    FieldMatch,
    column_spans,
    match_columns,
    match_field,
    named_rows,
)
from query.intents import RATE_WORDS, unexplained
from query.source import AgencyInfo
from query.understand import Detection
from query.yearly import over_years, rate_change, yoy

_OVER_YEARS = ("growth", "ratio", "yoy", "max_year", "min_year")
_JOINED = re.compile(r"[\u4e00-\u9fff]\s*(?:和|与|及|加上|加|跟|以及|、)\s*[\u4e00-\u9fff]")
_LISTED = re.compile(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]")  # the space normalising left for 、
_ORDER = ("ascending", "descending")
_PLUS = re.compile(r"(?<![增参追附施添])加上?(?![强快大以入工班])")
_GAP = re.compile(r"差(?:了|距|额|值)?(?:有)?多少|相差|差距|差额|差值|差几")
_DIRECTION = re.compile(r"多多少|多了多少|多出|多几|高多少|高出|增加|增长|上升")
_FALL = re.compile(r"减少|下降|降低|降了|回落|下滑|少了|少多少|减了")


_TABLE_WORDS = sorted(
    {w for r in ROWS for w in r.words} | {w for c in COLUMNS for w in c.words}, key=len
)


def undefined_rate(det: Detection) -> tuple[str, str] | None:
    """(the rate word, the row or column before 率) for a rate of a table row that fields.md
    does not define (予以公开率, 部分公开率, 复议维持率): its denominator is not guessed.
    None when every 率 is one of fields.md's rates (不予公开率, 政府信息公开率) or names no
    table word."""
    text = det.text.replace(" ", "")
    for at in (i for i, c in enumerate(text) if c == "率"):
        defined = max((len(w) for w in RATE_WORDS if text[: at + 1].endswith(w)), default=0)
        part = next((w for w in reversed(_TABLE_WORDS) if text[:at].endswith(w)), "")
        if part and len(part) + 1 > defined:
            return part + "率", part
    return None


def over_agencies_asked(det: Detection) -> str | None:
    """ "sum" or "average" when several agencies are named with 合计 / 平均."""
    if det.hints.has("average"):
        return "average"
    if adds(det):
        return "sum"
    return None


def asks_fall(det: Detection) -> bool:
    """减少了多少 / A比B少多少: the fall is asked, and given as a positive figure; so is a gap
    asked with no direction (A和B差多少, 相差), the larger minus the smaller."""
    return bool(_FALL.search(det.text)) or (
        bool(_GAP.search(det.text)) and not _DIRECTION.search(det.text)
    )


def adds(det: Detection) -> bool:
    """合计 / 加起来 / 一共: add up what the question lists."""
    return det.hints.has("total") or det.hints.has("together")


def over_years_asked(det: Detection) -> str | None:
    """The computation over the years of one agency the words ask for, if any."""
    hints, years = det.hints, det.years
    if len(years.years) <= 1 and compared_keys(det) is not None:
        return None  # 予以公开比部分公开多了多少: two cells of one report
    for how in _OVER_YEARS:
        if hints.has(how):
            return how
    if hints.has("difference") and len(years.years) == 2:
        return "yoy"  # 2025年比2023年多多少: the later year's figure minus the earlier one's
    several = len(years.years) >= 2 or years.recent or years.every or hints.has("series")
    if hints.has("average") and (several or not years.years):
        return "average"  # 平均每年: over the years named, or every year with a report
    if several and adds(det) and not _rows_or_columns(det):
        return "sum"
    if hints.has("ascending") or hints.has("descending") or (several and hints.has("rank")):
        return "ascending" if hints.ascending else "descending"
    return None


def for_years(
    ctx: Context, agency: AgencyInfo, have: list[int], det: Detection, how: str
) -> Answer:
    if det.hints.rate and how == "yoy":
        return rate_change(ctx, agency, have, det.hints.rate, det.years.years)
    if det.hints.rate and how in ("max_year", "min_year"):
        return rate_extreme(ctx, agency, series.years_asked(have, det), det.hints.rate, how)
    if det.key is None or det.hints.rate:
        return ctx.reply("no_data", "computed", texts.WHICH_FIGURE)  # never 新收申请 guessed
    key = det.key
    if key.endswith(".delta"):
        key = key.rpartition(".")[0]  # 比上年增加多少: the change computed, not 本年增/减
    if how in ("yoy", "growth", "ratio"):
        fall = asks_fall(det)
        return yoy(ctx, agency, have, key, det.years.years, how, fall=fall)
    return over_years(ctx, agency, have, key, det, how)


def _rows_or_columns(det: Detection) -> list[str]:
    """Full keys to add up in one report: several rows (same column) or several columns."""
    field = det.field
    if field is None:
        return []
    rest = det.scan.rest.replace(" ", "")
    for word, _, start in named_rows(rest):  # 办理结果总计's 总计 names no column
        rest = rest[:start] + " " * len(word) + rest[start + len(word) :]
    columns = match_columns(rest, field.row)
    if not _JOINED.search(det.scan.rest) and not _LISTED.search(det.text):
        return []  # 申请办理结果合计 names one row: only 和 / 与 / 加 lists several
    if field.others and not field.row.prefix.startswith("apply.new"):
        rows = [field.row, *field.others]
        return [  # no column named: each row's own (行政许可's 处理决定数量, not a 总计)
            f"{r.prefix}.{field.column}" if field.column else r.prefix
            for r in rows
            if r.family == field.row.family
        ]
    if len(columns) >= 2:  # 法人 is its five columns (自然人加法人: every applicant)
        named = [c for column in columns for c in (ORG_COLUMNS if column == "org" else (column,))]
        return [f"{field.row.prefix}.{c}" for c in dict.fromkeys(named)]
    return []


_LISTING = re.compile(r"(?:的)?(?:和|与|及|以及|、|加上|加)")


def _listed(det: Detection) -> bool:
    """Two rows named one right after the other with only 和 / 及 / 、 between (予以公开及部分
    公开), so the question lists them; 涉及国家秘密 joins nothing."""
    field = det.field
    if field is None or not field.others:
        return False
    text = det.scan.rest.replace(" ", "")
    spans = []
    for row in (field.row, *field.others):
        hits = [(text.find(w), text.find(w) + len(w)) for w in row.words if w in text]
        if hits:  # the row's words as one stretch (本年新收 and 新收申请: 本年新收申请)
            first = min(hits)
            spans.append((first[0], max(e for s, e in hits if s <= first[1])))
    spans.sort()
    return any(_LISTING.fullmatch(text[a[1] : b[0]]) for a, b in pairwise(spans))


_JOIN = re.compile(r"(?:的|数|数量)?(?:和|与|及|以及|、|加上|加|跟|同)")


def added_keys(det: Detection) -> list[str]:
    """The figures a question joins and asks to add (新收申请加行政复议, 主动公开加依申请公开
    一共), one key each in the order written; empty unless two or more are joined with a sum
    asked — then one of them alone is never the answer."""
    text = det.scan.rest.replace(" ", "")
    if not (adds(det) or _PLUS.search(text)):
        return []
    field = det.field or match_field(text)  # 政策解读与法人申请: 申请's column too
    spans = [
        (start, start + len(word), _with_column(row, field))
        for word, row, start in named_rows(text)
        if word not in VERB_WORDS
    ]
    spans += [(f.start, f.start + len(f.word), f.key) for f in match_facts(text)]
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: s[0] - s[1]):  # the longer word of two overlapping
        if not any(span[0] < e and s < span[1] for s, e, _ in kept):
            kept.append(span)
    kept.sort()
    between = text
    for start, end in column_spans(text):  # 政策解读与法人申请: 法人 is the row's column
        between = between[:start] + " " * (end - start) + between[end:]
    gaps = [between[a[1] : b[0]].replace(" ", "") for a, b in pairwise(kept)]
    if not any(_JOIN.fullmatch(gap) for gap in gaps):
        return []
    keys = [k for _, _, k in kept]
    return keys if len(keys) >= 2 else []


def _with_column(row: RowEntry, field: FieldMatch | None) -> str:
    if field is not None and field.column and field.row.family == row.family:
        return f"{row.prefix}.{field.column}"
    return row.prefix


def add_named(
    ctx: Context, agency: AgencyInfo, year: int, keys: list[str], notes: list[str]
) -> Answer:
    """The figures joined with a sum asked, added (counted in one unit), never one alone; one
    figure named twice (自然人申请加新收申请: both 新收申请) is asked back."""
    if len(set(keys)) < len(keys):
        return ctx.reply("no_data", "computed", texts.WHICH_ADDENDS)
    if any(b.startswith(a + ".") or a.startswith(b + ".") for a, b in pairwise(sorted(keys))):
        return ctx.reply("no_data", "computed", texts.PART_OF_WHOLE)  # 行政诉讼与复议后起诉
    name = "＋".join(label(k) for k in keys)
    return sum_cells(ctx, agency, year, keys, "sum", name, notes, alike=True)


def in_report_asked(det: Detection) -> bool:
    field = det.field
    if adds(det) and len(det.facts) >= 2:
        return True
    if det.hints.has("max_part") or det.hints.has("min_part"):
        return True
    if compared_keys(det) is not None:
        return True
    if det.hints.has("difference") and len(det.years.years) <= 1:
        return True  # two cells of one report set against each other, or nothing computed
    if det.hints.rate or det.hints.has("share"):
        return True
    if (
        field is not None
        and field.row.prefix == "litigation"
        and field.column not in (None, "total")
    ):
        return True  # 行政诉讼·结果纠正: the two 行政诉讼 groups
    if field is not None and field.column == "org":
        return True
    keys = _rows_or_columns(det)
    plus = _PLUS.search(det.scan.rest) is not None  # 结果维持加结果纠正: added, not one
    return len(keys) >= 2 and (adds(det) or _listed(det) or plus)  # 予以公开及部分公开: added


def in_report(
    ctx: Context, agency: AgencyInfo, year: int, det: Detection, notes: list[str]
) -> Answer:
    """A figure computed from cells of one report."""
    field = det.field
    if adds(det) and len(det.facts) >= 2:
        name = "＋".join(label(k) for k in det.facts)
        return sum_cells(ctx, agency, year, det.facts, "sum", name, notes)
    if det.hints.has("max_part") or det.hints.has("min_part"):
        return extreme_part(ctx, agency, year, det, part_keys(det), notes)
    if (pair := compared_keys(det)) is not None:
        return cell_difference(ctx, agency, year, pair, notes, fall=asks_fall(det))
    if det.hints.has("difference"):
        return ctx.reply("no_data", "computed", texts.WHICH_PAIR)  # never one of the two
    if det.hints.rate:
        return rate(ctx, agency, year, det.hints.rate, notes)
    if (
        field is not None
        and field.row.prefix == "litigation"
        and field.column
        not in (
            None,
            "total",
        )
    ):
        keys = [f"litigation.{group}.{field.column}" for group in ("direct", "after_review")]
        if det.hints.has("share") and not _GROUP_NAMED.search(det.scan.rest.partition("占")[2]):
            # 诉讼纠正占诉讼总计: both groups' cells over both groups' totals (fields.md)
            return _rate_or_share(ctx, agency, year, tuple(keys), _LITIGATION, notes)
        if not adds(det):
            return ctx.reply(
                "choose", "value", texts.WHICH_LITIGATION, choices=litigation_choices(
                    agency, year, field.column)
            )  # fmt: skip
        return sum_cells(ctx, agency, year, keys, "sum", label(keys[0]), notes)
    if (
        field is not None
        and field.column == "org"
        and len(_rows_or_columns(det)) <= len(ORG_COLUMNS)
    ):
        keys = [f"{field.row.prefix}.{c}" for c in ORG_COLUMNS]
        name = f"{field.row.name}·法人或其他组织"
        if det.hints.has("share"):  # 法人占比: the five columns over the row's total
            total, org = f"{field.row.prefix}.total", f"{field.row.prefix}.org"
            return share_of_sum(ctx, agency, year, keys, total, name, notes, key=org)
        return sum_cells(
            ctx, agency, year, keys, "org", name, notes, key=f"{field.row.prefix}.org"
        )
    if det.hints.has("share") and field is not None:
        part, whole = _named_share(det) or _share_of(det)
        if not whole:
            return missing(ctx, agency, year, texts.SHARE_BASE)
        return _rate_or_share(ctx, agency, year, part, whole, notes)
    keys = _rows_or_columns(det)
    name = "＋".join(label(k) if k in ROW_BY_PREFIX else short_label(k) for k in keys)
    return sum_cells(ctx, agency, year, keys, "sum", name, notes)


# A share whose part and whole are those of a rate fields.md names (纠错率, 公开率 …)
_RATE_NAMED = {
    (frozenset(r.top), frozenset(r.base)): r.name for r in RATES.values() if not r.group
}  # a group's own rate (复议后起诉) is no rate of fields.md: its share stays a share


def _rate_or_share(
    ctx: Context,
    agency: AgencyInfo,
    year: int,
    part: tuple[str, ...],
    whole: tuple[str, ...],
    notes: list[str],
) -> Answer:
    """A share that is a named rate is answered as that rate (its name and formula)."""
    which = _RATE_NAMED.get((frozenset(part), frozenset(whole)))
    if which is not None:
        return rate(ctx, agency, year, which, notes)
    return share(ctx, agency, year, part, whole, notes)


def litigation_choices(agency: AgencyInfo, year: int, column: str) -> list[Choice]:
    keys = [f"litigation.{group}.{column}" for group in ("direct", "after_review")]
    return [
        Choice(short_label(k), token("value", agency.id, year, k), agency.name, year, k)
        for k in keys
    ]


_LITIGATION = ("litigation.direct.total", "litigation.after_review.total")
_GROUP_NAMED = re.compile(r"直接|复议后|经过复议|经复议")  # one of 行政诉讼's two groups
_CASES = ("review.total", *_LITIGATION)
# The groups of 办理结果 with sub-rows: a sub-row's share is of its group (fields.md)
_GROUPS = ("result.withheld", "result.unable", "result.rejected", "result.other")
_ALL_RESULTS = re.compile(r"办理结果|办结|全部申请|所有申请|申请总数|办理总数|全部办理|总办理")
_BOTH_CASES = re.compile(r"复议(?:和|与|及|加|、|\s)*诉讼|诉讼(?:和|与|及|加|、|\s)*复议")


def _share_of(det: Detection) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(part, whole) of the share asked: of the rows or columns listed together (予以公开和
    部分公开合计占总数的比例) when they have one whole, else of the one field named."""
    field = det.field
    assert field is not None
    others = [r for r in field.others if r.family != field.row.family]
    if [r for r in others if r.prefix not in GENERIC_ROWS and r.prefix != "result.total"]:
        return (), ()  # 予以公开和行政复议占比: rows of two tables have no whole
    listed = _rows_or_columns(det)
    if field.row.prefix in ("review", "litigation") and _BOTH_CASES.search(det.text):
        listed = []  # 复议占复议和诉讼总数: the two name the whole, not the part
    if len(listed) >= 2:
        shares = [share_keys(*_row_column(k), det.text) for k in listed]
        wholes = {whole for _part, whole in shares}
        part = tuple(k for p, _whole in shares for k in p)
        return part, (wholes.pop() if len(wholes) == 1 else ())
    return share_keys(field.row.prefix, field.column, det.text)


_ROW_PREFIXES = frozenset(r.prefix for r in ROWS)
_WHOLE_FAMILIES = ("applicant", "review")


def _named_share(det: Detection) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(part, whole) when the question names the whole after 占 (结转下年度占新收申请的比例:
    of 新收申请, not of the results); ((), ()) when the words after 占 name no table row,
    so nothing is divided by a whole the question did not name; None when no whole is said
    (占比) or the words name several rows (复议占复议和诉讼总数: share_keys reads those)."""
    before, said, after = det.scan.rest.partition("占")
    after = after.strip().removesuffix("的").strip()
    if not said or not after:
        return None
    if _ALL_RESULTS.search(after) or _BOTH_CASES.search(after):
        return None  # 占申请总数 / 占复议和诉讼总数: share_keys knows these wholes
    whole = match_field(after)
    if whole is None:
        return ((), ()) if unexplained(after) else None
    part = match_field(before) or det.field
    if whole.others or part is None or part.row.family != whole.row.family:
        return (), ()  # 不予公开占行政复议的比例: no whole of that part
    if whole.row.family not in _WHOLE_FAMILIES:
        return None
    part_keys = share_keys(part.row.prefix, part.column)[0]
    whole_keys = share_keys(whole.row.prefix, whole.column)[0]
    return (part_keys, whole_keys) if part_keys != whole_keys else None


def _row_column(key: str) -> tuple[str, str | None]:
    """(row, column) of a full key, or of a row named without its column."""
    if key in _ROW_PREFIXES:
        return key, None
    row, _, column = key.rpartition(".")
    return row, column


def share_keys(
    row: str, column: str | None, text: str = ""
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(part, whole) of a share, each the cells to add: a column of its row's total; a sub-row
    of its group's total (fields.md) unless the words name all the results as the whole; a row
    of the results' total; 复议 or 诉讼 of 复议 + 诉讼 when the words name both. () when no
    whole is known."""
    if column == "org":  # 法人或其他组织: its five columns
        return tuple(f"{row}.{c}" for c in ORG_COLUMNS), (f"{row}.total",)
    if column and column != "total":
        return (f"{row}.{column}",), (f"{row}.total",)
    part = f"{row}.total"
    if row in ("review", "litigation") and _BOTH_CASES.search(text):
        return ((part,) if row == "review" else _LITIGATION), _CASES
    if row == "litigation":
        return _LITIGATION, ()
    if row.startswith("result.") and row != "result.total":
        group = next((g for g in _GROUPS if row.startswith(g + ".")), None)
        if group is not None and not _ALL_RESULTS.search(text):
            return (part,), (f"{group}.total",)
        return (part,), ("result.total.total",)
    if row.startswith("litigation."):
        return (part,), _LITIGATION
    return (part,), ()


def part_keys(det: Detection) -> list[str]:
    """The cells 哪类 / 哪一项 chooses among: a group's sub-rows (不予公开的理由), else the
    row's columns (申请人: 自然人 and each kind of 法人或其他组织; 复议的结果)."""
    field = det.field
    if field is None:
        return []
    row = field.row
    depth = row.prefix.count(".") + 1
    children = [
        r.prefix
        for r in ROWS
        if r.prefix.startswith(row.prefix + ".") and r.prefix.count(".") == depth
    ]
    if children:
        column = field.column if field.column not in (None, "org") else "total"
        return [f"{c}.{column}" for c in children]
    if field.column == "org":
        return [f"{row.prefix}.{c}" for c in ORG_COLUMNS]
    if row.family not in ("applicant", "review"):
        return []
    columns = [c.column for c in COLUMNS if c.family == row.family]
    return [f"{row.prefix}.{c}" for c in dict.fromkeys(columns) if c not in ("total", "org")]


_VERSUS = re.compile(r"(?<![占对])比(?!例|重|率|较|一比)|相差|差多少|差距|之差")


def compared_keys(det: Detection) -> tuple[str, str] | None:
    """A比B多多少 / A和B相差多少 within one report: the two cells in the order written, or
    None when the words do not name two rows or two columns of one table."""
    field = det.field
    text = det.scan.rest.replace(" ", "")
    if field is None or len(det.years.years) > 1 or not _VERSUS.search(det.text):
        return None
    columns = [c for c in match_columns(text, field.row) if c != "total"]
    if len(columns) >= 2:
        return f"{field.row.prefix}.{columns[0]}", f"{field.row.prefix}.{columns[1]}"
    rows = [r for r in (field.row, *field.others) if r.family == field.row.family]
    if len(rows) < 2:
        return None

    def at(row: RowEntry) -> int:
        return min((text.find(w) for w in row.words if w in text), default=len(text))

    first, second = sorted(rows[:2], key=at)
    column = field.column or "total"
    return f"{first.prefix}.{column}", f"{second.prefix}.{column}"
