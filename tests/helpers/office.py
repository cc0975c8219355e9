"""Office files made from the real reports the way agencies and their readers make them.

A report page opened in an office suite and saved as Word (`saved_as_word`): LibreOffice imports
the page and exports .docx, .doc (Word 97), .odt or .rtf; the site chrome comes along (navigation
paragraphs first, the footer last), the page's <title> does not, and the body heading may name
the year but not the agency (`heading="bare"`), leaving the agency to the first paragraphs or the
联系 line. A crawled text pasted into Word (`pasted_into_word`) gives paragraphs and no tables.
`printed_pdf` prints a .docx to PDF as Word's "save as PDF" does; `word_layout` first narrows
columns, widens a table past the margin or pushes a table down so its rows break across pages.

Sources are the reports in tests/data: the two HTML pages as published (the 上海 fragment wrapped
in a site page), and for the text and PDF reports a page rebuilt from their gold
(`tests.helpers.make_docs` lays the template tables out with their merged cells) around the
report's own prose.

LibreOffice runs headless with its own temporary profile and without network (`unshare -n` where
the kernel allows). Every result is kept in the disk cache (tests.helpers.disk_cache, under
`~/.cache/nianbao-tests/office/`), named by a hash of the source, the target, this module's
REVISION and LibreOffice's version, so a machine converts each document once; `convert_many`
converts all misses of one target format in a single LibreOffice run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

import docx
import lxml.html
import pypdfium2
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt

from tests.helpers import disk_cache
from tests.helpers.documents import document
from tests.helpers.make_docs import ReportSpec, jinan_spec, to_html
from tests.helpers.patience import PATIENCE

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
REVISION = "5"  # bump when a recipe below changes what it makes
TIMEOUT_SECONDS = 2 * PATIENCE  # a batch of conversions in one run

Target = Literal["docx", "doc", "odt", "rtf", "pdf"]
# How the page shows the report: its heading as published, the heading without the agency, no
# heading at all, or the heading as published in a page laid out with tables (older CMS sites).
Heading = Literal["full", "bare", "none", "framed"]
FILTERS: dict[str, str] = {
    "docx": "docx:MS Word 2007 XML",
    "doc": "doc:MS Word 97",
    "odt": "odt:writer8",
    "rtf": "rtf:Rich Text Format",
    "pdf": "pdf:writer_pdf_Export",
}
IMPORT_FILTERS = {".html": "HTML (StarWriter)", ".txt": "Text (encoded):UTF8,LF,,,"}

# Reports that have an office form: source file in tests/data → how its page is made.
PAGES = (
    "pingtan_2023.html",
    "shanghai_gov_office_2019.html",
    "luan_jinan_data_bureau_2020.txt",
    "huaian_city_2024.pdf",
    "hongze_district_2023.pdf",
    "hongze_district_2024.pdf",
)
PASTED = (
    "luan_jinan_data_bureau_2020.txt",
    "pingtan_2019.txt",
    "pingtan_2021.txt",
    "pingtan_2023.txt",
    "pingtan_2025.txt",
)


# --- LibreOffice -----------------------------------------------------------------------------
def soffice() -> str:
    """The LibreOffice executable; tests skip without it, unless CI requires it."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI") or os.environ.get("NIANBAO_REQUIRE_OFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required but not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    return exe


@cache
def office_version() -> str:
    """What identifies the converter in cache keys: LibreOffice's build description."""
    exe = Path(os.path.realpath(soffice()))
    versionrc = exe.parent / "versionrc"
    if versionrc.is_file():
        return versionrc.read_text("utf-8", errors="replace")
    return subprocess.run(
        [str(exe), "--version"], capture_output=True, text=True, timeout=60, check=False
    ).stdout


@cache
def _no_network_prefix() -> tuple[str, ...]:
    """`unshare -n` (or `-rn` without root) when it works here: LibreOffice then cannot reach
    any network, whatever a document links to."""
    exe = shutil.which("unshare")
    if exe is None:
        return ()
    for flags in ("-n", "-rn"):
        done = subprocess.run([exe, flags, "true"], capture_output=True, check=False)
        if done.returncode == 0:
            return (exe, flags)
    return ()


KIND = "office"


def _key(data: bytes, suffix: str, target: str) -> str:
    digest = hashlib.sha256()
    for part in (REVISION, office_version(), suffix, target):
        digest.update(part.encode() + b"\0")
    digest.update(data)
    return f"{digest.hexdigest()[:32]}.{target}"


def convert(data: bytes, suffix: str, target: Target) -> bytes:
    """One document (`suffix` names its format: ".html", ".docx"…) converted to `target`."""
    return convert_many([(data, suffix)], target)[0]


def convert_many(jobs: Sequence[tuple[bytes, str]], target: Target) -> list[bytes]:
    """Documents converted to `target`: cached ones read back, the rest converted together in one
    LibreOffice run per source format (starting LibreOffice is most of the cost)."""
    names = [_key(data, suffix, target) for data, suffix in jobs]
    found = [disk_cache.read(KIND, name) for name in names]
    missing: dict[str, list[int]] = {}
    for i, data in enumerate(found):
        if data is None:
            missing.setdefault(jobs[i][1], []).append(i)
    for suffix, indexes in missing.items():
        made = _run_office([jobs[i][0] for i in indexes], suffix, target)
        for i, data in zip(indexes, made, strict=True):
            disk_cache.write(KIND, names[i], data)
            found[i] = data
    return [data for data in found if data is not None]  # every one found or made


def _run_office(items: list[bytes], suffix: str, target: Target) -> list[bytes]:
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        work = Path(tmp)
        (work / "in").mkdir()
        inputs = []
        for n, data in enumerate(items):
            source = work / "in" / f"d{n}{suffix}"
            source.write_bytes(data)
            inputs.append(str(source))
        command = [
            *_no_network_prefix(),
            soffice(),
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
        ]
        if suffix in IMPORT_FILTERS:
            command.append(f"--infilter={IMPORT_FILTERS[suffix]}")
        command += ["--convert-to", FILTERS[target], "--outdir", str(work / "out"), *inputs]
        done = subprocess.run(
            command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False, cwd=work
        )
        made = [work / "out" / f"d{n}.{target}" for n in range(len(items))]
        if not all(path.is_file() for path in made):
            raise RuntimeError(
                f"LibreOffice made no {target} from {suffix} (exit {done.returncode}): "
                f"{done.stderr.decode(errors='replace')[-500:]}"
            )
        return [path.read_bytes() for path in made]


# --- report pages ----------------------------------------------------------------------------
@cache
def gold() -> dict[str, dict[str, Any]]:
    """gold.json with gold_extra.json's hand-read cells merged into each entry's figures."""
    entries = {e["file"]: e for e in json.loads((DATA / "gold.json").read_text("utf-8"))}
    for extra in json.loads((DATA / "gold_extra.json").read_text("utf-8")):
        entries[extra["file"]]["figures"] = {
            **entries[extra["file"]]["figures"],
            **extra["figures"],
        }
    return entries


# Site chrome, [[link]] marking what the page links (LibreOffice keeps links as Word hyperlinks).
_NAV = [
    "[[首页]] | [[政务公开]] | [[政务服务]] | [[互动交流]] | [[走进{place}]]",
    "[[无障碍浏览]] [[长者模式]] [[登录]] [[注册]]",
    "[[政府信息公开]] [[政策文件]] [[政策解读]] [[政府信息公开年报]]",
    "相关文章",
    "[[{previous}]]",
    "[[{sibling}]]",
    "当前位置：[[首页]] > [[政务公开]] > [[政府信息公开]] > [[政府信息公开年报]]",
    "发布时间：{published} 【字体：大 中 小】 [[打印]]",
]
_FOOT = [
    "分享到： [[微信]] [[微博]] [[QQ空间]]",
    "上一篇：[[{previous}]]",
    "【[[打印本页]]】 【[[关闭窗口]]】",
    "主办单位：{host} 网站标识码：{code}",
    "地址：{place} 电话：0000-0000000 ICP备案号：00000000号",
]
_LINK = re.compile(r"\[\[(.+?)\]\]")
_OFFLINE = ("script", "style", "link", "img", "iframe", "object", "embed", "input", "select")


def site_page(
    body_html: str,
    *,
    place: str,
    host: str,
    published: str,
    title: str,
    previous: str,
    sibling: str,
) -> str:
    """A report body inside a government CMS page: navigation, links to last year's report
    (`previous`) and to another agency's of the same year (`sibling`), breadcrumbs before it;
    share buttons and the footer of the site's host (the local government, which for a
    department's report is another agency) after it; the report's name only in the <title>."""
    values = {
        "place": place,
        "host": host,
        "published": published,
        "code": "0000000000",
        "previous": previous,
        "sibling": sibling,
    }

    def chrome(lines: list[str], kind: str) -> str:
        html = (_LINK.sub(r"<a href='/list.html'>\1</a>", line.format(**values)) for line in lines)
        return "".join(f"<div class='{kind}'><p>{line}</p></div>" for line in html)

    nav, foot = chrome(_NAV, "nav"), chrome(_FOOT, "foot")
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}_政府信息公开年报"
        f"</title></head><body>{nav}<div class='article'>{body_html}</div>{foot}</body></html>"
    )


