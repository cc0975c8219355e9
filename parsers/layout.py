"""Document rows → template cells under canonical keys, matched by meaning, not position.

Rows from every format look alike once reduced to label cells and value cells: a text dump, an
HTML grid with rowspan/colspan expanded (group labels repeated in leading cells), a PDF table. A
row's label text (all its label cells) is matched against the template's row labels by their
distinctive words (`国家秘密`, `逾期不补正`…), taking the match nearest the numbers, with a
running "current group" for the one label that is not unique (（六）其他处理 3.其他).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from parsers import digits
from parsers.blanks import rows_without_blanks, totals_vouched
from parsers.cut import cut_row, off_page_warning
from parsers.derived import derive
from parsers.document import OFF_PAGE, Document
from parsers.fields import (
    APPLICANT_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    TemplateVersion,
    apply_rows,
    template_fields,
    template_of_year,
)
from parsers.model import AMBIGUOUS, BLANK, OCR, UNIT, Cell, Number
from parsers.validate import table3_sums
from parsers.values import make_cell, parse_number, to_wan

REVIEW_ALL = "review_all"  # 表四 printed as one row of 15 numbers
_LABEL_TAIL = 160  # only the end of a long label text (headers, prose) can name the row

_GROUPS = {
    "不予公开": "withheld",
    "无法提供": "unable",
    "不予处理": "rejected",
    "其他处理": "other",
}
# (row key, distinctive words after normalisation). Order only breaks ties of equal end.
_ROW_WORDS: tuple[tuple[str, str], ...] = (
    ("proactive.rules", "规章"),
    ("proactive.normative", "规范性文件"),
    ("proactive.permit", "行政许可"),
    ("proactive.other_services", "其他对外管理服务事项"),
    ("proactive.penalty", "行政处罚"),
    ("proactive.enforcement", "行政强制"),
    ("proactive.fees", "行政事业性收费"),
    ("proactive.procurement", "政府集中采购"),
    ("apply.new", "本年新收"),
    ("apply.carried_in", "上年结转"),
    ("result.public", "予以公开"),
    ("result.partial", "部分公开"),
    ("result.withheld.state_secret", "国家秘密"),
    ("result.withheld.law_prohibited", "禁止公开"),
    ("result.withheld.security_stability", "三安全一稳定"),
    ("result.withheld.third_party", "第三方合法权益"),
    ("result.withheld.internal_affairs", "内部事务"),
    ("result.withheld.process_info", "过程性信息"),
    ("result.withheld.enforcement_file", "行政执法案卷"),
    ("result.withheld.inquiry", "行政查询"),
    ("result.unable.no_info", "不掌握"),
    ("result.unable.needs_creation", "另行制作"),
    ("result.unable.unclear", "仍不明确"),
    ("result.rejected.petition", "信访举报投诉"),
    ("result.rejected.duplicate", "重复申请"),
    ("result.rejected.publication", "公开出版物"),
    ("result.rejected.excessive", "大量反复"),
    ("result.rejected.confirmation", "确认或重新出具"),
    ("result.other.overdue_correction", "逾期不补正"),
    ("result.other.overdue_fee", "收费通知"),
    ("result.other", "其他处理"),
    ("result.total", "七总计"),
    ("apply.carried_forward", "结转下年度"),
    ("review", "行政复议"),
    ("litigation.direct", "直接起诉"),
    ("litigation.after_review", "复议后起诉"),
)
_ROW_PATTERN = re.compile("|".join(sorted({w for _, w in _ROW_WORDS}, key=len, reverse=True)))
_WORD_ROW = {w: k for k, w in _ROW_WORDS}
_PUNCT = re.compile(r"[\W_]+")
_ORDINAL = re.compile(r"(\d)(?!\d)")
_SUBROWS = {
    name: [r.key for r in apply_rows("2021") if r.key.startswith(f"result.{name}.")]
    for name in _GROUPS.values()
}

_MARKERS_2019 = (
    "本年新制作数量",
    "上一年项目数量",
    "第二十条第九项",
    "政府集中采购",
    "其他对外管理服务事项",
)
_MARKERS_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额", "逾期不补正")


def _marker(words: str) -> re.Pattern[str]:
    """The words with any spacing or punctuation between characters (broken PDF headers)."""
    return re.compile(r"[\W_]*".join(map(re.escape, words)))


_MARKER_RES = {
    "2019": [_marker(m) for m in _MARKERS_2019],
    "2021": [_marker(m) for m in _MARKERS_2021],
}


def row_words() -> re.Pattern[str]:
    """The distinctive words of every template row label (after `norm_text`)."""
    return _ROW_PATTERN


def norm_text(text: str) -> str:
    """Text reduced to its words: NFKC, no spaces, no punctuation or quotes."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4096)
