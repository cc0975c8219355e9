"""Charts render Chinese text with the bundled CJK font (no empty boxes) as PNG."""

from __future__ import annotations

import io

import matplotlib.image as mpimg
import numpy as np
from matplotlib import font_manager

import charts
from charts import CJK_FONT, CJK_FONT_FILE, render_chart
from query import ChartSpec

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


LINE = ChartSpec(
    title="平潭综合实验区 申请数量",
    kind="line",
    x=["2019", "2021", "2023"],
    series=[("本年新收", [64.0, None, 70.0])],
    unit="件",
    source="平潭综合实验区 2019、2021、2023 年度报告",
)
BARS = ChartSpec(
    title="淮安市 2024 年各单位申请数量",
    kind="bar",
    x=["淮安市人民政府", "淮安市洪泽区人民政府"],
    series=[("本年新收", [120.0, 33.0]), ("上年结转", [4.0, 0.0])],
    unit="件",
    source="2024 年度报告",
)


def title_band(png: bytes) -> np.ndarray:
    """Dark pixels of the top 8 % of the image, where the title is drawn."""
    image = mpimg.imread(io.BytesIO(png))
    gray = image[..., :3].mean(axis=2)
    return gray[: int(gray.shape[0] * 0.08)] < 0.5


def glyph_columns(band: np.ndarray) -> int:
    """Separate runs of inked columns: one per drawn glyph (tofu boxes run together)."""
    inked = band.any(axis=0).astype(int)
    return int(np.count_nonzero(np.diff(inked) == 1))


def test_the_cjk_font_is_noto_sans_cjk_with_chinese_glyphs() -> None:
    """The family comes from mplfonts' file; where Debian's fonts-noto-cjk is installed too,
    matplotlib may resolve the same family to the system's collection. Either way the font
    drawn has the glyphs of the charts' Chinese words."""
    assert CJK_FONT == "Noto Sans CJK SC"
    assert CJK_FONT_FILE.name == "NotoSansCJKsc-Regular.otf"
    assert charts._RC["font.sans-serif"] == ["Noto Sans CJK SC"]
    found = font_manager.findfont(
        font_manager.FontProperties(family=[CJK_FONT]), fallback_to_default=False
    )
    font = font_manager.get_font(found)
    assert font.family_name == "Noto Sans CJK SC"
    assert all(font.get_char_index(ord(c)) for c in "政府信息公开年度申请数量")


def test_line_chart_is_a_png_with_the_chinese_title_drawn_as_glyphs() -> None:
    # filterwarnings=error: a "Glyph … missing from font" warning would fail this test
    png = render_chart(LINE)
    assert png.startswith(PNG_MAGIC)
    band = title_band(png)
    assert band.sum() > 800  # ink in the title region
    # "平潭综合实验区 申请数量" is 11 glyphs; each is its own island of ink
    assert 10 <= glyph_columns(band) <= 16


def test_bar_chart_over_agencies_renders_with_a_legend() -> None:
    png = render_chart(BARS)
    assert png.startswith(PNG_MAGIC)
    image = mpimg.imread(io.BytesIO(png))
    assert image.shape[:2] == (624, 900)  # 7.5 × 5.2 inches at 120 dpi
    band = title_band(png)
    assert 11 <= glyph_columns(band) <= 20  # "淮安市 2024 年各单位申请数量": 15 glyphs


def test_all_missing_or_zero_values_still_render() -> None:
    empty = ChartSpec("金安区 申请数量", "line", ["2020"], [("本年新收", [None])], "件", "")
    zero = ChartSpec("金安区 申请数量", "bar", ["2020"], [("本年新收", [0.0])], "件", "")
    assert render_chart(empty).startswith(PNG_MAGIC)
    assert render_chart(zero).startswith(PNG_MAGIC)
