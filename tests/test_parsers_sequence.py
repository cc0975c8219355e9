"""表三 read by the order of its numbers (parsers/sequence.py) when no reading keeps the column
rules V1/V2: kept, with the failed check, only when the row labels placed the same numbers (the
report misprints); otherwise every cell is withheld, its candidates offered (the order may have
misplaced them). Built from the real reports."""

from __future__ import annotations

import re

from parsers import parse_bytes
from parsers.model import AMBIGUOUS
from tests.helpers.documents import document
from tests.helpers.text_forms import pdftotext


def test_numbers_in_reading_order_that_break_v1_are_withheld() -> None:
    """洪泽 2023 pasted in reading order (pdftotext): 本年新收's row comes out a number a line
    before its label. Misprinted 22 … 22 for 21 … 21, its own sum still holds but V1 does not
    (22 + 0 ≠ 21 + 0), and no label sits beside the numbers to vouch: 表三 is withheld."""
    text = pdftotext(document("hongze_district_2023.pdf"))
    row = re.compile(r"21(\n+0){5}\n+21(?=\n+二、上年结转)")
    assert len(row.findall(text)) == 1
    misprinted = row.sub(lambda m: m.group(0).replace("21", "22"), text)
    report = parse_bytes(misprinted.encode("utf-8"))
    natural = report.cells["apply.new.natural"]
    assert natural.value is None and AMBIGUOUS in natural.flags and 22 in natural.candidates
    assert report.cells["result.total.total"].value is None
    assert any("勾稽关系（V1/V2）" in w for w in report.warnings)
    assert parse_bytes(text.encode("utf-8")).cells["apply.new.natural"].value == 21


def test_a_misprint_the_labels_vouch_for_is_read_as_printed_with_its_check_failed() -> None:
    """金安区 2020's published text: each row's cells beside its label. Misprinted 1 … 1 for
    本年新收's 0 … 0, the labels place the same numbers the order does: read as printed, and
    V1 says the table does not add up."""
    text = document("luan_jinan_data_bureau_2020.txt").read_text("utf-8")
    printed = "一、本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0"
    assert text.count(printed) == 1
    misprinted = text.replace(printed, "一、本年新收政府信息公开申请数量\t\t1\t0\t0\t0\t0\t0\t1")
    report = parse_bytes(misprinted.encode("utf-8"))
    assert report.cells["apply.new.natural"].value == 1
    assert report.cells["apply.new.total"].value == 1
    assert any(c.rule == "V1" and not c.ok for c in report.checks)
