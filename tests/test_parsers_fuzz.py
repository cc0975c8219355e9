"""Fuzzing the text and HTML paths: whatever the input, parsing either gives a report or raises
ParseError. Extraction and mapping are called directly, below `parse_bytes`' last-resort
catch-all, so a crash is seen here instead of being turned into a generic message."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import parse_document
from parsers.extract import extract
from parsers.model import ParsedReport, ParseError
from tests.helpers.documents import document

TEXTS = [
    document(name).read_bytes()
    for name in ("luan_jinan_data_bureau_2020.txt", "pingtan_2021.txt", "pingtan_2023.txt")
]
PAGES = [document(name).read_bytes() for name in ("shanghai_gov_office_2019.html",)]
WORDS = [
    "一、本年新收政府信息公开申请数量", "（三）不予公开", "1.属于国家秘密", "（七）总计",
    "第二十条第（一）项", "信息内容", "规章", "本年制发件数", "行政复议", "行政诉讼", "总计",
    "2023年政府信息公开工作年度报告", "平潭综合实验区", "251000元", "/", "—", "无", "0", "7",
    "64", "3985758", "5949.088667", "-1", "１２", "\t", "  ", "\n", "\r\n", "\u00a0", "\ufeff",
]  # fmt: skip
FUZZ = settings(
    max_examples=40,
    deadline=None,  # what is fuzzed is which exceptions escape; speed is bench/parse.py's
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

report_text = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=80).map(
    "".join
)


def parses_or_refuses(data: bytes) -> None:
    try:
        assert isinstance(parse_document(extract(data)), ParsedReport)
    except ParseError as err:
        assert str(err)


@FUZZ
@given(report_text)
def test_random_report_like_text_only_raises_parse_error(text: str) -> None:
    parses_or_refuses(text.encode())


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_only_raise_parse_error(data: bytes) -> None:
    parses_or_refuses(data)


@st.composite
def mutated(draw: st.DrawFn, sources: list[bytes]) -> bytes:
    """A real document with a few slices deleted, duplicated or overwritten."""
    data = draw(st.sampled_from(sources))
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 400)))
        action = draw(st.sampled_from(["delete", "duplicate", "replace"]))
        if action == "delete":
            data = data[:start] + data[end:]
        elif action == "duplicate":
            data = data[:end] + data[start:end] + data[end:]
        else:
            data = data[:start] + draw(report_text).encode() + data[end:]
    return data


@FUZZ
@given(mutated(TEXTS))
def test_mutated_text_reports_only_raise_parse_error(data: bytes) -> None:
    parses_or_refuses(data)


@FUZZ
@given(mutated(PAGES))
def test_mutated_html_reports_only_raise_parse_error(data: bytes) -> None:
    parses_or_refuses(data)


span = st.one_of(st.none(), st.integers(-3, 8).map(str), st.sampled_from(["", "x", "99999999"]))


@st.composite
def html_tables(draw: st.DrawFn) -> bytes:
    """Tables with random cells and arbitrary (even nonsensical) rowspan/colspan values."""
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        cells = []
        for _ in range(draw(st.integers(0, 9))):
            attrs = "".join(
                f" {name}='{value}'"
                for name in ("rowspan", "colspan")
                if (value := draw(span)) is not None
            )
            tag = draw(st.sampled_from(["td", "th"]))
            cells.append(f"<{tag}{attrs}>{draw(report_text)}</{tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    title = draw(st.sampled_from(["", "<p>2021年政府信息公开工作年度报告</p>"]))
    return f"<html><body>{title}<table>{''.join(rows)}</table></body></html>".encode()


@FUZZ
@given(html_tables())
def test_random_html_tables_only_raise_parse_error(data: bytes) -> None:
    parses_or_refuses(data)