def norm(label: str) -> str:
    """`norm_text` for row labels, cached: reports repeat the same labels."""
    return norm_text(label)


@dataclass(frozen=True)
class RowSpec:
    """A template row: its cell keys in printed order and the sums its cells obey."""

    key: str
    cells: tuple[str, ...]
    sums: tuple[tuple[int, tuple[int, ...]], ...] = ()
    amounts: frozenset[int] = frozenset()
    signed: frozenset[int] = frozenset()


@dataclass
class Layout:
    """What the mapper found: template, printed cells by key, and what it had to say about it."""

    template: TemplateVersion
    single_other: bool
    cells: dict[str, Cell] = field(default_factory=dict)
    sections: set[str] = field(default_factory=set)  # "二", "三", "四" found
    warnings: list[str] = field(default_factory=list)
    dropped_prose: list[str] = field(default_factory=list)  # prose keys the tables contradict
    off_page: list[str] = field(default_factory=list)  # cells a table wider than the page lost
    derived_totals: list[str] = field(default_factory=list)  # the row totals among them, summed


def detect_template(doc: Document, year: int | None) -> tuple[TemplateVersion, str | None]:
    """Template version from content (shared/fields.md "how to tell"); year only breaks ties."""
    text = doc.text + "\n".join("\t".join(row) for row in doc.rows)
    old = sum(1 for marker in _MARKER_RES["2019"] if marker.search(text))
    new = sum(1 for marker in _MARKER_RES["2021"] if marker.search(text))
    if old != new:
        return ("2019" if old > new else "2021"), None
    guess = template_of_year(year)
    return guess, f"无法从表格内容判断模板版本，按年度推定为 {guess} 版"


@lru_cache(maxsize=8)
def row_specs(template: TemplateVersion, *, single_other: bool) -> Mapping[str, RowSpec]:
    """Every printed row of the template (group sums excluded: they are derived)."""
    specs: dict[str, list[str]] = {}
    for f in template_fields(template, single_other=single_other):
        if f.table == "二":
            specs.setdefault(f.key.rsplit(".", 1)[0], []).append(f.key)
    out: dict[str, RowSpec] = {}
    for key, keys in specs.items():
        amounts = frozenset(i for i, c in enumerate(keys) if c.endswith(".amount"))
        signed = frozenset(i for i, c in enumerate(keys) if c.endswith(".delta"))
        out[key] = RowSpec(key, tuple(keys), amounts=amounts, signed=signed)
    applicant_sum = ((6, (0, 1, 2, 3, 4, 5)),)
    for row in apply_rows(template, single_other=single_other):
        if not row.derived:
            cells = tuple(f"{row.key}.{col}" for col, _ in APPLICANT_COLUMNS)
            out[row.key] = RowSpec(row.key, cells, applicant_sum)
    review_sum = ((4, (0, 1, 2, 3)),)
    all_cells: list[str] = []
    for group, _ in REVIEW_GROUPS:
        cells = tuple(f"{group}.{col}" for col, _ in REVIEW_COLUMNS)
        out[group] = RowSpec(group, cells, review_sum)
        all_cells += cells
    out[REVIEW_ALL] = RowSpec(
        REVIEW_ALL,
        tuple(all_cells),
        ((4, (0, 1, 2, 3)), (9, (5, 6, 7, 8)), (14, (10, 11, 12, 13))),
    )
    return out


