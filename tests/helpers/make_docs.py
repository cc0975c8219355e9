"""Build real report documents (.docx, HTML, PDF) from figures, laid out like the national
template: the same merged cells (rowspan/colspan, vMerge/gridSpan, SPAN), header words broken
over two lines, and a ruled table in the PDF.

Tests feed these through the parsers and expect the figures they were built from.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import mplfonts
from docx.table import _Cell
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from parsers.fields import APPLICANT_COLUMNS, REVIEW_COLUMNS, TemplateVersion, apply_rows
from tests.helpers.documents import document


@dataclass(frozen=True)
class Cell:
    """A printed cell; covered grid positions of a merged cell are simply not listed."""

    text: str
    colspan: int = 1
    rowspan: int = 1


Row = list[Cell]


@dataclass
class ReportSpec:
    """What a generated report prints: title lines, prose before and after the tables, and
    the template's figures (missing keys print as empty cells)."""

    title: list[str]
    template: TemplateVersion
    figures: dict[str, int | float]
    intro: list[str] = field(default_factory=list)
    outro: list[str] = field(default_factory=list)
    single_other: bool = False
    omit: frozenset[str] = frozenset()  # tables left out: "二", "三" or "四"
    tables: list[tuple[str, list[Row]]] | None = None  # printed instead of the template's

    def value(self, key: str) -> str:
        if key not in self.figures:
            return ""
        v = self.figures[key]
        return format(Decimal(str(v)), "f") if isinstance(v, float) else str(v)

    def sections(self) -> list[tuple[str, list[Row]]]:
        """The three template tables under their headings, in printed order."""
        if self.tables is not None:
            return self.tables
        sections = [
            ("二、主动公开政府信息情况", proactive_table(self)),
            ("三、收到和处理政府信息公开申请情况", apply_table(self)),
            ("四、政府信息公开行政复议、行政诉讼情况", review_table(self)),
        ]
        return [(heading, rows) for heading, rows in sections if heading[0] not in self.omit]


# --- the template tables ---------------------------------------------------------------------
_ITEMS = ("prev_items", "delta", "decisions")
_ITEM_HEADER = ["上一年项目数量", "本年增/减", "处理决定数量"]
# (clause, column headers, [(row key, row label)], column keys) for each block of 表二.
_PROACTIVE: dict[str, list[tuple[str, list[str], list[tuple[str, str]], tuple[str, ...]]]] = {
    "2021": [
        ("一", ["本年制发件数", "本年废止件数", "现行有效件数"],
         [("rules", "规章"), ("normative", "行政规范性文件")], ("issued", "repealed", "valid")),
        ("五", ["本年处理决定数量"], [("permit", "行政许可")], ("decisions",)),
        ("六", ["本年处理决定数量"], [("penalty", "行政处罚"), ("enforcement", "行政强制")],
         ("decisions",)),
        ("八", ["本年收费金额（单位：万元）"], [("fees", "行政事业性收费")], ("amount",)),
    ],
    "2019": [
        ("一", ["本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"],
         [("rules", "规章"), ("normative", "规范性文件")], ("made", "published", "public_total")),
        ("五", _ITEM_HEADER, [("permit", "行政许可"), ("other_services", "其他对外管理服务事项")],
         _ITEMS),
        ("六", _ITEM_HEADER, [("penalty", "行政处罚"), ("enforcement", "行政强制")], _ITEMS),
        ("八", _ITEM_HEADER[:2], [("fees", "行政事业性收费")], _ITEMS[:2]),
        ("九", ["采购项目数量", "采购总金额"], [("procurement", "政府集中采购")],
         ("items", "amount")),
    ],
}  # fmt: skip


def proactive_table(spec: ReportSpec) -> list[Row]:
    """表二 on a 4-column grid; a row with fewer values gives the spare columns to its last."""
    rows: list[Row] = []
    for clause, header, body, cols in _PROACTIVE[spec.template]:
        rows.append([Cell(f"第二十条第（{clause}）项", colspan=4)])
        rows.append(_spread(["信息内容", *header]))
        for key, label in body:
            rows.append(_spread([label, *(spec.value(f"proactive.{key}.{c}") for c in cols)]))
    return rows


def _spread(texts: list[str]) -> Row:
    """A label and 1–3 values on the 4-column grid: the last value takes the spare columns."""
    cells = [Cell(t) for t in texts]
    spare = 4 - len(cells)
    if spare:
        cells[-1] = Cell(cells[-1].text, colspan=1 + spare)
    return cells


