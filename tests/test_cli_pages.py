"""Photos of report pages on the command line: `parse` takes them as the pages of one report.

The pictures are real pages of 淮安 2024 rendered in the test (tests/helpers/scans.py) and read
by OCR; the checks that need no OCR use a page with nothing on it, or a file that is no picture.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from bot import dispatch
from settings import Settings
from tests.helpers.documents import document

pytestmark = pytest.mark.usefixtures("ocr_read_once")  # tests/fixtures_parsers.py


def run(argv: list[str], tmp_path: Path) -> int:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}", seed_samples=False, telegram_bot_token=None
    )
    return dispatch(argv, settings)


def blank_page(path: Path) -> Path:
    image = BytesIO()
    Image.new("L", (600, 850), 255).save(image, "PNG")
    path.write_bytes(image.getvalue())
    return path


def test_parse_of_several_pictures_reads_them_as_the_pages_of_one_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = blank_page(tmp_path / "1.png"), blank_page(tmp_path / "2.png")
    assert run(["parse", str(first), str(second)], tmp_path) == 2
    assert (
        capsys.readouterr().err
        == "错误：未找到政府信息公开工作年度报告的表格，这似乎不是一份年报\n"
    )
    text = document("luan_jinan_data_bureau_2020.txt")
    assert run(["parse", str(first), str(text)], tmp_path) == 2
    assert (
        capsys.readouterr().err
        == "错误：只能把图片（PNG、JPEG）合成一份年报，其中有文件不是图片\n"
    )