@dataclass
class _Printed:
    """Rows matched to template keys: raw value strings, or a digit run."""

    values: dict[str, list[str]] = field(default_factory=dict)
    runs: dict[str, str] = field(default_factory=dict)
    read_by_ocr: set[str] = field(default_factory=set)  # row keys whose values OCR read
    other_subrows: bool = False
    warnings: list[str] = field(default_factory=list)


def _split_row(row: Sequence[str]) -> tuple[str, list[str]]:
    """Label text (every label cell) and the value cells after the last label cell."""
    labels = [  # a plain count, most value cells, is no label: told without parse_number
        i for i, cell in enumerate(row) if cell and not (cell.isascii() and cell.isdigit())
        and _is_label(cell)
    ]  # fmt: skip
    if not labels:
        return "", [c.strip() for c in row]
    label = "".join([row[i] for i in labels])
    return label, [c.strip() for c in row[labels[-1] + 1 :]]


def _is_label(cell: str) -> bool:
    return bool(cell.strip()) and cell != OFF_PAGE and parse_number(cell) is None


def _match(
    label: str, group: str | None, *, ordinals: bool = True
) -> tuple[str | None, str | None]:
    """(row key, current group) for a label text; the match ending last wins.

    A sub-row whose words are garbled (PDF text loses characters: 其他法律行政止公开) is still
    placed by its ordinal within the current group, unless `ordinals` is off: in second-hand
    text the group label may be printed after its sub-rows, so the current group is unknown.
    """
    words = norm(label)[-_LABEL_TAIL:]
    best: re.Match[str] | None = None
    for m in _ROW_PATTERN.finditer(words):
        if best is None or m.end() >= best.end():
            best = m
    group_end = -1
    for word, name in _GROUPS.items():
        pos = words.rfind(word)
        if pos >= 0 and pos + len(word) > group_end:
            group_end, group = pos + len(word), name
    if group and (best is None or best.end() <= group_end):
        tail = words[max(group_end, 0) :]
        ordinal = _ORDINAL.match(tail)
        subs = _SUBROWS[group]
        trusted = ordinals or (group == "other" and tail[1:] == "其他")  # （六）3.其他
        if trusted and ordinal and 1 <= int(ordinal.group(1)) <= len(subs):
            return subs[int(ordinal.group(1)) - 1], group
        if group == "other" and tail == "其他":
            return "result.other.misc", group
    if best is None:
        return None, group
    key = _WORD_ROW[best.group(0)]
    grouped = key.startswith(
        ("result.withheld", "result.unable", "result.rejected", "result.other")
    )
    return key, (group if grouped else None)