def report_page(name: str, *, heading: Heading = "full") -> bytes:
    """The report as a web page (UTF-8 HTML) with site chrome, ready for an office suite.

    `heading="bare"` drops the agency from the body heading ("2023年度政府信息公开工作年度报告"):
    the agency is then named only in the prose; `heading="none"` drops the heading, leaving the
    year to the statistics period and the agency to the prose; `heading="framed"` lays the page
    out with a table (navigation row, a sidebar cell beside the article's cell, footer row), so
    in Word the report's tables sit inside a layout table. Pages are made offline: scripts,
    styles and images (which LibreOffice would try to load) are removed.
    """
    entry = gold()[name]
    if name == "pingtan_2023.html":
        markup = document(name).read_text("utf-8")
    elif name.endswith(".html"):
        markup = site_page(
            document(name).read_text("utf-8"),
            place="上海",
            host="上海市人民政府",
            published="2020-01-31",
            title=f"{entry['year']}年{entry['agency']}政府信息公开工作年度报告",
            previous=f"{entry['year'] - 1}年{entry['agency']}政府信息公开工作年度报告",
            sibling=f"{entry['year']}年上海市财政局政府信息公开工作年度报告",
        )
    else:
        spec = _rebuilt_spec(name)
        if heading in ("bare", "none"):
            spec.title = [_unnamed(line, entry["agency"]) for line in spec.title]
            spec.title = [line for line in spec.title if line]
        article = lxml.html.document_fromstring(to_html(spec, chrome=False).decode("utf-8"))
        markup = site_page(
            "".join(lxml.html.tostring(n, encoding="unicode") for n in article.find("body")),
            place=entry["region"],
            host=f"{entry['region']}人民政府",
            published=f"{entry['year'] + 1}-01-20",
            title=f"{entry['agency']}{entry['year']}年政府信息公开工作年度报告",
            previous=f"{entry['agency']}{entry['year'] - 1}年政府信息公开工作年度报告",
            sibling=f"{_sibling(entry['region'], entry['agency'])}{entry['year']}年"
            "政府信息公开工作年度报告",
        )
    root = lxml.html.document_fromstring(markup)
    for node in root.xpath("|".join(f"//{tag}" for tag in _OFFLINE)):
        node.drop_tree()
    if heading in ("bare", "none") and name.endswith(".html"):
        _unname_heading(root, entry["agency"], drop=heading == "none")
    elif heading == "none":  # a rebuilt page: its bare heading line goes
        for node in root.find("body").iter("p"):
            if node.text_content().strip() in spec.title:
                node.drop_tree()
    if heading == "framed":
        _frame(root)
    return lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")


