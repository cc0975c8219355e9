"""Charts render Chinese text with the bundled CJK font (no empty boxes) as PNG."""

from __future__ import annotations

import io
from collections.abc import Iterator

import matplotlib
import matplotlib.image as mpimg
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

import charts
from charts import CJK_FONT, CJK_FONT_FILE, draw_chart, exact, render_chart
from query import ChartSpec

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def cjk_rc() -> Iterator[None]:
    """The settings render_chart draws under: tick labels, made when drawn, use the CJK font."""
    with matplotlib.rc_context(charts._RC):
        yield


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
    """Dark pixels above the plot's frame (its first row inked across half the width), where
    the title is drawn."""
    image = mpimg.imread(io.BytesIO(png))
    dark = image[..., :3].mean(axis=2) < 0.5
    frame = int(np.argmax(dark.mean(axis=1) > 0.5))
    return dark[:frame]


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
    # 7.5 × 5.2 inches at 120 dpi, and one line of footer under the plot
    assert image.shape[:2] == (624 + round((1.45 * 8 + 6) / 72 * 120), 900)
    band = title_band(png)
    assert 11 <= glyph_columns(band) <= 20  # "淮安市 2024 年各单位申请数量": 15 glyphs


def test_all_missing_or_zero_values_still_render() -> None:
    empty = ChartSpec("金安区 申请数量", "line", ["2020"], [("本年新收", [None])], "件", "")
    zero = ChartSpec("金安区 申请数量", "bar", ["2020"], [("本年新收", [0.0])], "件", "")
    assert render_chart(empty).startswith(PNG_MAGIC)
    assert render_chart(zero).startswith(PNG_MAGIC)


BIG = ChartSpec(
    title="某市 · 公开信息数",
    kind="bar",
    x=["甲县人民政府", "乙县人民政府"],
    series=[("公开信息数", [3985760.0, 1234.5])],
    unit="条",
    source="数据来源：jia_2024.pdf；yi_2024.docx；bing_2024.html",
    notes=("乙县人民政府 2024年度：勾稽关系未通过：总计 10 ≠ 分项之和 9",),
)


def drawn_texts(figure: Figure) -> list[Text]:
    figure.canvas.draw()
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text()]


def test_figures_are_exact_with_thousands_separators_never_scientific() -> None:
    texts = [t.get_text() for t in drawn_texts(draw_chart(BIG))]
    assert "3,985,760" in texts and "1,234.5" in texts  # the bar labels
    assert not [t for t in texts if "e+" in t or "×10" in t]
    ticks = [t.get_text() for t in draw_chart(BIG).axes[0].get_yticklabels()]
    assert "3,000,000" in ticks
    assert exact(3985760.0) == "3,985,760" and exact(0.25) == "0.25" and exact(12.0) == "12"


def test_both_axes_are_titled() -> None:
    assert draw_chart(LINE).axes[0].get_xlabel() == "年度"
    assert draw_chart(LINE).axes[0].get_ylabel() == "数值（单位：件）"
    assert draw_chart(BIG).axes[0].get_xlabel() == "单位名称"
    phone = draw_chart(BIG, phone=True).axes[0]  # agencies down the page on a phone
    assert (phone.get_ylabel(), phone.get_xlabel()) == ("单位名称", "数值（单位：条）")


def test_every_source_is_named_and_the_warning_is_drawn_in_red() -> None:
    for phone in (False, True):
        figure = draw_chart(BIG, phone=phone)
        # the figure's own texts, top line first: the warnings, then the sources
        footer = sorted(figure.texts, key=lambda t: -t.get_position()[1])
        joined = "".join(t.get_text() for t in footer)
        for name in ("jia_2024.pdf", "yi_2024.docx", "bing_2024.html"):
            assert name in joined
        warning = [t for t in footer if t.get_color() == charts.WARNING_COLOR]
        assert "".join(t.get_text() for t in warning) == f"注意：{BIG.notes[0]}"


SHOWN_PX = 343  # a 375 px phone less the page's margins


def test_a_phone_chart_is_readable_at_375_px_and_nothing_is_cut_off() -> None:
    """Every text of the phone chart is at least 10 px high once the picture is shrunk to the
    phone's width, and inside the picture; the desktop chart shrunk the same way is not."""
    names = [f"淮安市第{n}区人民政府办公室" for n in range(20)]
    source = "数据来源：各单位 2024 年度年报 表三“一、本年新收政府信息公开申请数量”"
    values = [float(1000 * n + 7) for n in range(20)]
    spec = ChartSpec("淮安市 · 2024年度 · 新收申请数量（前 20 名）", "bar", names,
                     [("新收", values)], "件", source)  # fmt: skip
    for phone, readable in ((True, True), (False, False)):
        figure = draw_chart(spec, phone=phone)
        texts = drawn_texts(figure)
        width_px = figure.get_figwidth() * figure.dpi
        smallest = min(t.get_fontsize() * figure.dpi / 72 for t in texts) * SHOWN_PX / width_px
        assert bool(smallest >= 10) is readable, (phone, smallest)
    image = mpimg.imread(io.BytesIO(render_chart(spec, phone=True)))
    dark = image[..., :3].mean(axis=2) < 0.6
    edges = [dark[:, :3], dark[:, -3:], dark[:3, :], dark[-3:, :]]
    assert not any(edge.any() for edge in edges)  # no text runs off the picture
    assert image.shape[1] == 480  # shown at 343 px: scaled by 0.71, not by 0.38 as 900 px
