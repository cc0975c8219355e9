"""Parse throughput per format on the sample reports, on one core.

    python bench/parse.py [--seconds 1.0] [--pdf]

Prints reports/s for text, HTML, generated .docx and PDF, and for each sample PDF its parse time
beside PDFium's bare character read of the same file in the same process (the floor: every
character's text and box, nothing else), with the ratio, by wall clock and by CPU time: runs of
the two alternate, so a change of load between them moves both figures alike (`--pdf` prints
only these rows).
Then a row per text form (issue #14) made from the real reports: the published text files,
text pasted from a PDF viewer in reading order (pdftotext, pdfplumber's words, PDFium) and with
columns kept (pdftotext -layout, pdfplumber's text), the markdown conversions, and the HTML
reports as a browser gives them (chromium: the page copied; printed to PDF on Letter and A4, then
pasted in reading order or with columns kept): reports/s by wall clock and by the process's CPU
time (time.process_time), the mean CPU ms a report, beside the load average and the CPU ms of a
fixed pure-Python loop (the reference: on a loaded shared machine CPU time too stretches, and the
reference shows by how much against a quiet run). `--text-forms` prints only these rows.
Then OCR seconds per page: pages of the sample PDFs as scans (tests/helpers/scans.py: skew,
blur, dust, JPEG), each read in this process (the worker's start-up excluded), best of --ocr-runs,
by wall clock and CPU time; `--ocr` prints only these rows.
Targets: text and HTML ≥ 200 reports/s; PDF parse within 3× of the floor; each text form
≥ 300 reports/s and the published text ≥ 500 reports/s; OCR ≤ 3 s a page.

Office files (.doc/.odt/.rtf made by LibreOffice from the real reports, tests/helpers/office.py)
are converted by LibreOffice inside the parser: each is parsed once in a fresh Python process,
which reports the wall time and CPU time (its own and LibreOffice's) beside LibreOffice's bare
conversion of the same file (the floor), the peak RSS of itself (its own: VmHWM) and of its
largest child (LibreOffice) and their sum: an upper bound of what the two hold at once
(LibreOffice converts while the parser waits, holding its imports, before it reads the .docx).
Target: a converted .doc under 10 s and 400 MB (parser + LibreOffice peaks added up).
`--office` prints only these rows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ctypes  # noqa: E402

import pypdfium2 as pdfium  # noqa: E402
import pypdfium2.raw as pdfium_c  # noqa: E402

from parsers import ParseError, parse_bytes  # noqa: E402
from tests.fixtures_parsers import load_gold  # noqa: E402
from tests.helpers.browser_forms import HAS_CHROMIUM, PAGES, browser_forms  # noqa: E402
from tests.helpers.documents import TEST_DATA, all_documents, document  # noqa: E402
from tests.helpers.make_docs import jinan_spec, pingtan_2023_spec, to_docx, to_pdf  # noqa: E402
from tests.helpers.text_forms import pdfium_text, pdftotext, plumber_text, plumber_words  # noqa: E402


def pin_one_core() -> None:
    """Measure single-core speed, as one bot worker would see it."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def best_time(func: Callable[[], object], *, seconds: float) -> tuple[float, int]:
    """Fastest single run over repeated runs lasting about `seconds` (and at least 3 runs)."""
    runs: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(runs) < 3 or time.perf_counter() < deadline:
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return min(runs), len(runs)


def bare_char_read(data: bytes) -> None:
    """Every character of every page with its box: what any PDFium-based reader must do."""
    pdf = pdfium.PdfDocument(data)
    box = pdfium_c.FS_RECTF()
    for i in range(len(pdf)):
        page = pdf[i]
        textpage = page.get_textpage()
        n = pdfium_c.FPDFText_CountChars(textpage)
        buffer = ctypes.create_string_buffer((n + 1) * 2)
        pdfium_c.FPDFText_GetText(
            textpage, 0, n, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
        )
        buffer.raw[: n * 2].decode("utf-16-le", errors="replace")
        for j in range(n):
            pdfium_c.FPDFText_GetLooseCharBox(textpage, j, box)
        textpage.close()
        page.close()
    pdf.close()


