"""Word files as agencies and their readers make them, made by LibreOffice from the real reports
(tests/helpers/office.py): every gold cell parses exactly, and the agency and year are right,
whatever the office format — .docx saved from the report page (site chrome first, no page title,
the heading without the agency), .doc/.odt/.rtf converted back by LibreOffice inside the parser,
a text pasted into Word."""

from __future__ import annotations

import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import pypdfium2
import pytest

import parsers.doc
import parsers.extract
import parsers.office
from parsers import parse_bytes
from parsers.detect import sniff
from parsers.docx import TOO_LARGE
from parsers.model import ParsedReport, ParseError
from tests.helpers import office
from tests.helpers.documents import document

HEADINGS = ("full", "bare", "none", "framed")
SAVED = [(name, heading) for name in office.PAGES for heading in HEADINGS]
CONVERTED = [(name, fmt) for fmt in ("doc", "odt", "rtf") for name in office.PAGES]
# Cells the text reader leaves ambiguous in the crawled text (digit runs with several splits):
# a text pasted into Word reads exactly as the text itself does.
PASTED_MISSES = {
    "pingtan_2019.txt": {
        "proactive.normative.made",
        "proactive.normative.public_total",
        "proactive.permit.decisions",
        "proactive.penalty.decisions",
    },
}


@pytest.fixture(scope="module")
def saved_docx() -> dict[tuple[str, str], bytes]:
    """Every report page saved as Word, with and without the agency in its heading."""
    return dict(zip(SAVED, office.saved_as_word_many(SAVED, "docx"), strict=True))


@pytest.fixture(scope="module")
def converted() -> dict[tuple[str, str], ParsedReport | ParseError]:
    """Every report page saved as .doc, .odt and .rtf, then parsed — two conversions at a time,
    as two bot workers would (each LibreOffice run has its own profile)."""
    files = {
        (name, fmt): data
        for fmt in ("doc", "odt", "rtf")
        for name, data in zip(
            office.PAGES,
            office.saved_as_word_many([(n, "full") for n in office.PAGES], fmt),
            strict=True,
        )
    }

    def parse(data: bytes) -> ParsedReport | ParseError:
        try:
            return parse_bytes(data)
        except ParseError as err:
            return err

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(files, pool.map(parse, files.values()), strict=True))


