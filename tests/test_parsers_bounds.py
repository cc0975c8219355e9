"""Documents far beyond any report's size are refused in one Chinese line before the expensive
part: a 49.5 MB web page of table rows cost 35 s and 1.7 GB (lxml's tree of ten million
elements, then the mapper), 49.5 MB of text rows 166 s and 3.8 GB (issue #11, item 8).

`bot.py parse` runs as a real process; its peak memory is the kernel's figure for that child.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from parsers.extract import MAX_HTML_TAGS, MAX_TEXT_CHARS, extract
from tests.helpers.documents import all_documents
from tests.helpers.hostile import run_measured, table_page, text_rows

PROJECT = Path(__file__).resolve().parent.parent
PEAK_MB = 400


@pytest.mark.parametrize(
    ("name", "make", "refusal"),
    [("rows.html", table_page, "网页过于庞大"), ("rows.txt", text_rows, "文本过长")],
)
def test_a_huge_document_is_refused_in_one_line_within_the_memory_bound(
    tmp_path: Path, name: str, make: Callable[[], bytes], refusal: str
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    run = run_measured([sys.executable, "bot.py", "parse", str(path)], cwd=PROJECT, env=env)
    assert run.code == 2
    assert run.err.startswith(f"错误：{refusal}") and run.err.count("\n") == 1, run.err
    assert run.peak_mb < PEAK_MB, f"peak {run.peak_mb:.0f} MB"


def test_the_bounds_are_far_above_any_real_report() -> None:
    """The bundled reports read 3,000–6,000 characters, from pages of at most 2,200 tags."""
    for path in all_documents():
        data = path.read_bytes()
        assert len(extract(data).text) * 100 < MAX_TEXT_CHARS, path.name
        if path.suffix == ".html":
            assert data.count(b"<") * 100 < MAX_HTML_TAGS, path.name