def _collect(doc: Document) -> _Printed:
    """Walk the rows once, matching labels and keeping each row's values or run."""
    out = _Printed()
    group: str | None = None
    seen_review = False
    rows = doc.rows
    i = 0
    while i < len(rows):
        row = rows[i]
        if not doc.runs_together and row and _is_label(row[-1]):
            i += 1  # a line of words (most rows of a text): no value after its last label
            if not seen_review and any("复" in cell or "诉" in cell for cell in row):
                words = norm(_split_row(row)[0][-2 * _LABEL_TAIL :])
                seen_review = "复议" in words or "诉讼" in words
            continue
        label, values = (row[0], row[1:]) if doc.runs_together else _split_row(row)
        i += 1
        label = label[-2 * _LABEL_TAIL :]
        if not values and not doc.runs_together:
            # A line of words (most lines of a text: prose) only tells whether 表四 has begun;
            # no character but 复 and 诉 themselves normalizes to them, so most need no norm().
            if not seen_review and ("复" in label or "诉" in label):
                words = norm(label)
                seen_review = "复议" in words or "诉讼" in words
            continue
        words = norm(label)
        if "复议" in words or "诉讼" in words:
            seen_review = True
        if doc.runs_together:
            if len(values) != 1 or not label:
                continue
            if "复议" in words and ("诉讼" in words or "起诉" in words):
                out.runs.setdefault(REVIEW_ALL, values[0])
                continue
            key, group = _match(label, group, ordinals=not doc.by_order)
            if key and key not in out.runs:
                out.runs[key] = values[0]
                out.other_subrows |= key.startswith("result.other.")
            continue
        if not values:
            continue
        review_row = not words or any(w in words for w in ("复议", "诉讼", "结果维持"))
        if seen_review and review_row and (len(values) >= 15 or OFF_PAGE in values):
            if REVIEW_ALL not in out.values and i - 1 in doc.ocr_rows:
                out.read_by_ocr.add(REVIEW_ALL)
            out.values.setdefault(REVIEW_ALL, values)
            continue
        if not words:
            continue
        key, group = _match(label, group, ordinals=not doc.by_order)
        if key is None or (not any(values) and not key.startswith(("apply.", "result.", "pro"))):
            continue
        ocr = i - 1 in doc.ocr_rows
        # A row broken across lines: its remaining numbers on the next, label-less row.
        while i < len(rows) and len(values) < 7 and key.startswith(("apply.", "result.")):
            next_label, next_values = _split_row(rows[i])
            if next_label or not any(next_values) or OFF_PAGE in values + next_values:
                break
            values = values + next_values
            ocr |= i in doc.ocr_rows
            i += 1
        if key in out.values:
            out.warnings.append(f"表格中“{label[-30:]}”一行出现了不止一次，取第一次")
            continue
        out.values[key] = values
        if ocr:
            out.read_by_ocr.add(key)
        out.other_subrows |= key.startswith("result.other.")
    return out


# A template section's rows by their keys' beginnings (REVIEW_ALL is 表四's too).
SECTION_ROWS = {"二": ("proactive.",), "三": ("apply.", "result."), "四": ("review", "litigation")}
LabelCells = Callable[[str], Mapping[str, Cell]]  # a section → the cells its labels place
# Places sections by another reading (`parsers.sequence`: second-hand text read by the order of
# its numbers) before the labels do: the sections it placed, the labels' cells on demand.
Order = Callable[["Layout", LabelCells], set[str]]


def map_document(
    doc: Document,
    *,
    year: int | None = None,
    prose: Mapping[str, Number] | None = None,
    order: Order | None = None,
) -> Layout:
    """Template version and every cell the document prints (plus derived sums). Sections the
    `order` places are not mapped by their labels again (their cells would be replaced)."""
    template, note = detect_template(doc, year)
    printed = _collect(doc)
    present = set(printed.values) | set(printed.runs)
    single_other = template == "2021" and "result.other" in present and not printed.other_subrows
    layout = Layout(template, single_other, warnings=list(printed.warnings))
    if note:
        layout.warnings.append(note)
    if template == "2021" and not single_other:
        printed.values.pop("result.other", None)
        printed.runs.pop("result.other", None)
    if REVIEW_ALL in printed.values or REVIEW_ALL in printed.runs:
        for group, _ in REVIEW_GROUPS:
            printed.values.pop(group, None)
            printed.runs.pop(group, None)
    prose = prose or {}

    def labelled(section: str) -> Mapping[str, Cell]:
        scratch = Layout(template, single_other)
        _fill(scratch, doc, _rows_of(printed, SECTION_ROWS[section], keep=True), prose)
        return scratch.cells

    before = len(layout.warnings)
    placed = order(layout, labelled) if order else set()
    ordered = layout.warnings[before:]  # told after the labels' own, as they are found
    del layout.warnings[before:]
    skip = tuple(p for name in placed for p in SECTION_ROWS[name])
    _fill(layout, doc, _rows_of(printed, skip, keep=False), prose)
    layout.warnings += ordered
    if layout.off_page or layout.derived_totals:
        layout.warnings.append(off_page_warning(len(layout.derived_totals), len(layout.off_page)))
    derive(layout)
    return layout


