"""Exact-cell scores of every text form of the real reports against the gold (issue #14).

    python bench/text_forms.py [--misses]

For each real PDF and each form made from it by the real tools (tests/helpers/text_forms.py),
each markdown conversion (tests/data/markdown) and its variants of other converters, the
published text retyped (wrapped at 40, full width, — or / for 0: tests/helpers/more_forms.py)
and the HTML reports as a browser copies and prints them (tests/helpers/browser_forms.py),
prints how many gold cells parse exactly, wrong,
ambiguous (no value, candidates offered) and missing, and whether agency and year are right;
then the totals. Floor: ≥ 99% exact, 0 wrong, 0 wrong agency or year.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers import ParseError, parse_bytes  # noqa: E402
from tests.fixtures_parsers import load_gold  # noqa: E402
from tests.helpers.browser_forms import HAS_CHROMIUM, PAGES, browser_forms  # noqa: E402
from tests.helpers.documents import document  # noqa: E402
from tests.helpers.more_forms import MARKDOWN_FORMS, PUBLISHED, TEXT_FORMS  # noqa: E402
from tests.helpers.text_forms import PDF_FORMS  # noqa: E402

DATA = ROOT / "tests" / "data"
PDFS = ("hongze_district_2023.pdf", "hongze_district_2024.pdf", "huaian_city_2024.pdf")


def gold_figures(name: str) -> dict[str, object]:
    extra = {e["file"]: e for e in json.loads((DATA / "gold_extra.json").read_text("utf-8"))}
    return {**load_gold()[name]["figures"], **extra.get(name, {}).get("figures", {})}


def forms() -> list[tuple[str, str, bytes]]:
    """(report, form, bytes) of every form held."""
    out = [(pdf, form, make(document(pdf)).encode()) for pdf in PDFS
           for form, make in PDF_FORMS.items()]  # fmt: skip
    for path in sorted((DATA / "markdown").glob("*.md")):
        name = path.name.split(".")[0] + ".pdf"
        converter = path.name.split(".")[1]
        out.append((name, "markdown:" + converter, path.read_bytes()))
        for variant, make in MARKDOWN_FORMS.items():
            text = make(path.read_text("utf-8"))
            out.append((name, f"md:{converter}:{variant}", text.encode()))
    for name in PUBLISHED:
        for variant, make in TEXT_FORMS.items():
            out.append((name, variant, make(document(name).read_text("utf-8")).encode()))
    if HAS_CHROMIUM:
        pages = [document(name) for name in PAGES]
        for (name, form), text in browser_forms(pages).items():
            out.append((name, form, text.encode()))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the cells not exact")
    args = parser.parse_args()
    totals = dict.fromkeys(("cells", "exact", "wrong", "ambiguous", "missing", "meta"), 0)
    print(f"{'report':<30} {'form':<30} {'cells':>5} {'exact':>5} {'wrong':>5} {'ambig':>5} "
          f"{'miss':>5}  agency/year")  # fmt: skip
    for name, form, data in forms():
        entry = load_gold()[name]
        gold = gold_figures(name)
        try:
            report = parse_bytes(data)
        except ParseError as err:
            print(f"{name.rsplit('.', 1)[0]:<30} {form:<30} refused: {err}")
            totals["cells"] += len(gold)
            totals["missing"] += len(gold)
            continue
        counts = dict.fromkeys(("exact", "wrong", "ambiguous", "missing"), 0)
        misses: list[str] = []
        for key, want in gold.items():
            cell = report.cells.get(key)
            kind = (
                "missing" if cell is None
                else "ambiguous" if cell.value is None
                else "exact" if cell.value == Decimal(str(want))
                else "wrong"
            )  # fmt: skip
            counts[kind] += 1
            if kind != "exact":
                misses.append(f"    {kind} {key}: gold {want}, parsed {cell}")
        meta_ok = (report.agency, report.year) == (entry["agency"], entry["year"])
        print(
            f"{name.rsplit('.', 1)[0]:<30} {form:<30} {len(gold):>5} {counts['exact']:>5} "
            f"{counts['wrong']:>5} {counts['ambiguous']:>5} {counts['missing']:>5}  "
            f"{'ok' if meta_ok else f'WRONG {report.agency} {report.year}'}"
        )
        if args.misses:
            print("\n".join(misses))
        totals["cells"] += len(gold)
        totals["meta"] += 0 if meta_ok else 1
        for kind, n in counts.items():
            totals[kind] += n
    share = 100 * totals["exact"] / totals["cells"]
    print(
        f"\ntotal: {totals['cells']} gold cells, {totals['exact']} exact ({share:.2f}%), "
        f"{totals['wrong']} wrong, {totals['ambiguous']} ambiguous, {totals['missing']} missing; "
        f"{totals['meta']} wrong agency or year"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
