"""Bad input through `parse_bytes`: every case ends in a ParseError with a Chinese message (or a
report with a warning), never another exception and never a hang."""

from __future__ import annotations

import dataclasses
import re
import tracemalloc
import zipfile
from collections.abc import Callable
from io import BytesIO

import docx
import pytest
from PIL import Image
from reportlab.lib import pdfencrypt
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from parsers import parse_bytes
from parsers.docx import TOO_LARGE
from parsers.extract import EMPTY
from parsers.model import ParseError
from parsers.pdf import BROKEN, ENCRYPTED, NO_TEXT_LAYER, UNMAPPED_FONT
from tests.fixtures_parsers import load_gold
from tests.helpers.documents import document
from tests.helpers.hostile import lying_docx
from tests.helpers.make_docs import (
    ReportSpec,
    cjk_font,
    pingtan_2023_spec,
    to_docx,
    to_html,
    to_pdf,
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
NOT_A_REPORT = "未找到政府信息公开工作年度报告的表格，这似乎不是一份年报"
UNRELATED = ["关于召开春季运动会的通知", "各班级：定于4月20日举行春季运动会，请做好准备。"]


def refusal(data: bytes) -> str:
    """The one-line Chinese message parse_bytes refuses `data` with."""
    with pytest.raises(ParseError) as err:
        parse_bytes(data)
    message = str(err.value)
    assert "\n" not in message
    assert CHINESE.search(message), message
    return message


def pdf_page(draw: str = "text", *, encrypt: pdfencrypt.StandardEncryption | None = None) -> bytes:
    """A one-page PDF: unrelated text, or only vector shapes like a scan's page (no text)."""
    out = BytesIO()
    page = canvas.Canvas(out, encrypt=encrypt)
    if draw == "text":
        page.setFont(cjk_font(), 12)
        for i, line in enumerate(UNRELATED):
            page.drawString(72, 700 - 20 * i, line)
    else:
        page.rect(72, 400, 300, 200, fill=1)
        page.line(72, 380, 500, 380)
    page.save()
    return out.getvalue()


# --- empty, garbage, oversized ---------------------------------------------------------------
@pytest.mark.parametrize("data", [b"", b"   \r\n\t  "], ids=["empty", "whitespace"])
def test_empty_file_is_refused(data: bytes) -> None:
    assert refusal(data) == EMPTY


def test_binary_garbage_is_refused_as_unknown_format() -> None:
    garbage = bytes((i * 7919 + 13) % 256 for i in range(50_000))
    assert refusal(garbage).startswith("无法识别的文件格式")


def test_200_mb_input_is_refused_by_size_before_parsing() -> None:
    huge = b"%PDF-1.4\n" + bytes(200 * 1024 * 1024)
    assert refusal(huge).startswith("文件过大（200.0 MB）")


# --- documents that are not reports ----------------------------------------------------------
def unrelated_docx() -> bytes:
    word = docx.Document()
    for line in UNRELATED:
        word.add_paragraph(line)
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "时间"
    table.cell(1, 0).text, table.cell(1, 1).text = "100米", "9:00"
    out = BytesIO()
    word.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        "\n".join(UNRELATED).encode(),
        "\n".join(UNRELATED).encode("gbk"),
        f"<html><body><p>{'</p><p>'.join(UNRELATED)}</p></body></html>".encode(),
        b"<html><head><title>x</title></head><body><div class='nav'>home</div></body></html>",
        unrelated_docx(),
        pdf_page("text"),
    ],
    ids=["text", "gbk-text", "html", "html-chrome-only", "docx", "pdf"],
)
def test_document_that_is_not_a_report_is_refused(data: bytes) -> None:
    assert refusal(data) == NOT_A_REPORT


# --- damaged and hostile files ---------------------------------------------------------------
@pytest.mark.parametrize("fraction", [0.02, 0.5, 0.99])
def test_truncated_pdf_is_refused_as_damaged(fraction: float) -> None:
    data = document("huaian_city_2024.pdf").read_bytes()
    assert refusal(data[: int(len(data) * fraction)]) == BROKEN


def test_encrypted_pdf_is_refused_with_a_password_message() -> None:
    locked = pdf_page("text", encrypt=pdfencrypt.StandardEncryption("secret", "owner"))
    assert refusal(locked) == ENCRYPTED


