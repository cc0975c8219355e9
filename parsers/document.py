"""The format-neutral middle of parsing: what every extractor (text, HTML, Word, PDF) hands to
the template mapper in `parsers/layout.py`."""

from __future__ import annotations

from dataclasses import dataclass, field

# A table cell printed past the paper's edge (a table wider than the page): what it holds, if
# anything, is not on the page — unknown, never blank.
OFF_PAGE = "\x00"


@dataclass
class Document:
    """A document reduced to its reading-order text and its table rows.

    `rows` holds every table row of the document in reading order, each as its cells' texts
    (merged cells appear once, empty cells as "", cells cut off by the page edge as OFF_PAGE).
    `text` is the whole document as lines, used for
    metadata (title, year, dates) and prose figures. `runs_together` marks text whose table cells
    were concatenated without separators (the 平潭 crawl), so digit runs must be split.
    `by_order` marks second-hand text (a viewer's copy, a conversion) whose numbers may have lost
    their labels, so they are placed by their order (`parsers.sequence`).
    `lossy` names a reader known to lose table cells (antiword); the report then lists the
    template cells it could not read.
    `ocr_rows` are the indexes of the rows read by OCR from an image, `ocr_pages` the pages
    (1-based) that were. `spans` are the lines of `text` each section of the template stands in
    (`parsers.sections.section_spans`), when the reader has already found them.
    """

    format: str
    text: str
    rows: list[list[str]] = field(default_factory=list)
    runs_together: bool = False
    by_order: bool = False
    warnings: list[str] = field(default_factory=list)
    lossy: str | None = None
    ocr_rows: frozenset[int] = frozenset()
    ocr_pages: tuple[int, ...] = ()
    spans: dict[str, tuple[int, int]] | None = None