def _frame(root: Any) -> None:
    """The page's body moved into a layout table: a navigation row, a sidebar cell of links
    beside the cell holding the page, and a copyright row."""
    body = root.find("body")
    layout = lxml.html.fragment_fromstring(
        "<table width='100%' border='0'><tr><td colspan='2'><p>网站首页 | 信息公开</p></td></tr>"
        "<tr><td width='20%'><p>栏目导航</p><p>政府信息公开指南</p><p>政府信息公开年报</p></td>"
        "<td width='80%'></td></tr><tr><td colspan='2'><p>版权所有</p></td></tr></table>"
    )
    cell = layout.findall(".//td")[2]
    cell.text, body.text = body.text, None
    for child in list(body):
        cell.append(child)
    body.append(layout)


def _sibling(region: str, agency: str) -> str:
    """Another agency of the same place: the government for a department, else its 财政局."""
    government = f"{region}人民政府"
    return government if agency != government and "人民政府" not in agency else f"{region}财政局"


def _unnamed(line: str, agency: str) -> str:
    """A heading line without the agency (and a bracketed alias after it)."""
    return re.sub(rf"{re.escape(agency)}(?:[（(][^）)]*[)）])?", "", line, count=1).strip()


def _unname_heading(root: Any, agency: str, *, drop: bool = False) -> None:
    """Remove the agency from the body's heading ("…2023年度政府信息公开工作年度报告"), or the
    heading itself (`drop`)."""
    for node in root.find("body").iter():
        text = node.text_content().strip() if isinstance(node.tag, str) else ""
        if len(text) < 60 and agency in text and "年度报告" in text:
            for child in node.iter():
                if child.text and agency in child.text:
                    if drop:
                        child.drop_tree()
                    else:
                        child.text = _unnamed(child.text, agency)
                    return
    raise ValueError(f"no heading naming {agency} found")