def apply_table(spec: ReportSpec) -> list[Row]:
    """表三 on a 10-column grid: three label columns and the seven applicant columns."""
    rows: list[Row] = [
        [Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
         Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        [Cell(label) for _, label in APPLICANT_COLUMNS[1:6]],
    ]  # fmt: skip
    layout = apply_rows(spec.template, single_other=spec.single_other)
    printed = [r for r in layout if not r.derived]
    results = [r for r in printed if r.key.startswith("result.")]
    groups: dict[str, int] = {}
    for r in results:
        if r.key.count(".") == 2:
            groups[r.label.split(" ")[0]] = groups.get(r.label.split(" ")[0], 0) + 1
    seen_groups: set[str] = set()
    for r in printed:
        values = [Cell(spec.value(f"{r.key}.{col}")) for col, _ in APPLICANT_COLUMNS]
        if not r.key.startswith("result."):
            rows.append([Cell(r.label, colspan=3), *values])
            continue
        lead = [Cell("三、本年度办理结果", rowspan=len(results))] if r is results[0] else []
        if r.key.count(".") == 2:  # a sub-row under a group label
            group, sub = r.label.split(" ", 1)
            if group not in seen_groups:
                seen_groups.add(group)
                lead.append(Cell(group, rowspan=groups[group]))
            rows.append([*lead, Cell(sub), *values])
        else:
            rows.append([*lead, Cell(_full_label(r.label), colspan=2), *values])
    return rows


def _full_label(label: str) -> str:
    return (
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
        if label == "（二）部分公开"
        else label
    )


def review_table(spec: ReportSpec) -> list[Row]:
    """表四: two header bands and one row of 15 numbers."""
    labels = [label for _, label in REVIEW_COLUMNS]
    return [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [*(Cell(label, rowspan=2) for label in labels),
         Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [Cell(label) for label in labels * 2],
        [Cell(spec.value(f"{group}.{col}"))
         for group in ("review", "litigation.direct", "litigation.after_review")
         for col, _ in REVIEW_COLUMNS],
    ]  # fmt: skip


def grid_width(rows: list[Row]) -> int:
    return sum(c.colspan for c in rows[0])


def placed(rows: list[Row]) -> list[tuple[int, int, Cell]]:
    """Each cell with its (row, column) on the grid, skipping positions covered by spans."""
    taken: set[tuple[int, int]] = set()
    out: list[tuple[int, int, Cell]] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            taken.update(
                (r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)
            )
            c += cell.colspan
    return out


def printed_rows(spec: ReportSpec) -> list[list[str]]:
    """The rows every extractor should give for `spec`: a cell merged down repeats in each row
    it covers, a cell merged across appears once, line breaks inside a cell vanish."""
    out: list[list[str]] = []
    for _, rows in spec.sections():
        cells = placed(rows)
        for r in range(len(rows)):
            covering = [(c, cell) for r0, c, cell in cells if r0 <= r < r0 + cell.rowspan]
            out.append(
                [cell.text.replace("\n", "") for _, cell in sorted(covering, key=lambda x: x[0])]
            )
    return out


# --- renderers -------------------------------------------------------------------------------
def to_html(spec: ReportSpec, *, chrome: bool = True, encoding: str = "utf-8") -> bytes:
    """A CMS-like page: navigation and footer around the article, as government sites do."""
    esc = html.escape
    body = [f"<p style='text-align:center'><b>{esc(t)}</b></p>" for t in spec.title]
    body += [f"<p>{esc(p)}</p>" for p in spec.intro]
    for heading, rows in spec.sections():
        body.append(f"<p><strong>{esc(heading)}</strong></p>")
        body.append("<table border='1' cellspacing='0'><tbody>")
        for row in rows:
            body.append("<tr>")
            for cell in row:
                span = (f" colspan='{cell.colspan}'" if cell.colspan > 1 else "") + (
                    f" rowspan='{cell.rowspan}'" if cell.rowspan > 1 else ""
                )
                text = "<br />".join(esc(part) for part in cell.text.split("\n")) or "&nbsp;"
                body.append(f"<td{span}><p class='MsoNormal'><span>{text}</span></p></td>")
            body.append("</tr>")
        body.append("</tbody></table>")
    body += [f"<p>{esc(p)}</p>" for p in spec.outro]
    nav = (
        "<div class='nav'><a href='/'>首页</a> | <a href='/zwgk'>政务公开</a></div>"
        if chrome
        else ""
    )
    foot = (
        "<div class='footer'>主办单位：某某人民政府办公室 网站标识码 0000000000</div>"
        if chrome
        else ""
    )
    page = (
        f"<!DOCTYPE html><html><head><meta charset='{encoding}'><title>{esc(spec.title[-1])}"
        f"_政府信息公开年报</title><script>var x = '<table>';</script></head><body>{nav}"
        f"<div class='article'><div class='TRS_Editor'>{''.join(body)}</div></div>{foot}"
        "</body></html>"
    )
    return page.encode(encoding)


def to_docx(spec: ReportSpec) -> bytes:
    """A Word file whose tables merge cells with gridSpan/vMerge like the template's."""
    word = docx.Document()
    for t in spec.title:
        word.add_paragraph(t)
    for p in spec.intro:
        word.add_paragraph(p)
    for heading, rows in spec.sections():
        word.add_paragraph(heading)
        table = word.add_table(rows=len(rows), cols=grid_width(rows))
        table.style = "Table Grid"
        _merge_like_word(table, rows)
    for p in spec.outro:
        word.add_paragraph(p)
    out = BytesIO()
    word.save(out)
    return out.getvalue()


def _merge_like_word(table: Any, rows: list[Row]) -> None:
    """Write the cells and their merges as Word does: gridSpan on the first cell of a horizontal
    merge (the covered cells removed), vMerge restart/continue down a vertical one. (python-docx's
    `cell.merge` gives the same XML but recomputes the whole grid per call: seconds per table.)"""
    tcs = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
    covered: list[Any] = []
    for r, c, cell in placed(rows):
        for dr in range(cell.rowspan):
            tc = tcs[r + dr][c]
            if cell.colspan > 1:
                tc.grid_span = cell.colspan
                covered += tcs[r + dr][c + 1 : c + cell.colspan]
            if cell.rowspan > 1:
                tc.vMerge = "restart" if dr == 0 else "continue"
        parts = cell.text.split("\n")
        paragraph = _Cell(tcs[r][c], table).paragraphs[0]
        for i, part in enumerate(parts):
            run = paragraph.add_run(part)
            if i < len(parts) - 1:
                run.add_break()
    for tc in covered:
        tc.getparent().remove(tc)


def cjk_font() -> str:
    """Register a CJK TrueType font with reportlab (SimHei from the installed mplfonts)."""
    if "SimHei" not in pdfmetrics.getRegisteredFontNames():
        path = Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf"
        pdfmetrics.registerFont(TTFont("SimHei", str(path)))
    return "SimHei"


def to_pdf(spec: ReportSpec, *, ruled: bool = True) -> bytes:
    """A PDF with ruled tables (reportlab GRID with SPANs), each table starting a page;
    `ruled=False` draws the tables without any lines."""
    font = cjk_font()
    prose = ParagraphStyle("prose", fontName=font, fontSize=11, leading=16, wordWrap="CJK")
    small = ParagraphStyle("cell", fontName=font, fontSize=7, leading=9, wordWrap="CJK")
    out = BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=36, rightMargin=36, topMargin=40, bottomMargin=40,
    )  # fmt: skip
    story: list[object] = [Paragraph(t, prose) for t in spec.title]
    story += [Paragraph(p, prose) for p in spec.intro]
    for heading, rows in spec.sections():
        story += [PageBreak(), Paragraph(heading, prose), Spacer(1, 6)]
        width = grid_width(rows)
        data: list[list[object]] = [["" for _ in range(width)] for _ in rows]
        style: list[tuple[object, ...]] = (
            [("GRID", (0, 0), (-1, -1), 0.5, colors.black)] if ruled else []
        )
        for r, c, cell in placed(rows):
            data[r][c] = Paragraph(cell.text.replace("\n", "<br/>"), small) if cell.text else ""
            if cell.rowspan > 1 or cell.colspan > 1:
                style.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
        story.append(Table(data, colWidths=_col_widths(width), style=style))
    story += [Paragraph(p, prose) for p in spec.outro]
    doc.build(story)
    return out.getvalue()


def _col_widths(width: int) -> list[float]:
    usable = 523.0
    if width == 10:  # 表三: three label columns, seven numbers
        return [40.0, 60.0, 160.0] + [(usable - 260.0) / 7] * 7
    if width == 4:
        return [160.0] + [(usable - 160.0) / 3] * 3
    return [usable / width] * width


# --- the reports -----------------------------------------------------------------------------
def jinan_spec(gold: dict[str, dict[str, object]]) -> ReportSpec:
    """金安区 2020 (template 2019): prose from the text fixture, figures from its gold."""
    entry = gold["luan_jinan_data_bureau_2020.txt"]
    lines = [
        line.strip()
        for line in document("luan_jinan_data_bureau_2020.txt").read_text("utf-8").splitlines()
        if line.strip()
    ]
    start = next(i for i, line in enumerate(lines) if line.startswith("二、主动公开"))
    end = next(i for i, line in enumerate(lines) if line.startswith("五、存在"))
    figures = entry["figures"]
    assert isinstance(figures, dict)
    return ReportSpec(
        title=lines[:2], template="2019", figures=dict(figures), intro=lines[2:start],
        outro=lines[end:],
    )  # fmt: skip


def pingtan_2023_spec(gold: dict[str, dict[str, object]]) -> ReportSpec:
    """平潭 2023 (template 2021) rebuilt from the gold of its web page (every cell)."""
    figures = gold["pingtan_2023.html"]["figures"]
    assert isinstance(figures, dict)
    return ReportSpec(
        title=["平潭综合实验区2023年度政府信息公开工作年度报告"],
        template="2021",
        figures=dict(figures),
        intro=[
            "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
            "一、总体情况",
            "2023年全区接收各类政府信息公开申请共计81件，涉及自然人80件、商业企业1件。",
        ],
        outro=["五、存在的主要问题及改进情况", "六、其他需要报告的事项", "无。"],
    )