def samples() -> dict[str, list[tuple[str, bytes]]]:
    gold = load_gold()
    by_format: dict[str, list[tuple[str, bytes]]] = {"text": [], "html": [], "docx": [], "pdf": []}
    for path in all_documents():
        kind = {".txt": "text", ".html": "html", ".pdf": "pdf"}.get(path.suffix)
        if kind:
            by_format[kind].append((path.name, path.read_bytes()))
    for name, spec in (("jinan (generated)", jinan_spec(gold)), ("pingtan 2023 (generated)",
                       pingtan_2023_spec(gold))):  # fmt: skip
        by_format["docx"].append((name + ".docx", to_docx(spec)))
        by_format["pdf"].append((name + ".pdf", to_pdf(spec)))
    return by_format


PDFS = ("hongze_district_2023.pdf", "hongze_district_2024.pdf", "huaian_city_2024.pdf")
TEXT_FORMS: dict[str, tuple[int, tuple[Callable[[Path], str], ...]]] = {
    "pasted reading order": (300, (pdftotext, plumber_words, pdfium_text)),
    "pasted layout": (300, (lambda pdf: pdftotext(pdf, "-layout"), plumber_text)),
}


def text_forms() -> dict[str, tuple[int, list[tuple[str, bytes]]]]:
    """Form → (floor in reports/s, files)."""
    published = [p for p in all_documents() if p.suffix == ".txt"]
    out = {"published": (500, [(p.name, p.read_bytes()) for p in published])}
    for form, (floor, makers) in TEXT_FORMS.items():
        files = [(f"{pdf} #{i}", make(document(pdf)).encode()) for pdf in PDFS
                 for i, make in enumerate(makers)]  # fmt: skip
        out[form] = (floor, files)
    markdown = sorted((TEST_DATA / "markdown").glob("*.md"))
    out["markdown"] = (300, [(p.name, p.read_bytes()) for p in markdown])
    if HAS_CHROMIUM:
        by_browser: dict[str, list[tuple[str, bytes]]] = {}
        for (name, form), text in browser_forms([document(n) for n in PAGES]).items():
            row = BROWSER_FORMS[form.split(" ", 1)[-1]]
            by_browser.setdefault(row, []).append((f"{name} {form}", text.encode()))
        out.update((row, (300, files)) for row, files in by_browser.items())
    return out


# The browser's forms (tests/helpers/browser_forms.py) by what they keep of the table.
BROWSER_FORMS = {
    "copied": "browser copied",
    "pdftotext": "browser print reading",
    "pdftotext -raw": "browser print reading",
    "pdfplumber": "browser print reading",
    "pdftotext -layout": "browser print layout",
    "pdfplumber layout": "browser print layout",
}


def reference_ms() -> float:
    """CPU ms of a fixed pure-Python loop: a loaded shared machine stretches it and every CPU
    figure beside it alike, so runs are compared by it (twice the reference, half the rate)."""
    start = time.process_time()
    total = 0
    for i in range(100_000):
        total += i
    return (time.process_time() - start) * 1e3


def cpu_time(func: Callable[[], object], *, seconds: float) -> float:
    """Mean CPU time of one run (the process's own time: other work on a busy machine does not
    count, unlike wall-clock time)."""
    runs = 0
    start, deadline = time.process_time(), time.perf_counter() + seconds
    while runs < 3 or time.perf_counter() < deadline:
        func()
        runs += 1
    return (time.process_time() - start) / runs


def parse_or_refuse(data: bytes) -> None:
    """One parse; a refusal (上海 2019's Letter print in reading order holds no table) is its
    answer, timed like any other."""
    with contextlib.suppress(ParseError):
        parse_bytes(data)


