"""ChartSpec → PNG bytes with matplotlib (Agg, no pyplot) and the CJK font bundled by mplfonts.

matplotlib's default DejaVu Sans has no Chinese glyphs (labels become empty boxes plus a
"Glyph … missing" warning), so the Noto Sans CJK SC file shipped in the `mplfonts` package is
registered once and every text element uses it. The figure is built with the object-oriented API
(`matplotlib.figure.Figure`), which keeps no global state and is safe in a worker thread.

Figures are written out exactly (3,985,760, never 3.98576e+06), both axes are titled, every source
is named under the plot and the warnings of the text answer are drawn with it. `PHONE` lays the
same chart out for a 375 px screen: narrower, larger type, agencies as horizontal bars.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from unicodedata import east_asian_width

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from mplfonts.conf import FONT_DIR

from query import ChartSpec

CJK_FONT_FILE = Path(FONT_DIR) / "NotoSansCJKsc-Regular.otf"
font_manager.fontManager.addfont(str(CJK_FONT_FILE))
CJK_FONT = font_manager.FontProperties(fname=str(CJK_FONT_FILE)).get_name()  # Noto Sans CJK SC

_RC: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [CJK_FONT],
    "axes.unicode_minus": False,  # the CJK font has no U+2212 minus glyph
    "axes.formatter.useoffset": False,
}
X_TITLES = {"line": "年度", "bar": "单位名称"}
WARNING_COLOR = "#b00020"
FOOTER_COLOR = "#555555"


@dataclass(frozen=True)
class Layout:
    """Size and type of a chart: the desktop picture, or one a phone shows at full width."""

    width: float  # inches
    height: float
    dpi: int
    font: float  # points of the smallest text (ticks, value labels, footer)
    horizontal: bool  # bars along the y-axis, so agency names need no rotation
    name_chars: int  # an agency name is wrapped after this many characters (horizontal bars)


DESKTOP = Layout(7.5, 5.2, 120, 8, horizontal=False, name_chars=0)
WIDE = Layout(9, 5.2, 120, 8, horizontal=False, name_chars=0)
PHONE = Layout(4.8, 4.6, 100, 11, horizontal=True, name_chars=8)  # 480 px shown at ~343 px
PHONE_BAR = 0.62  # inches per agency on a phone


def exact(value: float) -> str:
    """A figure as people write it: thousands separators, every digit, no exponent."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _number(value: Decimal | float | None) -> float:
    return math.nan if value is None else float(value)


def layout_for(spec: ChartSpec, *, phone: bool = False) -> Layout:
    if phone:
        return PHONE
    return WIDE if spec.kind == "bar" and len(spec.x) > 6 else DESKTOP


def draw_chart(spec: ChartSpec, *, phone: bool = False) -> Figure:
    """The figure of the spec: a line over years or bars over agencies, with title, both axis
    titles, the unit, a legend (several series), the warnings and every source under the plot."""
    layout = layout_for(spec, phone=phone)
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        footer = _footer(spec, layout)
        footer_inches = (len(footer) * 1.45 * layout.font + 6) / 72
        height = layout.height
        if layout.horizontal and spec.kind == "bar":
            height = 1.6 + PHONE_BAR * len(spec.x) * max(len(spec.series), 1) ** 0.5
        height += footer_inches
        figure = Figure(figsize=(layout.width, height), dpi=layout.dpi)
        axes = figure.subplots()
        if spec.kind == "bar" and layout.horizontal:
            _horizontal_bars(axes, spec, layout)
        elif spec.kind == "bar":
            _bars(axes, spec, layout)
        else:
            _lines(axes, spec, layout)
        axes.set_title(spec.title, fontsize=layout.font + 5, wrap=True)
        axes.grid(axis="x" if layout.horizontal and spec.kind == "bar" else "y", alpha=0.3)
        if len(spec.series) > 1:
            axes.legend(fontsize=layout.font)
        y = 0.01
        for line, color in reversed(footer):
            figure.text(0.01, y, line, fontsize=layout.font, color=color)
            y += 1.45 * layout.font / 72 / height
        figure.tight_layout(rect=(0, footer_inches / height, 1, 1))
        return figure


def render_chart(spec: ChartSpec, *, phone: bool = False) -> bytes:
    """The chart as PNG bytes (see draw_chart)."""
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        out = io.BytesIO()
        draw_chart(spec, phone=phone).savefig(out, format="png")
        return out.getvalue()


def _footer(spec: ChartSpec, layout: Layout) -> list[tuple[str, str]]:
    """(line, colour) under the plot: the warnings first, then the sources, wrapped to fit."""
    per_line = int(layout.width * 72 / layout.font) - 4  # CJK glyphs are one em wide
    lines = [
        (part, WARNING_COLOR) for note in spec.notes for part in _cut(f"注意：{note}", per_line)
    ]
    lines += [(part, FOOTER_COLOR) for part in _cut(spec.source, per_line)]
    return lines