def _rebuilt_spec(name: str) -> ReportSpec:
    """The template tables of a text or PDF report from its gold, around its own prose."""
    entry = gold()[name]
    if name == "luan_jinan_data_bureau_2020.txt":
        return jinan_spec({name: entry})
    lines = list(_pdf_paragraphs(document(name)))
    start = next(i for i, line in enumerate(lines) if line.startswith("二、主动公开"))
    end = next(i for i, line in enumerate(lines) if line.startswith("五、存在"))
    return ReportSpec(
        title=lines[:2],
        template=entry["template"],
        figures=dict(entry["figures"]),
        intro=lines[2:start],
        outro=lines[end:],
        single_other="hongze" in name,  # the 2021 variant with one （六）其他处理 row
    )


_PARAGRAPH_START = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_PAGE_FOOTER = re.compile(r"^[-—－]\s*\d+\s*[-—－]$")


@cache
def _pdf_paragraphs(path: Path) -> list[str]:
    """A published PDF's prose as paragraphs: wrapped lines joined, page footers dropped; the
    two title lines stay apart. Table lines come along and are cut away by the caller."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        raw = [line for page in pdf for line in page.get_textpage().get_text_range().splitlines()]
    finally:
        pdf.close()
    lines = [line.strip() for line in raw if line.strip() and not _PAGE_FOOTER.match(line)]
    paragraphs = [*lines[:2], lines[2]]
    for line in lines[3:]:
        previous = paragraphs[-1]
        heading = _PARAGRAPH_START.match(previous) and len(previous) < 20
        if heading or previous.endswith(("。", "：")) or _PARAGRAPH_START.match(line):
            paragraphs.append(line)
        else:
            paragraphs[-1] = previous + line
    return paragraphs


# --- office files ----------------------------------------------------------------------------
def saved_as_word(name: str, target: Target = "docx", *, heading: Heading = "full") -> bytes:
    """The report page opened in an office suite and saved as `target` (docx/doc/odt/rtf)."""
    return saved_as_word_many([(name, heading)], target)[0]


def saved_as_word_many(items: Sequence[tuple[str, Heading]], target: Target) -> list[bytes]:
    """`saved_as_word` for several reports at once (one LibreOffice run per step)."""
    pages = [(report_page(name, heading=heading), ".html") for name, heading in items]
    word = convert_many(pages, "docx")
    if target == "docx":
        return word
    return convert_many([(data, ".docx") for data in word], target)


def pasted_into_word(names: Sequence[str], target: Target = "docx") -> list[bytes]:
    """Crawled or copied text reports pasted into Word and saved: paragraphs, no tables."""
    return convert_many([(document(name).read_bytes(), ".txt") for name in names], target)


# Paper sizes offices print on (width, height in cm, portrait).
PAPERS = {
    "A3": (29.7, 42.0),
    "A4": (21.0, 29.7),
    "A5": (14.8, 21.0),
    "B5": (17.6, 25.0),
    "Letter": (21.59, 27.94),
    "Legal": (21.59, 35.56),
}


@dataclass(frozen=True)
class Layout:
    """How a .docx is reshaped before printing, to make the PDFs Word prints of real reports.

    value_width_cm: width of every numeric column of 表三 (narrow → headers and numbers wrap);
    table_width_cm: width of the widest table (wider than the page → its right edge is clipped);
    past_edge_columns: 表三 widened until its last N columns begin at the paper's right edge
    (0.3 cm of them still on the paper); fit_width: every table wider than the text made as
    wide as the text (Word's "AutoFit to window");
    paper: the paper (a name in PAPERS); landscape: turned sideways; margin_cm: every margin;
    font_pt: the tables' font size; push_lines: empty paragraphs before 表三, moving its rows
    down so that one breaks across the page; lead_pt: 表三 starts a new page below an empty
    paragraph so many points tall; widow_control off: a line of a cell may stand alone at a
    page's foot or head (Word's 孤行控制 unticked); rows may always break across pages, as in
    Word.
    """

    value_width_cm: float | None = None
    paper: str | None = None
    landscape: bool = False
    margin_cm: float | None = None
    table_width_cm: float | None = None
    past_edge_columns: int = 0
    fit_width: bool = False
    font_pt: float | None = None
    push_lines: int = 0
    lead_pt: float = 0.0
    widow_control: bool = True


def word_layout(data: bytes, layout: Layout) -> bytes:
    """The .docx with its tables reshaped as `layout` says (see Layout)."""
    word = docx.Document(BytesIO(data))
    for section in word.sections:
        _set_page(section, layout)
    tables = word.tables
    for table in tables:
        for tr in table._tbl.tr_lst:
            props = tr.get_or_add_trPr()
            for cant in props.findall(qn("w:cantSplit")):
                props.remove(cant)
        if layout.font_pt:
            for paragraph in (p for row in table.rows for c in row.cells for p in c.paragraphs):
                for run in paragraph.runs:
                    run.font.size = Pt(layout.font_pt)
    apply = next((t for t in tables if "本年新收" in "".join(c.text for c in t._cells)), None)
    if layout.fit_width:
        text_width = _page_cm(word)[2]
        for table in tables:
            if sum(_widths(table)) / 567 > text_width + 0.05:
                _scale_table(table, text_width)
    if apply is not None and layout.value_width_cm:
        _set_value_widths(apply, layout.value_width_cm)
    if layout.table_width_cm:
        widest = apply or tables[-1]
        _scale_table(widest, layout.table_width_cm)
    paper, left, _ = _page_cm(word)
    if apply is not None and layout.past_edge_columns:
        widths = _widths(apply)
        inside = sum(widths[: -layout.past_edge_columns]) / 567
        _scale_table(apply, sum(widths) / 567 * (paper - left - 0.3) / inside)
    if apply is not None and not layout.widow_control:
        for paragraph in apply._tbl.iter(qn("w:p")):
            props = paragraph.get_or_add_pPr()
            control = OxmlElement("w:widowControl")
            control.set(qn("w:val"), "0")
            props.insert(0, control)
    if apply is not None and layout.lead_pt:
        apply._tbl.addprevious(_page_break())
        apply._tbl.addprevious(_empty_paragraph(layout.lead_pt))
    if apply is not None and layout.push_lines:
        for _ in range(layout.push_lines):
            apply._tbl.addprevious(OxmlElement("w:p"))
    out = BytesIO()
    word.save(out)
    return _stable_zip(out.getvalue())


def _set_page(section: Any, layout: Layout) -> None:
    """The section's paper, orientation and margins as `layout` says."""
    if layout.paper or layout.landscape:
        width, height = (
            PAPERS[layout.paper]
            if layout.paper
            else (
                Length(section.page_width).cm,
                Length(section.page_height).cm,
            )
        )
        short, long = sorted((width, height))
        width, height = (long, short) if layout.landscape else (short, long)
        section.page_width, section.page_height = Cm(width), Cm(height)
        section.orientation = WD_ORIENT.LANDSCAPE if layout.landscape else WD_ORIENT.PORTRAIT
    if layout.margin_cm is not None:
        margin = Cm(layout.margin_cm)
        section.left_margin = section.right_margin = margin
        section.top_margin = section.bottom_margin = margin