def rate(files: list[tuple[str, bytes]], seconds: float) -> tuple[float, float, str, float]:
    """Reports/s over the files by wall clock (mean of each file's best time) and by CPU time
    (the mean of each file's mean CPU time), and the slowest file by wall clock."""
    times = [(name, best_time(lambda d=data: parse_or_refuse(d), seconds=seconds)[0])
             for name, data in files]  # fmt: skip
    cpu = [cpu_time(lambda d=data: parse_or_refuse(d), seconds=seconds) for _, data in files]
    mean = sum(t for _, t in times) / len(times)
    slowest = max(times, key=lambda x: x[1])
    return 1 / mean, len(cpu) / sum(cpu), slowest[0], slowest[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time spent per file")
    parser.add_argument("--ocr-runs", type=int, default=2, help="OCR runs per page (best kept)")
    parser.add_argument("--text-forms", action="store_true", help="only the text-form rows")
    parser.add_argument("--office", action="store_true", help="only the office rows")
    parser.add_argument("--pdf", action="store_true", help="only the PDF rows (parse, floor)")
    parser.add_argument("--ocr", action="store_true", help="only the OCR rows")
    args = parser.parse_args()
    pin_one_core()
    if hasattr(os, "getloadavg"):  # other work on the machine slows every figure below
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    if args.text_forms:
        text_form_rows(args.seconds)
        return 0
    if args.office:
        office_rows()
        return 0
    if args.ocr:
        ocr_rows(max(1, args.ocr_runs))
        return 0
    by_format = samples()
    if args.pdf:
        pdf_rows(by_format["pdf"], args.seconds)
        return 0
    print(f"{'format':<6} {'files':>5} {'reports/s':>10} {'slowest file':<40} {'ms':>8}")
    for fmt, files in by_format.items():
        times = [(name, best_time(lambda d=data: parse_bytes(d), seconds=args.seconds)[0])
                 for name, data in files]  # fmt: skip
        mean = sum(t for _, t in times) / len(times)
        slowest = max(times, key=lambda x: x[1])
        print(
            f"{fmt:<6} {len(files):>5} {1 / mean:>10.1f} {slowest[0]:<40} {slowest[1] * 1e3:>8.1f}"
        )

    print()
    text_form_rows(args.seconds)
    print()
    office_rows()

    print()
    pdf_rows(by_format["pdf"], args.seconds)
    if args.ocr_runs > 0:
        print()
        ocr_rows(args.ocr_runs)
    return 0


def pdf_rows(files: list[tuple[str, bytes]], seconds: float) -> None:
    """Per sample PDF: parse beside the floor, the best of runs that alternate one parse and one
    floor read (timed one after the other, a change of load between them moved the ratio), by
    wall clock and by the process's CPU time: under load a 3 ms floor fits between two of the
    scheduler's switches far more often than a 9 ms parse does, so the best wall times favour
    the floor; CPU time does not count the time the process waits."""
    print(
        f"{'PDF':<34} {'parse ms':>9} {'floor ms':>9} {'ratio':>6} "
        f"{'parse cpu':>10} {'floor cpu':>10} {'ratio':>6}"
    )
    for name, data in files:
        wall, cpu = [float("inf")] * 2, [float("inf")] * 2
        deadline, runs = time.perf_counter() + 2 * seconds, 0
        while runs < 3 or time.perf_counter() < deadline:
            for i, read in enumerate((parse_bytes, bare_char_read)):
                start, start_cpu = time.perf_counter(), time.process_time()
                read(data)
                cpu[i] = min(cpu[i], time.process_time() - start_cpu)
                wall[i] = min(wall[i], time.perf_counter() - start)
            runs += 1
        print(
            f"{name:<34} {wall[0] * 1e3:>9.1f} {wall[1] * 1e3:>9.1f} {wall[0] / wall[1]:>6.2f} "
            f"{cpu[0] * 1e3:>10.1f} {cpu[1] * 1e3:>10.1f} {cpu[0] / cpu[1]:>6.2f}"
        )
    load = f"load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(load)


def text_form_rows(seconds: float) -> None:
    """A row per text form: reports/s by wall clock and by CPU, CPU ms a report, the floor."""
    print(f"{'text form':<22} {'files':>5} {'reports/s':>10} {'cpu/s':>7} {'cpu ms':>7} "
          f"{'floor':>6} {'slowest file':<44} {'ms':>6}")  # fmt: skip
    for form, (floor, files) in text_forms().items():
        per_second, per_cpu_second, slowest, ms = rate(files, seconds)
        print(
            f"{form:<22} {len(files):>5} {per_second:>10.1f} {per_cpu_second:>7.1f} "
            f"{1e3 / per_cpu_second:>7.2f} {floor:>6} {slowest:<44} {ms * 1e3:>6.2f}"
        )
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"reference loop: {min(reference_ms() for _ in range(5)):.1f} CPU ms{load}")