def _rows_of(printed: _Printed, prefixes: tuple[str, ...], *, keep: bool) -> _Printed:
    """The printed rows whose keys begin with `prefixes` (keep) or do not (not keep)."""
    if not prefixes and not keep:
        return printed

    def wanted(key: str) -> bool:
        return key.startswith(prefixes) == keep

    return replace(
        printed,
        values={k: v for k, v in printed.values.items() if wanted(k)},
        runs={k: v for k, v in printed.runs.items() if wanted(k)},
    )


def _fill(layout: Layout, doc: Document, printed: _Printed, prose: Mapping[str, Number]) -> None:
    """The cells of the printed rows, by their labels."""
    template, single_other = layout.template, layout.single_other
    specs = row_specs(template, single_other=single_other)
    if doc.runs_together:
        _cells_from_runs(layout, specs, printed.runs, prose)
        totals_vouched(layout.cells, printed.runs, template, single_other)
        return
    values = printed.values
    if doc.by_order:
        runs = rows_without_blanks(values, specs)
        if runs:
            _cells_from_runs(layout, specs, runs, prose)
            totals_vouched(layout.cells, runs, template, single_other)
            values = {k: v for k, v in values.items() if k not in runs}
    for key, row in values.items():
        if key in specs:
            _cells_from_values(layout, specs[key], row)
            if key in printed.read_by_ocr:
                _flag(layout.cells, specs[key].cells, OCR)


def _flag(cells: dict[str, Cell], keys: Sequence[str], flag: str) -> None:
    for key in keys:
        if key in cells:
            cell = cells[key]
            cells[key] = replace(cell, flags=cell.flags | {flag})


def _cells_from_values(layout: Layout, spec: RowSpec, values: list[str]) -> None:
    """Align a printed row's values with the row's cells."""
    if OFF_PAGE in values:
        printed = cut_row(spec, values)
        if printed is None:  # the cut spared the row
            values = [v for v in values if v != OFF_PAGE]
        else:
            layout.cells.update(printed.cells)
            layout.off_page += printed.off_page
            layout.derived_totals += printed.derived
            return
    n = len(spec.cells)
    while len(values) > n and not values[-1]:
        values = values[:-1]
    while len(values) > n and not values[0]:
        values = values[1:]
    if len(values) < n:
        layout.warnings.append(f"{spec.key} 一行只有 {len(values)} 个数，应有 {n} 个，未取值")
        return
    windows: list[list[Cell]] = []
    for start in range(len(values) - n + 1):
        cells = [
            make_cell(raw, amount=i in spec.amounts)
            for i, raw in enumerate(values[start : start + n])
        ]
        if any(c is None for c in cells):
            continue
        windows.append([c for c in cells if c is not None])
    if not windows:
        layout.warnings.append(f"{spec.key} 一行的数字无法读取")
        return
    if len(windows) > 1:
        consistent = [w for w in windows if _row_sums_hold(spec, w)] or windows
        distinct = {tuple(c.value or 0 for c in w) for w in consistent}
        if len(distinct) > 1:
            layout.warnings.append(f"{spec.key} 一行多出 {len(values) - n} 个数，无法确定对齐")
            for i, key in enumerate(spec.cells):
                options = sorted({v[i] for v in distinct})
                if len(options) == 1:
                    layout.cells[key] = consistent[0][i]
                else:
                    layout.cells[key] = Cell(
                        None, consistent[0][i].raw, frozenset({AMBIGUOUS}), None, tuple(options)
                    )
            return
        windows = consistent
    for key, cell in zip(spec.cells, windows[0], strict=True):
        layout.cells[key] = cell


