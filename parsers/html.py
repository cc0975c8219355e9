"""HTML → Document: the report body found amid site chrome, tables expanded into their grid.

Government sites wrap the report in navigation, footers and sometimes layout tables; tables are
often Word exports (MsoNormal markup, `<br>` inside header words, `&nbsp;` for empty cells).
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from parsers.detect import join_lines
from parsers.document import Document
from parsers.model import ParseError

MAX_SPAN = 64  # a colspan/rowspan beyond any real template (guards against colspan=99999999)
_CHROME = ("script", "style", "noscript", "iframe", "object", "svg", "select", "button", "head")
# fmt: off
_BLOCK = frozenset((
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
    "article", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "center", "form", "header",
    "footer", "nav", "aside", "caption",
))
# fmt: on
# Words that mark a table of the national template (a layout table has none of them).
_TEMPLATE_WORDS = ("信息内容", "申请人情况", "行政复议", "第二十条", "予以公开", "本年新收")
_SPACE = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")
_TITLE_SUFFIX = re.compile(r"[_|｜]|\s[-—–]\s")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def html_document(markup: str) -> Document:
    """Parse decoded HTML. Raises ParseError when the markup has no readable content."""
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", markup, count=1) or " ")
    except (lxml.etree.ParserError, ValueError) as err:
        raise ParseError("网页内容为空或无法解析") from err
    title_lines = _page_title(root)
    for bad in root.xpath("|".join(f"//{tag}" for tag in _CHROME)):
        bad.drop_tree()
    body = _report_body(root)
    rows: list[list[str]] = []
    lines: list[str] = []
    _walk(body, lines, rows)
    text_lines = [line for line in (_clean(x) for x in "".join(lines).split("\n")) if line]
    head = [t for t in title_lines if t not in text_lines[:5]]
    return Document(format="html", text="\n".join(head + text_lines), rows=rows)


def _page_title(root: HtmlElement) -> list[str]:
    """Title and date from the page head, which the body of a CMS page often lacks."""
    out: list[str] = []
    meta = {
        str(m.get("name", "")).lower(): str(m.get("content", ""))
        for m in root.iter("meta")
        if m.get("name")
    }
    title = meta.get("articletitle") or ""
    if not title:
        node = root.find(".//title")
        raw = node.text_content() if node is not None else ""
        title = _TITLE_SUFFIX.split(raw)[0]  # "报告_栏目_网站" or "报告 - 网站"
    if title.strip():
        out.append(_clean(title))
    if meta.get("pubdate", "").strip():
        out.append("发布日期：" + _clean(meta["pubdate"]))
    return out


def _report_body(root: HtmlElement) -> HtmlElement:
    """The smallest element holding every template table: the article, not the page."""
    tables = [t for t in root.iter("table") if _is_data_table(t)]
    if not tables:
        body = root.find("body")
        return body if body is not None else root
    ancestors = [set(t.iterancestors()) | {t} for t in tables]
    common = set.intersection(*ancestors)
    node: HtmlElement = tables[0]
    while node not in common:
        node = node.getparent()
    # A lone template table: step up to the block that also holds the prose around it.
    while node.tag in ("table", "tbody", "tr", "td", "th") and node.getparent() is not None:
        node = node.getparent()
    return node


def _is_data_table(table: HtmlElement) -> bool:
    if table.find(".//table") is not None:
        return False
    text = table.text_content()
    return any(word in text for word in _TEMPLATE_WORDS)


def _walk(node: HtmlElement, out: list[str], rows: list[list[str]]) -> None:
    """Text in reading order; leaf tables become rows (and tab-separated lines in the text)."""
    if not isinstance(node.tag, str):  # comments, processing instructions
        if node.tail:
            out.append(node.tail)
        return
    tag = node.tag.lower()
    if tag == "table" and node.find(".//table") is None:
        grid = table_grid(node)
        rows.extend(grid)
        out.append("\n" + "\n".join("\t".join(row) for row in grid) + "\n")
    else:
        if tag in _BLOCK:
            out.append("\n")
        if node.text:
            out.append(node.text)
        for child in node:
            _walk(child, out, rows)
        if tag in _BLOCK:
            out.append("\n")
    if node.tail:
        out.append(node.tail)


def table_grid(table: HtmlElement) -> list[list[str]]:
    """Rows of one table as printed: a cell merged across rows (rowspan) is repeated in every
    row it covers, so each row carries its group labels; a cell merged across columns (colspan)
    appears once in its row, so the numbers of a row line up with the template's columns."""
    pending: dict[int, tuple[int, str, int]] = {}  # column → (cell id, text, rows still covered)
    grid: list[list[str]] = []
    serial = 0  # cell identity (lxml proxies are recreated, so id() is not stable)
    for tr in _rows(table):
        row: list[tuple[int, str]] = []
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            _fill_covered(pending, row)
            serial += 1
            text = cell_text(cell)
            rowspan = _span(cell.get("rowspan"))
            for _ in range(_span(cell.get("colspan"))):
                if rowspan > 1:
                    pending[len(row)] = (serial, text, rowspan - 1)
                row.append((serial, text))
        _fill_covered(pending, row)
        if row:
            grid.append(
                [t for i, (ident, t) in enumerate(row) if i == 0 or row[i - 1][0] != ident]
            )
    return grid


def _fill_covered(pending: dict[int, tuple[int, str, int]], row: list[tuple[int, str]]) -> None:
    """Append the cells that rowspans from earlier rows carry into the next grid columns."""
    while len(row) in pending:
        col = len(row)
        ident, text, left = pending[col]
        row.append((ident, text))
        if left <= 1:
            del pending[col]
        else:
            pending[col] = (ident, text, left - 1)


def _rows(table: HtmlElement) -> list[HtmlElement]:
    """The table's own rows (thead/tbody/tfoot included, nested tables excluded)."""
    out: list[HtmlElement] = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out += [tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr"]
    return out


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return min(max(int(str(value).strip() or 1), 1), MAX_SPAN)
    except ValueError:
        return 1


def cell_text(cell: HtmlElement) -> str:
    """A cell's text on one line: wrapped label text (`<br>`, paragraphs, source line breaks)
    joins up, numbers on separate lines stay apart, `&nbsp;` counts as empty."""
    out: list[str] = [cell.text or ""]
    for child in cell:
        _walk(child, out, [])
    text = "".join(out).strip()
    if "\n" not in text:  # the common case: one line
        return _clean(text)
    return join_lines(_clean(line) for line in text.split("\n"))


def _clean(text: str) -> str:
    text = _SPACE.sub(" ", text.replace("\u00a0", " ").replace("\u3000", " ")).strip()
    return _CJK_GAP.sub("", text)
