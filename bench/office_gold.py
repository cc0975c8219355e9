"""Every gold cell of every real report in every office form, parsed: exact, missing, wrong.

    python bench/office_gold.py

The forms are those tests/helpers/office.py makes with LibreOffice (cached in .cache/office/):
the report page saved as Word with its heading as published, without the agency, without any
heading, and laid out in a table; the same page as .doc, .odt and .rtf (converted back inside
the parser); the crawled and copied texts pasted into Word. Gold: tests/data/gold.json with
gold_extra.json. Target (issue #18): ≥ 99% exact, 0 wrong, 0 wrong agency or year.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers import ParseError, parse_bytes  # noqa: E402
from tests.helpers import office  # noqa: E402


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
    print(f"{'form':<12} {'exact':>6} {'missing':>8} {'wrong':>6} {'agency/year':>12} "
          f"{'refused':>8} {'exact %':>8}")  # fmt: skip
    for form, (exact, missing, wrong, identity, refused) in totals.items():
        share = 100 * exact / (exact + missing + wrong)
        print(f"{form:<12} {exact:>6} {missing:>8} {wrong:>6} {identity:>12} {refused:>8} "
              f"{share:>8.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