# Runs in a fresh interpreter: parse stdin once, then convert it again alone (the floor: what
# LibreOffice itself takes); print both times, the parse's CPU seconds (its own and
# LibreOffice's: they hold under load), the parser's own peak (VmHWM: ru_maxrss of
# RUSAGE_SELF would not do, Linux carries the spawning process's peak across exec, and this
# process is spawned by the bench, which holds every earlier row's files) and LibreOffice's
# (ru_maxrss of RUSAGE_CHILDREN: the largest finished descendant, soffice.bin), KiB, as JSON.
_OFFICE_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
def status(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))
def cpu():
    return sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage,
        (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
from parsers import parse_bytes
data = sys.stdin.buffer.read()
start, start_cpu = time.perf_counter(), cpu()
report = parse_bytes(data)
seconds, cpu_seconds = time.perf_counter() - start, cpu() - start_cpu
from parsers.office import convert_to_docx
start = time.perf_counter()
convert_to_docx(data, report.format)
alone = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "cpu": cpu_seconds, "alone": alone, "self": status("VmHWM"),
    "child": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def office_rows() -> None:
    """Office formats converted by LibreOffice: time and memory per file, then the rate."""
    from tests.helpers import office

    if office.shutil.which("soffice") is None:
        print("office: LibreOffice is not installed, no rows")
        return
    names = ["pingtan_2023.html", "huaian_city_2024.pdf", "luan_jinan_data_bureau_2020.txt"]
    print(
        f"{'office':<6} {'file':<34} {'parse s':>8} {'cpu s':>6} {'floor s':>8} "
        f"{'LibreOffice MB':>15} {'parser MB':>10} {'sum MB':>7}"
    )
    formats: tuple[office.Target, ...] = ("doc", "odt", "rtf")
    for fmt in formats:
        files = office.saved_as_word_many([(n, "full") for n in names], fmt)
        seconds, cpu = [], []
        for name, data in zip(names, files, strict=True):
            done = subprocess.run(
                [sys.executable, "-c", _OFFICE_CHILD, str(ROOT)],
                input=data, capture_output=True, check=True,
            )  # fmt: skip
            row = json.loads(done.stdout)
            child, own = row["child"] / 1024, row["self"] / 1024
            seconds.append(row["seconds"])
            cpu.append(row["cpu"])
            print(
                f"{fmt:<6} {name:<34} {row['seconds']:>8.2f} {row['cpu']:>6.2f} "
                f"{row['alone']:>8.2f} "
                f"{child:>15.0f} {own:>10.0f} {child + own:>7.0f}"
            )
        print(
            f"{fmt:<6} {'rate (reports/s)':<34} {len(seconds) / sum(seconds):>8.2f} "
            f"{len(cpu) / sum(cpu):>6.2f}"
        )
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"parse s and floor s by the clock, cpu s the parse's CPU with LibreOffice's (rate: "
          f"reports per CPU second){load}")  # fmt: skip


def ocr_rows(runs: int) -> None:
    """OCR seconds per page: a prose page and a table page of each sample PDF as a scan, by
    wall clock and by this process's CPU time (which other work on the machine inflates less)."""
    import numpy as np

    from parsers.ocr import DPI, read_page
    from tests.helpers.scans import Copier, jpeg, page_images

    print(f"{'OCR (scan, {DPI} dpi)':<34} {'page':>5} {'words':>6} {'s/page':>7} {'cpu s':>6}"
          .replace("{DPI}", str(DPI)))  # fmt: skip
    copier = Copier(dpi=DPI)
    read_page(np.full((200, 200), 255, dtype=np.uint8), DPI / 72)  # load the models once
    walls: list[float] = []
    cpus: list[float] = []
    for path in [p for p in all_documents() if p.suffix == ".pdf"]:
        for index in (0, 3):
            gray = np.array(jpeg(page_images(path.name, copier, [index])[0], copier.quality))
            wall = cpu = float("inf")
            for _ in range(runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                page = read_page(gray, DPI / 72)
                wall = min(wall, time.perf_counter() - start)
                cpu = min(cpu, time.process_time() - start_cpu)
            walls.append(wall)
            cpus.append(cpu)
            print(f"{path.name:<34} {index + 1:>5} {len(page.words):>6} {wall:>7.2f} {cpu:>6.2f}")
    load = f"   load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"{'mean':<34} {'':>5} {'':>6} {sum(walls) / len(walls):>7.2f} "
          f"{sum(cpus) / len(cpus):>6.2f}{load}")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