def _stable_zip(data: bytes) -> bytes:
    """The archive re-packed with fixed timestamps, so equal content gives equal bytes (and the
    conversion cache hits)."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info))
    return out.getvalue()


def _page_break() -> Any:
    paragraph, run, brk = OxmlElement("w:p"), OxmlElement("w:r"), OxmlElement("w:br")
    brk.set(qn("w:type"), "page")
    run.append(brk)
    paragraph.append(run)
    return paragraph


def _empty_paragraph(points: float) -> Any:
    """An empty paragraph exactly `points` tall."""
    paragraph, props, spacing = OxmlElement("w:p"), OxmlElement("w:pPr"), OxmlElement("w:spacing")
    for name, value in (("before", "0"), ("after", "0"), ("line", str(round(points * 20)))):
        spacing.set(qn(f"w:{name}"), value)
    spacing.set(qn("w:lineRule"), "exact")
    props.append(spacing)
    paragraph.append(props)
    return paragraph


def _page_cm(word: Any) -> tuple[float, float, float]:
    """The paper's width, its left margin and the text's width, in cm."""
    section = word.sections[-1]
    paper, left, right = section.page_width, section.left_margin, section.right_margin
    return Length(paper).cm, Length(left).cm, Length(paper - left - right).cm


def _widths(table: Any) -> list[int]:
    return [int(c.get(qn("w:w"), "0")) for c in _grid_widths(table)]


def _grid_widths(table: Any) -> list[Any]:
    return list(table._tbl.tblGrid.iterchildren(qn("w:gridCol")))


def _set_value_widths(table: Any, width_cm: float) -> None:
    """The last seven grid columns of 表三 (the applicant columns) set to `width_cm`."""
    twips = int(width_cm * 567)
    cols = _grid_widths(table)
    for col in cols[-7:]:
        col.set(qn("w:w"), str(twips))
    _cells_follow_grid(table)


def _scale_table(table: Any, width_cm: float) -> None:
    cols = _grid_widths(table)
    total = sum(int(c.get(qn("w:w"), "0")) for c in cols) or 1
    factor = width_cm * 567 / total
    for col in cols:
        col.set(qn("w:w"), str(int(int(col.get(qn("w:w"), "0")) * factor)))
    props = table._tbl.tblPr
    for width in props.findall(qn("w:tblW")):
        props.remove(width)
    _cells_follow_grid(table)


def _cells_follow_grid(table: Any) -> None:
    """Each cell's own width (w:tcW) made the sum of the grid columns it spans."""
    grid = [int(c.get(qn("w:w"), "0")) for c in _grid_widths(table)]
    for tr in table._tbl.tr_lst:
        col = 0
        before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
        if before is not None:
            col = int(before.get(qn("w:val"), "0"))
        for tc in tr.tc_lst:
            span = tc.grid_span
            width = sum(grid[col : col + span])
            tc.get_or_add_tcPr().get_or_add_tcW().set(qn("w:w"), str(width))
            tc.get_or_add_tcPr().get_or_add_tcW().set(qn("w:type"), "dxa")
            col += span


def printed_pdf(data: bytes, layout: Layout | None = None) -> bytes:
    """A .docx printed to PDF by the office suite, after `word_layout` when given."""
    return convert(word_layout(data, layout) if layout else data, ".docx", "pdf")
