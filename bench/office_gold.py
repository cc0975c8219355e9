"""Every gold cell of every real report in every office form, parsed: exact, missing, wrong.

    python bench/office_gold.py

The forms are those tests/helpers/office.py makes with LibreOffice (cached in .cache/office/):
the report page saved as Word with its heading as published, without the agency, without any
heading, and laid out in a table; the same page as .doc, .odt and .rtf (converted back inside
the parser); the crawled and copied texts pasted into Word; the page saved as Word printed to
PDF on other papers, turned, with other margins and type sizes, columns narrowed until headers
and numbers wrap, the 总计 column pushed off the paper, and a row of 表三 broken across a page
break; the pages without the agency in their heading or without a heading, printed. Gold:
tests/data/gold.json with gold_extra.json. Target (issue #18): ≥ 99% exact,
0 wrong, 0 wrong agency or year.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers import ParseError, parse_bytes  # noqa: E402
from tests.helpers import office, printed  # noqa: E402

L = office.Layout
# Word's "print to PDF" of the page saved as Word: `office.Layout` applied first.
PRINTED: dict[str, office.Layout | None] = {
    "as saved": None,
    "fit": L(fit_width=True),
    "narrow": L(fit_width=True, value_width_cm=0.5),
    "total off": L(fit_width=True, past_edge_columns=1),
    "A4 landscape": L(paper="A4", landscape=True, fit_width=True),
    "A4 landscape as saved": L(paper="A4", landscape=True),
    "A3 as saved": L(paper="A3"),
    "Letter 1.27cm": L(paper="Letter", margin_cm=1.27, fit_width=True),
    "Legal 10.5pt": L(paper="Legal", margin_cm=2, fit_width=True, font_pt=10.5),
    "A5 9pt": L(paper="A5", margin_cm=1.5, fit_width=True, font_pt=9),
    "A5 landscape": L(paper="A5", landscape=True, fit_width=True),
    "A5 11pt narrow": L(
        paper="A5", margin_cm=1.27, fit_width=True, value_width_cm=0.55, font_pt=11
    ),
    "B5 narrow": L(paper="B5", fit_width=True, value_width_cm=0.45),
    "B5 14pt": L(paper="B5", fit_width=True, font_pt=14),
    "B5 9pt narrow": L(paper="B5", fit_width=True, value_width_cm=0.45, font_pt=9),
    "B5 total off": L(paper="B5", fit_width=True, past_edge_columns=1),
    "A4 3.17cm 12pt": L(paper="A4", margin_cm=3.17, fit_width=True, font_pt=12),
    "A4 0.5cm": L(paper="A4", margin_cm=0.5, fit_width=True),
    "A4 16pt": L(paper="A4", fit_width=True, font_pt=16, widow_control=False),
    "A4 7pt": L(paper="A4", margin_cm=2.54, fit_width=True, font_pt=7),
    "8pt narrow": L(fit_width=True, value_width_cm=0.7, font_pt=8),
    "landscape total off": L(paper="A4", landscape=True, fit_width=True, past_edge_columns=1),
}
# A row of 表三 broken across a page break (`printed.split_row_pdfs`), printed so.
SPLIT: dict[str, office.Layout] = {
    "split": L(fit_width=True, value_width_cm=0.4, widow_control=False),
    "split B5": L(paper="B5", fit_width=True, value_width_cm=0.45, widow_control=False),
    "split Letter 10pt": L(
        paper="Letter", fit_width=True, value_width_cm=0.4, font_pt=10, widow_control=False
    ),
}


def forms() -> dict[tuple[str, str], bytes]:
    """(form, report) → the office file."""
    out: dict[tuple[str, str], bytes] = {}
    headings: tuple[office.Heading, ...] = ("full", "bare", "none", "framed")
    items = [(name, heading) for name in office.PAGES for heading in headings]
    for (name, heading), data in zip(items, office.saved_as_word_many(items, "docx"), strict=True):
        out[(f"docx {heading}", name)] = data
    targets: tuple[office.Target, ...] = ("doc", "odt", "rtf")
    for fmt in targets:
        pages = office.saved_as_word_many([(name, "full") for name in office.PAGES], fmt)
        out.update({(fmt, name): data for name, data in zip(office.PAGES, pages, strict=True)})
    words = office.saved_as_word_many([(name, "full") for name in office.PAGES], "docx")
    for kind, layout in PRINTED.items():
        made = office.convert_many(
            [(office.word_layout(w, layout) if layout else w, ".docx") for w in words], "pdf"
        )
        out.update({(f"pdf {kind}", n): d for n, d in zip(office.PAGES, made, strict=True)})
    for heading in ("bare", "none"):  # the page's heading without the agency, or none at all
        pages = office.saved_as_word_many([(name, heading) for name in office.PAGES], "docx")
        made = office.convert_many(
            [(office.word_layout(w, L(fit_width=True)), ".docx") for w in pages], "pdf"
        )
        out.update({(f"pdf {heading} fit", n): d for n, d in zip(office.PAGES, made, strict=True)})
    for kind, layout in SPLIT.items():
        made = [pdf for pdf, _ in printed.split_row_pdfs(words, layout)]
        out.update({(f"pdf {kind}", n): d for n, d in zip(office.PAGES, made, strict=True)})
    pasted = office.pasted_into_word(office.PASTED)
    out.update({("pasted docx", n): d for n, d in zip(office.PASTED, pasted, strict=True)})
    return out


def main() -> int:
    gold = office.gold()
    totals: dict[str, list[int]] = {}
    for (form, name), data in forms().items():
        exact, missing, wrong, identity, refused = totals.setdefault(form, [0, 0, 0, 0, 0])
        figures = gold[name]["figures"]
        try:
            report = parse_bytes(data)
        except ParseError as err:
            print(f"refused: {form} {name}: {err}")
            totals[form][1] += len(figures)
            totals[form][4] += 1
            continue
        for key, want in figures.items():
            got = report.figures.get(key)
            if got is None:
                totals[form][1] += 1
            elif Decimal(str(got)) == Decimal(str(want)):
                totals[form][0] += 1
            else:
                totals[form][2] += 1
                print(f"WRONG: {form} {name} {key}: {got}, gold {want}")
        if (report.agency, report.year) != (gold[name]["agency"], gold[name]["year"]):
            totals[form][3] += 1
            print(f"WRONG IDENTITY: {form} {name}: {report.agency} {report.year}")
    print(f"{'form':<26} {'exact':>6} {'missing':>8} {'wrong':>6} {'agency/year':>12} "
          f"{'refused':>8} {'exact %':>8}")  # fmt: skip
    for form, (exact, missing, wrong, identity, refused) in totals.items():
        share = 100 * exact / (exact + missing + wrong)
        print(f"{form:<26} {exact:>6} {missing:>8} {wrong:>6} {identity:>12} {refused:>8} "
              f"{share:>8.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