def _row_sums_hold(spec: RowSpec, cells: Sequence[Cell]) -> bool:
    for total, parts in spec.sums:
        total_cell = cells[total]
        if BLANK in total_cell.flags and total_cell.raw == "":
            continue
        if total_cell.value != sum(cells[p].value or 0 for p in parts):
            return False
    return True


def _cells_from_runs(
    layout: Layout,
    specs: Mapping[str, RowSpec],
    runs: Mapping[str, str],
    prose: Mapping[str, Number],
) -> None:
    """Split every run at once under the template's arithmetic and the prose figures."""
    rows: list[digits.RunRow] = []
    units: dict[str, str] = {}
    for key, run in runs.items():
        spec = specs.get(key)
        if spec is None:
            continue
        for suffix in ("万元", "元"):
            if run.endswith(suffix):
                units[key] = suffix
                run = run[: -len(suffix)].rstrip()
                break
        rows.append(digits.RunRow(key, spec.cells, run, spec.sums, spec.signed, spec.amounts))
    structural = _structural_equations(layout.template, layout.single_other, runs)
    hints = [
        digits.Equation(tuple((k, 1) for k in _leaf_keys(key, layout)), value, key)
        for key, value in prose.items()
    ]
    solved = digits.solve(rows, structural, [h for h in hints if h.terms])
    layout.warnings += solved.warnings
    layout.dropped_prose += [eq.name for eq in solved.dropped if eq.name in prose]
    for row in rows:
        spec = specs[row.key]
        unit = units.get(row.key)
        for i, key in enumerate(row.cells):
            amount = i in spec.amounts
            if key in solved.values:
                value = solved.values[key]
                flags = {UNIT} if amount and unit else set()
                if solved.tokens[key] == "":  # a part placed blank (digits.place_whole)
                    flags.add(BLANK)
                if amount:
                    value = to_wan(value, unit)
                layout.cells[key] = Cell(
                    value, solved.tokens[key], frozenset(flags), unit if amount else None
                )
            elif key in solved.ambiguous:
                options = solved.ambiguous[key]
                if amount:
                    options = tuple(sorted({to_wan(v, unit) for v in options}))
                layout.cells[key] = Cell(None, row.run, frozenset({AMBIGUOUS}), None, options)


def _leaf_keys(key: str, layout: Layout) -> list[str]:
    """The printed cells whose sum is `key` (itself when printed)."""
    if key == "litigation.total":
        return ["litigation.direct.total", "litigation.after_review.total"]
    row, _, col = key.rpartition(".")
    subs = _group_subrows(layout.template, layout.single_other).get(row)
    return [f"{sub}.{col}" for sub in subs] if subs else [key]


@lru_cache(maxsize=8)
def _group_subrows(template: TemplateVersion, single_other: bool) -> dict[str, list[str]]:
    """Derived group row → its printed sub-rows."""
    rows = apply_rows(template, single_other=single_other)
    return {
        group.key: [r.key for r in rows if r.key.startswith(group.key + ".")]
        for group in rows
        if group.derived
    }


def _structural_equations(
    template: TemplateVersion, single_other: bool, runs: Mapping[str, str]
) -> list[digits.Equation]:
    """V1 and V2 (parsers.validate.table3_sums) for every applicant column, each only when all
    of its rows were printed."""
    sums = [(rule, terms) for rule, terms in table3_sums(template, single_other)
            if all(row in runs for row in terms)]  # fmt: skip
    return [
        digits.Equation(tuple((f"{row}.{col}", sign) for row, sign in terms.items()), 0, rule)
        for col, _ in APPLICANT_COLUMNS
        for rule, terms in sums
    ]
