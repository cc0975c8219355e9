"""Peak memory of parsing, ingesting and uploading hostile inputs (issue #11), each in a child
process whose peak resident set the kernel reports when it is reaped (wait4's ru_maxrss, taken
by a small launcher: see tests/helpers/hostile.py).

    python bench/memory.py [--repeat 3] [--bomb-gib 1.9]

Inputs: a .docx whose zip directory declares 40 MiB for a document.xml that inflates to
--bomb-gib GiB (zipfile writes such a member without zip64 only under 2 GiB), a 49.5 MB web
page of table rows, 49.5 MB of text rows, a scan (an image-only PDF of a real report's pages, read
by OCR in its worker process), a Word 97 .doc (converted by LibreOffice in a subprocess), and a
real PDF report (the floor: an ordinary report).
- `parse`: `bot.py parse FILE`;  `ingest`: `bot.py ingest FILE` into a fresh SQLite file;
- `4× /check`: `bot.py run` over the fake Bot API on 127.0.0.1 while four users send the file
  with the caption /check at once (files over the 20 MB upload limit are refused unread, so the
  page and the text are cut to 19.5 MB for this row). The bot stops on SIGTERM after the four
  replies; its peak covers start-up, the four downloads and checks.
Target: every peak under 400 MB. Times are wall-clock seconds of the whole child, best of
--repeat (the machine is shared: treat them as rough); peaks are the largest of the runs.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.bot_driver import BotDriver  # noqa: E402
from tests.helpers.documents import document  # noqa: E402
from tests.helpers.fake_bot_api import FakeBotApi  # noqa: E402
from tests.helpers.hostile import Run, lying_docx, run_measured, table_page, text_rows  # noqa: E402
from tests.helpers.office import saved_as_word  # noqa: E402
from tests.helpers.scans import scanned_pdf  # noqa: E402

TARGET_MB = 400
UPLOAD = int(19.5 * 1024 * 1024)
REAL = document("hongze_district_2024.pdf")


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL")}
    return {**base, "LOG_LEVEL": "WARNING", "SEED_SAMPLES": "false", **extra}


def bot(*args: str, work: Path, **extra: str) -> Run:
    return run_measured([sys.executable, str(ROOT / "bot.py"), *args], cwd=work, env=env(**extra))


def parse(path: Path, work: Path) -> Run:
    return bot("parse", str(path), work=work)


def ingest(path: Path, work: Path) -> Run:
    database = tempfile.mktemp(suffix=".sqlite3", dir=work)
    return bot(
        "ingest", "--workers", "1", str(path), work=work, DATABASE_URL=f"sqlite:///{database}"
    )


def four_checks(path: Path, work: Path) -> Run:
    """`bot.py run` while four users send `path` captioned /check; stopped after the replies."""
    data = path.read_bytes()
    with FakeBotApi() as api:
        driver = BotDriver(None, api)
        for user in range(4):
            document = driver.document(data, path.name)
            message = driver.message(
                None, chat_id=2000 + user, document=document, caption="/check"
            )
            api.queue_update({"message": message})
        database = tempfile.mktemp(suffix=".sqlite3", dir=work)
        cmd = [sys.executable, str(ROOT / "bot.py"), "run"]
        extra = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
                 "DATABASE_URL": f"sqlite:///{database}"}  # fmt: skip
        stopper = _stop_after(api, replies=4)
        run = run_measured(cmd, cwd=work, env=env(**extra), on_start=stopper)
        replies = [text.splitlines()[0] for text in api.sent_texts()]
    return Run(run.code, "\n".join(dict.fromkeys(replies)), run.err, run.peak_mb)


def _stop_after(api: FakeBotApi, *, replies: int) -> Callable[[int], None]:
    def stop(pid: int) -> None:
        api.wait_for("sendMessage", count=replies, timeout=300)
        os.kill(pid, signal.SIGTERM)

    return stop


def first_line(run: Run) -> str:
    text = (run.err.strip() or run.out.strip()).splitlines()
    line = next((x for x in text if x.strip() and not x.startswith(("┏", "┃", "┡", "└"))), "")
    return line[:60]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--bomb-gib", type=float, default=1.9)  # zipfile writes < 2 GiB
    parser.add_argument("--only", nargs="*", default=[], help="inputs whose name has a word")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-memory-") as tmp:
        work = Path(tmp)
        print("making the inputs…", file=sys.stderr)
        bomb = work / "bomb.docx"
        bomb.write_bytes(lying_docx(declared=40 << 20, actual=int(args.bomb_gib * (1 << 30))))
        scan = work / "scan.pdf"
        scan.write_bytes(scanned_pdf(REAL.name))
        doc = work / "report.doc"
        doc.write_bytes(saved_as_word(REAL.name, "doc"))
        inputs = {
            "lying zip bomb .docx": (bomb, bomb),
            "49.5 MB HTML of rows": (work / "rows.html", work / "rows-upload.html"),
            "49.5 MB text of rows": (work / "rows.txt", work / "rows-upload.txt"),
            "scanned PDF (OCR)": (scan, scan),
            "Word 97 .doc": (doc, doc),
            "real PDF report (floor)": (REAL, REAL),
        }
        for make, (big, small) in zip((table_page, text_rows),
                                      list(inputs.values())[1:3], strict=True):  # fmt: skip
            big.write_bytes(make())
            small.write_bytes(make(UPLOAD))
        operations = {"parse": parse, "ingest": ingest, "4× /check": four_checks}
        print(f"{'input':<26}{'MB':>7}  {'operation':<11}{'s':>7}{'peak MB':>9}  result")
        worst = 0.0
        chosen = {
            n: v for n, v in inputs.items() if not args.only or any(w in n for w in args.only)
        }
        for name, (big, small) in chosen.items():
            for label, operation in operations.items():
                path = small if label == "4× /check" else big
                runs = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    run = operation(path, work)
                    runs.append((time.perf_counter() - start, run))
                seconds = min(s for s, _ in runs)
                peak = max(r.peak_mb for _, r in runs)
                worst = max(worst, peak)
                size = path.stat().st_size / 1024 / 1024
                print(f"{name:<26}{size:>7.1f}  {label:<11}{seconds:>7.1f}{peak:>9.0f}  "
                      f"{first_line(runs[-1][1])}")  # fmt: skip
        verdict = "under" if worst < TARGET_MB else "OVER"
        print(f"largest peak {worst:.0f} MB: {verdict} the {TARGET_MB} MB target")


if __name__ == "__main__":
    main()
