"""Scans of the real reports read by OCR, cell by cell against gold, and OCR seconds per page.

    python bench/ocr.py [--copier default|clean|heavy|photo|all] [--files NAME ...]
                        [--printed NAME ...]

Each sample PDF, and each report page of tests/helpers/office.PAGES saved as Word and printed
to PDF by LibreOffice (other fonts, other table rules: the HTML and text reports too; cached in
.cache/office), is rendered into an image-only scan (tests/helpers/scans.py: skew, blur, dust,
JPEG; `photo` sends the pages as PNG pictures instead) and parsed as a user's upload would be.
Every gold cell (tests/data gold.json and gold_extra.json) is then one of: exact; withheld (the
cell is there but flagged `suspect` or ambiguous, with no value — the bot declines it); missing
(not read); wrong (a different number given as the answer: the target is 0). Seconds per page
are by wall clock and by the OCR worker's CPU time (which other work on a busy machine does not
inflate). Targets: ≥ 90% exact, 0 wrong, ≤ 3 s a page on one core.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers import parse_bytes, parse_images  # noqa: E402
from parsers.model import ParsedReport, ParseError  # noqa: E402
from parsers.ocr_worker import Limits  # noqa: E402
from tests.fixtures_parsers import load_gold  # noqa: E402
from tests.helpers import office  # noqa: E402
from tests.helpers.documents import document  # noqa: E402
from tests.helpers.scans import Copier, photo_png, scanned_pdf  # noqa: E402

COPIERS = {
    "clean": Copier(skew=0.0, blur=0.0, specks=0, quality=90),
    "default": Copier(),
    "heavy": Copier(skew=1.5, blur=1.0, specks=300, quality=40),
    "photo": Copier(specks=60),
}
PDFS = ("hongze_district_2023.pdf", "hongze_district_2024.pdf", "huaian_city_2024.pdf")


def gold_cells(name: str) -> dict[str, Any]:
    extra = json.loads(document("gold_extra.json").read_text("utf-8"))
    figures = next((e["figures"] for e in extra if e["file"] == name), {})
    return {**load_gold()[name]["figures"], **figures}


def pages_of(pdf_bytes: bytes) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return len(pdf)
    finally:
        pdf.close()


def sources(files: list[str], printed: list[str]) -> list[tuple[str, str, bytes]]:
    """(label, gold name, PDF) of every report to scan: the sample PDFs as published, and the
    report pages saved as Word and printed to PDF (the layout office_gold.py calls `fit`)."""
    out = [(name, name, document(name).read_bytes()) for name in files]
    if printed:
        words = office.saved_as_word_many([(name, "full") for name in printed], "docx")
        fit = office.Layout(fit_width=True)
        pdfs = office.convert_many([(office.word_layout(w, fit), ".docx") for w in words], "pdf")
        out += [(f"printed {n}", n, pdf) for n, pdf in zip(printed, pdfs, strict=True)]
    return out


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# Accuracy is measured here, not the product's time limit: a busy machine must not refuse a scan.
UNHURRIED = Limits(seconds=3600)


def read(name: str, pdf: bytes, copier: str) -> ParsedReport:
    if copier == "photo":
        images = [photo_png(pdf, i, COPIERS["photo"]) for i in range(pages_of(pdf))]
        return parse_images(images, filename=name, limits=UNHURRIED)
    return parse_bytes(scanned_pdf(pdf, COPIERS[copier]), filename=name, limits=UNHURRIED)


def tally(report: ParsedReport, gold: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"exact": [], "withheld": [], "missing": [], "wrong": []}
    for key, expected in gold.items():
        cell = report.cells.get(key)
        if cell is None:
            out["missing"].append(key)
        elif cell.value is None:
            out["withheld"].append(key)
        elif Decimal(str(cell.value)) == Decimal(str(expected)):
            out["exact"].append(key)
        else:
            out["wrong"].append(f"{key}={cell.value} (gold {expected})")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copier", choices=[*COPIERS, "all"], default="default")
    parser.add_argument("--files", nargs="*", default=list(PDFS))
    parser.add_argument("--printed", nargs="*", default=list(office.PAGES))
    parser.add_argument("--show", action="store_true", help="list the keys not read exactly")
    args = parser.parse_args()
    copiers = list(COPIERS) if args.copier == "all" else [args.copier]
    print(
        f"{'scan':<42} {'copier':<8} {'gold':>5} {'exact':>6} {'%':>6} {'withheld':>9} "
        f"{'missing':>8} {'wrong':>6} {'pages':>6} {'s/page':>7} {'cpu s/page':>10}"
    )
    totals = {"gold": 0, "exact": 0, "wrong": 0}
    scans = sources(args.files, args.printed)
    for copier in copiers:
        for label, name, pdf in scans:
            gold = gold_cells(name)
            pages = pages_of(pdf)
            cpu, start = child_cpu(), time.perf_counter()
            try:
                report = read(name, pdf, copier)
            except ParseError as err:
                print(f"{label:<42} {copier:<8} refused: {err}", flush=True)
                totals["gold"] += len(gold)
                continue
            wall, cpu = time.perf_counter() - start, child_cpu() - cpu
            got = tally(report, gold)
            for key in ("exact", "wrong"):
                totals[key] += len(got[key])
            totals["gold"] += len(gold)
            print(
                f"{label:<42} {copier:<8} {len(gold):>5} {len(got['exact']):>6} "
                f"{100 * len(got['exact']) / len(gold):>5.1f}% {len(got['withheld']):>9} "
                f"{len(got['missing']):>8} {len(got['wrong']):>6} {pages:>6} "
                f"{wall / pages:>7.2f} {cpu / pages:>10.2f}",
                flush=True,
            )
            if args.show:
                for kind in ("wrong", "withheld", "missing"):
                    if got[kind]:
                        print(f"  {kind}: {', '.join(got[kind])}")
    share = 100 * totals["exact"] / max(1, totals["gold"])
    print(f"{'all':<51} {totals['gold']:>5} {totals['exact']:>6} {share:>5.1f}%", end="")
    print(f" {'':>9} {'':>8} {totals['wrong']:>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