def _cut(text: str, width: int) -> list[str]:
    """Lines of at most `width` ems (a Chinese character is one, a Latin letter about half),
    broken after a ；、， or space where one is near the end: file names stay whole."""
    lines: list[str] = []
    start, used, last_break = 0, 0.0, -1
    for index, char in enumerate(text):
        used += 1.0 if east_asian_width(char) in ("W", "F") else 0.55
        if char in "；、， ":
            last_break = index + 1
        if used > width:
            end = last_break if last_break > start and index - last_break < width // 2 else index
            lines.append(text[start:end])
            start, last_break = end, -1
            used = sum(
                1.0 if east_asian_width(c) in ("W", "F") else 0.55 for c in text[start : index + 1]
            )
    if start < len(text):
        lines.append(text[start:])
    return lines


def _value_axis(axis: Any, spec: ChartSpec, layout: Layout) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _: exact(value)))
    if spec.unit == "件":
        axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_tick_params(labelsize=layout.font)


def _value_title(spec: ChartSpec) -> str:
    return f"数值（单位：{spec.unit}）" if spec.unit else "数值"


def _lines(axes: Any, spec: ChartSpec, layout: Layout) -> None:
    positions = list(range(len(spec.x)))
    for name, values in spec.series:
        # missing years are skipped, so the line joins the years that have a report
        points = [(p, y) for p, y in zip(positions, map(_number, values), strict=False) if y == y]
        axes.plot([p for p, _ in points], [y for _, y in points], marker="o", label=name)
        for x, y in points:
            axes.annotate(
                exact(y), (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                fontsize=layout.font,
            )  # fmt: skip
    crowded = len(spec.x) * (layout.font * 3.2 / 72) > layout.width
    axes.set_xticks(positions, spec.x, rotation=45 if crowded else 0, fontsize=layout.font)
    axes.set_xlabel(X_TITLES["line"], fontsize=layout.font + 1)
    axes.set_ylabel(_value_title(spec), fontsize=layout.font + 1)
    _value_axis(axes.yaxis, spec, layout)
    axes.set_ylim(0, axes.get_ylim()[1] * 1.12)  # headroom for the value labels
    if len(positions) == 1:
        axes.set_xlim(-1, 1)


def _bars(axes: Any, spec: ChartSpec, layout: Layout) -> None:
    positions = list(range(len(spec.x)))
    count = max(len(spec.series), 1)
    width = 0.8 / count
    for index, (name, values) in enumerate(spec.series):
        offset = (index - (count - 1) / 2) * width
        bars = axes.bar([p + offset for p in positions], list(map(_number, values)), width,
                        label=name)  # fmt: skip
        axes.bar_label(bars, labels=[exact(v) if v == v else "" for v in bars.datavalues],
                       fontsize=layout.font)  # fmt: skip
    wide = len(spec.x) > 6
    axes.set_xticks(positions, spec.x, rotation=30 if wide else 0,
                    ha="right" if wide else "center", fontsize=layout.font)  # fmt: skip
    axes.set_xlabel(X_TITLES["bar"], fontsize=layout.font + 1)
    axes.set_ylabel(_value_title(spec), fontsize=layout.font + 1)
    _value_axis(axes.yaxis, spec, layout)
    axes.set_ylim(0, axes.get_ylim()[1] * 1.08)


def _horizontal_bars(axes: Any, spec: ChartSpec, layout: Layout) -> None:
    """Agencies down the page, the first on top, names wrapped: a phone is taller than wide."""
    positions = list(range(len(spec.x)))
    count = max(len(spec.series), 1)
    height = 0.8 / count
    for index, (name, values) in enumerate(spec.series):
        offset = (index - (count - 1) / 2) * height
        bars = axes.barh([p + offset for p in positions], list(map(_number, values)), height,
                         label=name)  # fmt: skip
        axes.bar_label(bars, labels=[exact(v) if v == v else "" for v in bars.datavalues],
                       fontsize=layout.font, padding=2)  # fmt: skip
    names = ["\n".join(_cut(x, layout.name_chars)) for x in spec.x]
    axes.set_yticks(positions, names, fontsize=layout.font)
    axes.invert_yaxis()
    axes.set_ylabel(X_TITLES["bar"], fontsize=layout.font + 1)
    axes.set_xlabel(_value_title(spec), fontsize=layout.font + 1)
    _value_axis(axes.xaxis, spec, layout)
    axes.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=spec.unit == "件"))
    axes.set_xlim(0, axes.get_xlim()[1] * 1.3)  # room for the value after the longest bar