def mismatches(report: ParsedReport, expected: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Keys whose parsed value differs from the gold (numbers compared exactly)."""
    figures = report.figures
    return {
        key: (want, figures.get(key))
        for key, want in expected.items()
        if key not in figures or Decimal(str(figures[key])) != Decimal(str(want))
    }


def identity(report: ParsedReport) -> tuple[str, int, str]:
    return report.agency, report.year, report.template


def gold_identity(name: str) -> tuple[str, int, str]:
    entry = office.gold()[name]
    return entry["agency"], entry["year"], entry["template"]


# --- the files themselves --------------------------------------------------------------------
def test_a_page_saved_as_word_keeps_the_site_chrome_and_loses_the_page_title(
    saved_docx: dict[tuple[str, str], bytes],
) -> None:
    word = docx.Document(BytesIO(saved_docx[("huaian_city_2024.pdf", "bare")]))
    paragraphs = [p.text for p in word.paragraphs if p.text.strip()]
    assert paragraphs[0].startswith("首页")
    assert "2024 年政府信息公开工作年度报告" in paragraphs[:10]
    assert "2023年政府信息公开工作年度报告" in "".join(paragraphs[:5])  # last year's, linked
    assert not any("淮安市人民政府2024" in p for p in paragraphs)
    assert len(word.tables) == 3  # 表二, 表三, 表四 as Word tables with their merged cells


def test_word_prints_narrow_columns_with_numbers_wrapped_and_wide_tables_clipped(
    saved_docx: dict[tuple[str, str], bytes],
) -> None:
    """The layouts the PDF tests build on: 3001 (淮安 本年新收 自然人) breaks as 300/1 in a
    0.5 cm column; a 24 cm table loses its 总计 column past the page edge."""
    word = saved_docx[("huaian_city_2024.pdf", "full")]

    def words(pdf: bytes) -> list[str]:
        document = pypdfium2.PdfDocument(pdf)
        try:
            return [w for page in document for w in page.get_textpage().get_text_range().split()]
        finally:
            document.close()

    plain = words(office.printed_pdf(word))
    narrow = words(office.printed_pdf(word, office.Layout(value_width_cm=0.5)))
    clipped = words(office.printed_pdf(word, office.Layout(table_width_cm=24)))
    assert plain.count("3001") == 1 and plain.count("3050") == 2  # 3050 is in the prose too
    assert "3001" not in narrow and "300" in narrow
    assert clipped.count("3001") == 1 and clipped.count("3050") == 1  # 总计 is off the page


# --- .docx saved from the page ---------------------------------------------------------------
@pytest.mark.parametrize(("name", "heading"), SAVED)
def test_a_page_saved_as_word_names_the_agency_and_year_of_the_report(
    saved_docx: dict[tuple[str, str], bytes], name: str, heading: str
) -> None:
    """Not a breadcrumb ("政府信息公开年报"), a menu, last year's or another agency's report
    linked above it, or the site's host in the footer: with the heading bare or missing, the
    agency the prose names (and with no heading, the year of the statistics period)."""
    report = parse_bytes(saved_docx[(name, heading)])
    assert (*identity(report), report.format) == (*gold_identity(name), "docx")
    assert report.region.name.endswith(office.gold()[name]["region"])


@pytest.mark.parametrize(("name", "heading"), SAVED)
def test_every_gold_cell_of_a_page_saved_as_word_parses_exactly(
    saved_docx: dict[tuple[str, str], bytes], name: str, heading: str
) -> None:
    report = parse_bytes(saved_docx[(name, heading)])
    assert mismatches(report, office.gold()[name]["figures"]) == {}


def test_a_text_pasted_into_word_reads_as_the_text_does() -> None:
    for name, data in zip(office.PASTED, office.pasted_into_word(office.PASTED), strict=True):
        report = parse_bytes(data)
        text = parse_bytes(document(name).read_bytes())
        assert (*identity(report), report.format) == (*gold_identity(name), "docx"), name
        assert report.figures == text.figures, name
        missed = mismatches(report, office.gold()[name]["figures"])
        assert set(missed) == PASTED_MISSES.get(name, set()), name
        assert all(key not in report.figures for key in missed), name  # missing, never wrong


# --- .doc, .odt, .rtf through LibreOffice ----------------------------------------------------
@pytest.mark.parametrize(("name", "fmt"), CONVERTED)
def test_a_converted_office_file_parses_every_gold_cell_exactly(
    converted: dict[tuple[str, str], ParsedReport | ParseError], name: str, fmt: str
) -> None:
    report = converted[(name, fmt)]
    assert isinstance(report, ParsedReport), report
    assert (*identity(report), report.format) == (*gold_identity(name), fmt)
    assert mismatches(report, office.gold()[name]["figures"]) == {}
    assert report.warnings == []


def test_a_doc_saved_without_the_agency_in_its_heading_names_it_from_the_prose() -> None:
    report = parse_bytes(office.saved_as_word("huaian_city_2024.pdf", "doc", heading="bare"))
    assert (*identity(report), report.format) == (*gold_identity("huaian_city_2024.pdf"), "doc")


def test_without_libreoffice_a_doc_is_read_by_antiword_and_the_lost_cells_are_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if parsers.doc.shutil.which("antiword") is None:
        pytest.skip("antiword is not installed")
    monkeypatch.setattr(parsers.office, "soffice", lambda: None)
    name = "shanghai_gov_office_2019.html"
    report = parse_bytes(office.saved_as_word(name, "doc"))
    assert report.format == "doc"
    lost = next(w for w in report.warnings if "未能读取" in w)
    assert lost.startswith("旧版 Word 文件由 antiword 读取（服务器未安装 LibreOffice）")
    assert "表三 一、本年新收政府信息公开申请数量（自然人、商业企业" in lost
    count = int(re.search(r"(\d+) 个单元格未能读取", lost).group(1))  # type: ignore[union-attr]
    read = [k for k in office.gold()[name]["figures"] if k in report.figures]
    assert count >= 100 and len(read) < len(office.gold()[name]["figures"])
    assert mismatches(report, {k: office.gold()[name]["figures"][k] for k in read}) == {}


def test_without_libreoffice_rtf_and_odt_are_refused_with_a_chinese_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parsers.office, "soffice", lambda: None)
    for fmt, name in (("rtf", "RTF"), ("odt", "OpenDocument（.odt）")):
        with pytest.raises(ParseError) as err:
            parse_bytes(office.saved_as_word("shanghai_gov_office_2019.html", fmt))  # type: ignore[arg-type]
        assert (
            str(err.value)
            == f"暂不支持{name}文件（服务器未安装 LibreOffice），请另存为 .docx 或 PDF 后再上传"
        )


# Parses each file of argv in a fresh interpreter, then prints the modules it imported.
_IMPORTED = """
import sys
sys.path.insert(0, sys.argv[1])
from parsers import parse_bytes
for path in sys.argv[2:]:
    with open(path, "rb") as handle:
        parse_bytes(handle.read())
print(" ".join(sys.modules))
"""
PDF_AND_OCR = {"pypdfium2", "numpy", "cv2", "onnxruntime", "rapidocr_onnxruntime"}


def test_parsing_a_doc_or_docx_imports_neither_pdfium_nor_ocr() -> None:
    """A Word upload's process holds only what reading Word takes: PDFium, OCR and the OCR
    worker's multiprocessing would add to its memory while LibreOffice runs beside it."""
    name = "pingtan_2023.html"
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for fmt in ("doc", "docx"):
            path = Path(tmp) / f"report.{fmt}"
            path.write_bytes(office.saved_as_word(name, fmt))  # type: ignore[arg-type]
            paths.append(str(path))
        done = subprocess.run(
            [sys.executable, "-c", _IMPORTED, str(office.ROOT), *paths],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    imported = {m for m in done.stdout.split() if m.split(".")[0] in PDF_AND_OCR}
    ours = {m for m in done.stdout.split() if m.startswith(("parsers.ocr", "parsers.pdf"))}
    assert (imported, ours, "multiprocessing" in done.stdout.split()) == (set(), set(), False)


def test_a_damaged_doc_is_refused_with_a_chinese_message() -> None:
    data = office.saved_as_word("shanghai_gov_office_2019.html", "doc")
    with pytest.raises(ParseError) as err:
        parse_bytes(data[:4096] + bytes(len(data) - 4096))
    assert str(err.value) == parsers.office.UNREADABLE.format(name=parsers.office.NAMES["doc"])


def test_a_conversion_past_the_time_limit_is_killed_with_all_its_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = office.saved_as_word("pingtan_2023.html", "doc")
    made: list[str] = []
    real = tempfile.TemporaryDirectory

    def recording(*args: Any, **kwargs: Any) -> tempfile.TemporaryDirectory[str]:
        directory = real(*args, **kwargs)
        made.append(directory.name)
        return directory

    monkeypatch.setattr(parsers.office, "TIMEOUT_SECONDS", 0.3)
    monkeypatch.setattr(parsers.office.tempfile, "TemporaryDirectory", recording)
    with pytest.raises(ParseError) as err:
        parse_bytes(data)
    assert str(err.value).endswith("转换超时（超过 0.3 秒），请另存为 .docx 或 PDF 后再上传")
    time.sleep(0.2)
    assert made and not _processes_mentioning(made[0])


def _processes_mentioning(word: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if word.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


# --- what LibreOffice is given ---------------------------------------------------------------
def lying_odt(real: bytes, *, declared: int, actual: int) -> bytes:
    """A real .odt whose content.xml inflates to `actual` bytes though its headers declare
    `declared` (with the CRC of the declared prefix, so zipfile's check passes)."""
    out = BytesIO()
    head = b'<?xml version="1.0"?><office:document-content>'
    with (
        zipfile.ZipFile(BytesIO(real)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
    ):
        archive.writestr("mimetype", source.read("mimetype"), compress_type=zipfile.ZIP_STORED)
        with archive.open("content.xml", "w") as member:
            member.write(head)
            for _ in range((actual - len(head)) >> 20):
                member.write(b" " * (1 << 20))
        for name in source.namelist():
            if name not in ("mimetype", "content.xml"):
                archive.writestr(name, source.read(name))
    data = bytearray(out.getvalue())
    with zipfile.ZipFile(BytesIO(bytes(data))) as archive:
        local = archive.getinfo("content.xml").header_offset
    central = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 1)  # its directory entry
    assert data[central + 46 : central + 57] == data[local + 30 : local + 41] == b"content.xml"
    prefix = (head + b" " * declared)[:declared]
    crc, size = zlib.crc32(prefix).to_bytes(4, "little"), declared.to_bytes(4, "little")
    data[local + 14 : local + 18], data[local + 22 : local + 26] = crc, size
    data[central + 16 : central + 20], data[central + 24 : central + 28] = crc, size
    return bytes(data)


def test_an_odt_zip_bomb_is_refused_before_libreoffice_sees_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = office.saved_as_word("shanghai_gov_office_2019.html", "odt")
    calls: list[bytes] = []
    monkeypatch.setattr(parsers.office, "convert_to_docx", lambda data, kind: calls.append(data))
    bomb = BytesIO()
    with zipfile.ZipFile(BytesIO(real)) as source, zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr("mimetype", source.read("mimetype"))
        with archive.open("content.xml", "w", force_zip64=True) as member:
            for _ in range(60):  # 60 MB of spaces, a few hundred KB compressed
                member.write(b" " * (1 << 20))
    with pytest.raises(ParseError) as err:
        parse_bytes(_deflated(bomb.getvalue()))
    assert str(err.value) == TOO_LARGE
    assert calls == []


def _deflated(data: bytes) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            kind = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, source.read(info), compress_type=kind)
    return out.getvalue()


def test_an_odt_understating_its_size_reaches_libreoffice_cut_at_its_claim(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """content.xml declared 1 MiB, really 64 MiB: LibreOffice gets the archive rebuilt from what
    was read (1 MiB), never the stream it would inflate whole."""
    real = office.saved_as_word("shanghai_gov_office_2019.html", "odt")
    given: list[bytes] = []
    monkeypatch.setattr(
        parsers.office, "convert_to_docx", lambda data, kind: given.append(data) or b""
    )
    with pytest.raises(ParseError):
        parse_bytes(lying_odt(real, declared=1 << 20, actual=64 << 20))
    with zipfile.ZipFile(BytesIO(given[0])) as archive:
        assert archive.getinfo("content.xml").file_size == 1 << 20
        assert archive.namelist()[0] == "mimetype"


@pytest.fixture
def counting_server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 recording every path asked of it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()
    thread.join()


def test_libreoffice_reaches_no_network_when_a_document_links_an_image(
    counting_server: tuple[str, list[str]],
) -> None:
    """An .odt may link a picture by URL, which LibreOffice fetches on loading (it does, given
    a network); the conversion runs in a network namespace of its own."""
    if not parsers.office._sandbox() or "unshare" not in parsers.office._sandbox()[0]:
        pytest.skip("network namespaces (unshare -n) are not permitted here")
    url, hits = counting_server
    real = office.saved_as_word("shanghai_gov_office_2019.html", "odt")
    image = (
        f'<text:p><draw:frame draw:name="x" svg:width="1cm" svg:height="1cm">'
        f'<draw:image xlink:href="{url}/linked.png" xlink:type="simple" xlink:show="embed" '
        f'xlink:actuate="onLoad"/></draw:frame></text:p>'
    ).encode()
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(real)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "content.xml":
                content = re.sub(rb"(<office:text\b[^>]*>)", lambda m: m.group(1) + image, content)
                assert image in content
            kind = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, content, compress_type=kind)
    report = parse_bytes(out.getvalue())
    assert report.agency == "上海市人民政府办公厅"
    time.sleep(0.3)
    assert hits == []


def test_a_conversion_leaves_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each conversion's profile and files live and die in one temporary directory. The
    conversion gets a temporary folder of its own, so another worker's conversion running at
    the same time cannot leave its directory in the one looked at."""
    data = office.saved_as_word("shanghai_gov_office_2019.html", "rtf")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    parse_bytes(data)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("head", "kind"),
    [(b"{\\rtf1\\ansi\\ansicpg936 ", "rtf"), (b"\xef\xbb\xbf{\\rtf1 ", "rtf")],
    ids=["rtf", "rtf-bom"],
)
def test_rtf_is_told_by_content(head: bytes, kind: str) -> None:
    assert sniff(head + b"\\par}") == kind


def test_odt_is_told_by_its_mimetype_member_and_docx_by_its_body() -> None:
    odt = office.saved_as_word("shanghai_gov_office_2019.html", "odt")
    assert sniff(odt) == "odt"
    assert sniff(office.saved_as_word("shanghai_gov_office_2019.html", "docx")) == "docx"


@pytest.mark.parametrize(
    ("name", "cut"),
    [
        ("huaian_city_2024.pdf", ("本报告由淮安市人民政府办公室根据", "本报告根据")),
        ("hongze_district_2024.pdf", ("本报告由淮安市洪泽区人民政府办公室根据", "本报告根据")),
    ],
)
def test_the_contact_line_alone_names_the_agency(name: str, cut: tuple[str, str]) -> None:
    """No heading, no compiler named, no subject sentence: "请与淮安市人民政府办公室联系" is
    all the page says of its agency — the government whose office takes the questions."""
    page = office.report_page(name, heading="none").decode()
    assert cut[0] in page
    page = page.replace(*cut).replace("2024 年，淮安市洪泽区人民政府坚持", "2024 年，我区坚持")
    report = parse_bytes(office.convert(page.encode(), ".html", "docx"))
    assert identity(report) == gold_identity(name)
