"""One document in, one parsed report out: `parse_bytes` / `parse_file`.

bytes → `parsers.extract.extract` (format sniffing and decoding) → Document → template mapping
(`parsers.layout`), metadata (`parsers.meta`), prose figures (`parsers.prose`) and the validator
(`parsers.validate`) → ParsedReport. Anything that is not a report raises ParseError with a
one-line Chinese message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from parsers.document import Document
from parsers.model import AMBIGUOUS, ParsedReport, ParseError

if TYPE_CHECKING:
    from parsers.ocr_worker import Limits

__all__ = [
    "MAX_FILE_BYTES",
    "ParseError",
    "Progress",
    "parse_bytes",
    "parse_document",
    "parse_file",
    "parse_images",
]

Progress = Callable[[int, int], None]  # OCR: (pages read, pages to read)

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
NOT_A_REPORT = "未找到政府信息公开工作年度报告的表格，这似乎不是一份年报"
_SECTION_NAMES = {"二": "表二（主动公开）", "三": "表三（依申请公开）", "四": "表四（复议诉讼）"}


def parse_file(path: Path, *, progress: Progress | None = None) -> ParsedReport:
    """Parse a report file; files over the size limit are refused before being read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ParseError(f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 50 MB")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError as err:
        raise ParseError(f"找不到文件：{path}") from err
    except IsADirectoryError as err:
        raise ParseError(f"这是一个文件夹，不是文件：{path}") from err
    except OSError as err:
        raise ParseError(f"无法读取文件：{path}") from err
    return parse_bytes(data, filename=path.name, progress=progress)


def parse_bytes(
    data: bytes,
    *,
    filename: str | None = None,
    progress: Progress | None = None,
    limits: Limits | None = None,
) -> ParsedReport:
    """Parse a report's bytes (any supported format, told by content, not by name).

    Scanned pages and photos are read by OCR, which takes seconds a page: `progress(done,
    total)` hears of each page, and `limits` bound its pages and time (default: Limits())."""
    from parsers.extract import extract

    if len(data) > MAX_FILE_BYTES:
        raise ParseError(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 50 MB")
    return _guarded(
        lambda: parse_document(extract(data, progress=progress, limits=limits)), filename
    )


def parse_images(
    images: Sequence[bytes],
    *,
    filename: str | None = None,
    progress: Progress | None = None,
    limits: Limits | None = None,
) -> ParsedReport:
    """Parse photos or screenshots of one report's pages (PNG/JPEG, in page order)."""
    from parsers.extract import images_document

    if sum(len(i) for i in images) > MAX_FILE_BYTES:
        raise ParseError("图片合计过大，上限为 50 MB")
    return _guarded(
        lambda: parse_document(images_document(images, progress=progress, limits=limits)),
        filename,
    )


def _guarded(parse: Callable[[], ParsedReport], filename: str | None) -> ParsedReport:
    try:
        return parse()
    except ParseError:
        raise
    except Exception as err:  # a report must never end in a traceback for the user
        log.exception("parsing %s failed", filename or "<bytes>")
        raise ParseError("解析失败：文件内容无法按年报读取") from err


def parse_document(doc: Document) -> ParsedReport:
    """The report a Document holds (the format-neutral half of parsing)."""
    from parsers.accept import refusal_text, refusals, within_bounds
    from parsers.doc import NO_TABLES, unread_cells
    from parsers.layout import Order, map_document
    from parsers.meta import read_meta
    from parsers.prose import keyed_figures, prose_facts
    from parsers.trust import withhold_misreads
    from parsers.validate import prose_checks, validate

    meta = read_meta(doc.text)
    facts = prose_facts(doc.text)
    prose = keyed_figures(facts)
    order: Order | None = None
    if doc.by_order:  # second-hand text: sections placed by the order of their numbers first
        from parsers.sequence import place_by_order

        order = partial(place_by_order, text=doc.text, prose=prose, spans=doc.spans)
    layout = map_document(doc, year=meta.year, prose=prose, order=order)
    if not layout.cells:
        raise ParseError(NO_TABLES if doc.lossy else NOT_A_REPORT)
    if meta.year is None:
        raise ParseError("找到了年报表格，但无法确定报告年度（标题中应有“20XX年”）")
    if not meta.agency and meta.not_an_agency is None:
        raise ParseError("找到了年报表格，但无法从标题中识别发布机关")
    warnings = [*doc.warnings, *layout.warnings]
    if doc.lossy and (lost := unread_cells(layout.cells, layout.template, layout.single_other)):
        warnings.append(lost)
    for section, name in _SECTION_NAMES.items():
        if section not in layout.sections:
            warnings.append(f"未找到{name}")
    ambiguous = [k for k, c in layout.cells.items() if AMBIGUOUS in c.flags]
    if ambiguous:
        warnings.append(f"{len(ambiguous)} 个单元格的数字串有多种拆分方式，未取值")
    for key in layout.dropped_prose:
        warnings.append(f"正文所述 {key}={prose[key]} 与表格数字串不符，未用于拆分")
    checks = validate(layout.cells, layout.template, single_other=layout.single_other)
    checks += prose_checks(layout.cells, prose)
    withheld = withhold_misreads(layout, checks)
    if withheld:
        warnings.append(f"{len(withheld)} 个文字识别（OCR）读出的单元格与表格算术不符，未采用")
    report = ParsedReport(
        agency=meta.agency or "",
        year=meta.year,
        template=layout.template,
        format=doc.format,
        cells=layout.cells,
        agency_aliases=meta.aliases,
        region=meta.region,
        level=meta.level,
        title=meta.title,
        published_on=meta.published_on,
        single_other_row=layout.single_other,
        prose=prose,
        facts=facts,
        checks=checks,
        warnings=warnings,
    )
    within_bounds(report)
    problems = refusals(report, meta, doc.text, doc.rows)
    if problems:
        raise ParseError(refusal_text(problems))
    return report
