"""ChartSpec → PNG bytes with matplotlib (Agg, no pyplot) and the CJK font bundled by mplfonts.

matplotlib's default DejaVu Sans has no Chinese glyphs (labels become empty boxes plus a
"Glyph … missing" warning), so the Noto Sans CJK SC file shipped in the `mplfonts` package is
registered once and every text element uses it. The figure is built with the object-oriented API
(`matplotlib.figure.Figure`), which keeps no global state and is safe in a worker thread.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from mplfonts.conf import FONT_DIR

from query import ChartSpec

CJK_FONT_FILE = Path(FONT_DIR) / "NotoSansCJKsc-Regular.otf"
font_manager.fontManager.addfont(str(CJK_FONT_FILE))
CJK_FONT = font_manager.FontProperties(fname=str(CJK_FONT_FILE)).get_name()  # Noto Sans CJK SC

_RC: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [CJK_FONT],
    "axes.unicode_minus": False,  # the CJK font has no U+2212 minus glyph
}


def _number(value: Decimal | float | None) -> float:
    return math.nan if value is None else float(value)


def render_chart(spec: ChartSpec) -> bytes:
    """Draw the spec as a PNG: a line over years or bars over agencies, with title, unit,
    legend (several series) and the source note under the plot."""
    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        labels = [str(label) for label in spec.x]
        wide = spec.kind == "bar" and len(labels) > 6
        figure = Figure(figsize=(9 if wide else 7.5, 5.2), dpi=120)
        axes = figure.subplots()
        positions = list(range(len(labels)))
        count = max(len(spec.series), 1)
        width = 0.8 / count
        for index, (name, values) in enumerate(spec.series):
            numbers = [_number(v) for v in values]
            if spec.kind == "bar":
                offset = (index - (count - 1) / 2) * width
                bars = axes.bar([p + offset for p in positions], numbers, width, label=name)
                axes.bar_label(bars, fmt="%g", fontsize=8)
            else:
                # missing years are skipped, so the line joins the years that have a report
                points = [(p, y) for p, y in zip(positions, numbers, strict=False) if y == y]
                axes.plot([p for p, _ in points], [y for _, y in points], marker="o", label=name)
                for x, y in points:
                    axes.annotate(
                            f"{y:g}", (x, y), textcoords="offset points", xytext=(0, 6),
                            ha="center", fontsize=8,
                        )  # fmt: skip
        axes.set_xticks(
            positions, labels, rotation=30 if wide else 0, ha="right" if wide else "center"
        )
        axes.set_title(spec.title, fontsize=14)
        if spec.unit:
            axes.set_ylabel(f"单位：{spec.unit}")
        axes.set_ylim(0, axes.get_ylim()[1] * 1.08)  # headroom for the value labels
        if spec.unit == "件":
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(axis="y", alpha=0.3)
        if len(spec.series) > 1:
            axes.legend()
        if spec.source:
            figure.text(0.01, 0.01, spec.source, fontsize=8, color="#555555", wrap=True)
        figure.tight_layout(rect=(0, 0.04, 1, 1))
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