@pytest.fixture
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without the OCR engine: scans are refused (with OCR they are read, see
    tests/test_parsers_ocr.py)."""
    monkeypatch.setattr("parsers.pdf.ocr_available", lambda: False)


@pytest.mark.usefixtures("no_ocr")
def test_pdf_without_text_layer_is_refused_as_a_scan() -> None:
    assert refusal(pdf_page("shapes")) == NO_TEXT_LAYER


@pytest.mark.usefixtures("no_ocr")
def test_scanned_pages_with_only_page_numbers_as_text_are_refused_as_a_scan() -> None:
    out = BytesIO()
    page = canvas.Canvas(out)
    scan = ImageReader(Image.new("L", (200, 280), color=200))
    for number in (1, 2):
        page.drawImage(scan, 36, 36, width=520, height=760)
        page.drawString(290, 20, f"- {number} -")
        page.showPage()
    page.save()
    assert refusal(out.getvalue()) == NO_TEXT_LAYER


def unmapped_font_pdf() -> bytes:
    """A CID font re-labelled Identity-H without a ToUnicode map: its glyph numbers come out as
    rare code points (㩾䅍㪦…), not as the text."""
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = BytesIO()
    page = canvas.Canvas(out, pageCompression=0)
    page.setFont("STSong-Light", 12)
    page.drawString(72, 700, "2020年政府信息公开工作年度报告 规章 13")
    page.save()
    return out.getvalue().replace(b"/UniGB-UCS2-H", b"/Identity-H  ")  # same length: xref holds


@pytest.mark.usefixtures("no_ocr")
def test_pdf_whose_font_cannot_be_mapped_to_text_is_refused() -> None:
    assert refusal(unmapped_font_pdf()) == UNMAPPED_FONT


def zip_bytes(members: dict[str, bytes], *, level: int = 9) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_zip_bomb_disguised_as_docx_is_refused_without_inflating() -> None:
    bomb = BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = bytes(1024 * 1024)
            for _ in range(60):  # 60 MB of zeros, about 60 KB compressed
                member.write(chunk)
    data = bomb.getvalue()
    assert len(data) < 1024 * 1024
    assert refusal(data) == TOO_LARGE


def test_zip_bomb_that_understates_its_sizes_is_never_inflated_beyond_the_claim() -> None:
    """A 256 MiB document.xml declared as 1 MiB: what is inflated stays bounded (python-docx's
    own reading inflated all 256 MiB in one call before cutting it to the claim)."""
    data = lying_docx(declared=1 << 20, actual=256 << 20)
    assert len(data) < 2 << 20
    tracemalloc.start()
    try:
        refusal(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 << 20, f"peak {peak / 2**20:.0f} MiB"


def test_highly_compressed_member_is_refused_even_below_the_size_limits() -> None:
    data = zip_bytes({"word/document.xml": b"<w:document/>", "word/media/x.bin": bytes(4 << 20)})
    assert refusal(data) == TOO_LARGE


def test_docx_with_thousands_of_members_is_refused() -> None:
    members = {f"word/media/{i}.xml": b"<x/>" for i in range(2500)}
    assert refusal(zip_bytes({"word/document.xml": b"<w:document/>", **members})) == TOO_LARGE


def test_docx_with_damaged_document_xml_is_refused() -> None:
    data = zip_bytes({"word/document.xml": b"\x00\x01 not xml", "[Content_Types].xml": b"<"})
    assert refusal(data) == "Word（.docx）文件已损坏，无法打开"


def test_zip_that_is_not_a_word_file_is_refused() -> None:
    assert (
        refusal(zip_bytes({"report.csv": b"a,b\n1,2\n"}))
        == "压缩文件不是 Word（.docx）或 OpenDocument（.odt）文档，无法读取"
    )


# --- a report with a table missing -----------------------------------------------------------
@pytest.mark.parametrize("render", [to_html, to_docx, to_pdf], ids=["html", "docx", "pdf"])
def test_report_missing_a_table_parses_with_a_warning(
    render: Callable[[ReportSpec], bytes],
) -> None:
    spec = dataclasses.replace(pingtan_2023_spec(load_gold()), omit=frozenset({"四"}))
    report = parse_bytes(render(spec))
    assert not any(key.startswith(("review.", "litigation.")) for key in report.cells)
    assert report.figures["apply.new.total"] == 81
    assert "未找到表四（复议诉讼）" in report.warnings
