"""Column-preserving text read by the columns its numbers stand in (parsers/columns.py), on a
page of 表三 laid out the way pdftotext -layout lays out one with blank cells."""

from __future__ import annotations

from parsers.text import text_document

WORDS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
CENTERS = (41, 49, 57, 66, 76, 85, 91)


def at(line: str, center: float, word: str) -> str:
    return line.ljust(int(center - (len(word) - 1) / 2)) + word


def row(label: str, cells: list[str], centers: tuple[float, ...] = CENTERS) -> str:
    line = label
    for center, value in zip(centers, cells, strict=True):
        if value:
            line = at(line, center, value)
    return line


def page(*rows: str) -> list[list[str]]:
    header = ""
    for center, word in zip(CENTERS, WORDS, strict=True):
        header = at(header, center, word)
    text = "\n".join(["三、收到和处理政府信息公开申请情况", header, *rows])
    return [r[-7:] for r in text_document(text).rows[1:]]


def test_blank_cells_are_kept_in_the_columns_the_numbers_stand_in() -> None:
    rows = page(
        row("一、本年新收政府信息公开申请数量", ["5", "", "", "", "", "", "5"]),
        row("二、上年结转政府信息公开申请数量", ["12", "3", "1", "0", "0", "0", "16"]),
        "（六）其他处理 1、申请人无正当理由逾期不补",
        row("正、行政机关不再处理其政府信息公开申请", ["3", "", "", "", "", "1", "4"]),
        "          2.申请人逾期未按收费通知要求缴纳费用",
        row("（七）总计", ["8", "", "", "", "", "1", "9"]),
    )
    assert rows == [
        ["5", "", "", "", "", "", "5"],
        ["12", "3", "1", "0", "0", "0", "16"],
        ["3", "", "", "", "", "1", "4"],  # the wrapped label's first line is no blank row
        ["", "", "", "", "", "", ""],  # a whole sub-row label without numbers: blank
        ["8", "", "", "", "", "1", "9"],
    ]


def test_a_number_between_two_columns_is_not_placed() -> None:
    """法律服务机构's column drifts to between 社会公益组织 and 法律服务机构: no clear column,
    the page's rows are left as printed (missing, not guessed)."""
    drifted = (41, 49, 57, 66, 71, 85, 91)
    rows = page(
        row("一、本年新收政府信息公开申请数量", ["5", "", "", "", "2", "", "7"], drifted),
        row("二、上年结转政府信息公开申请数量", ["1", "", "", "", "", "", "1"]),
    )
    assert rows == [["一、本年新收政府信息公开申请数量", "5", "2", "7"],
                    ["二、上年结转政府信息公开申请数量", "1", "1"]]  # fmt: skip


def test_a_row_whose_total_breaks_its_sum_is_left_as_printed() -> None:
    rows = page(
        row("一、本年新收政府信息公开申请数量", ["5", "", "", "", "", "", "6"]),
        row("二、上年结转政府信息公开申请数量", ["1", "", "", "", "", "", "1"]),
    )
    assert rows == [["一、本年新收政府信息公开申请数量", "5", "6"], ["1", "", "", "", "", "", "1"]]


def test_header_words_run_together_are_spread_between_the_words_around_them() -> None:
    """pdfplumber's layout text of 上海 2019's print: the four organisation headers come out as
    one run of characters (商业企业科研机构社会公益组织法律服务机构), a character a column, far
    left of the columns they head. Only the run's first word and the words apart from it stand
    where they are printed; the numbers are placed by those, the run spread evenly between."""
    header = at("", 41, "自然人")
    header = header.ljust(47) + "商业企业科研机构社会公益组织法律服务机构"
    header = at(at(header, 85, "其他"), 91, "总计")
    text = "\n".join(
        [
            "三、收到和处理政府信息公开申请情况",
            header,
            row("一、本年新收政府信息公开申请数量", ["5", "", "", "", "2", "1", "8"]),
            row("二、上年结转政府信息公开申请数量", ["1", "", "", "", "", "", "1"]),
        ]
    )
    rows = [r[-7:] for r in text_document(text).rows[1:]]
    assert rows == [["5", "", "", "", "2", "1", "8"], ["1", "", "", "", "", "", "1"]]
