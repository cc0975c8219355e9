"""`bot.py export OUT [--format csv|xlsx] [--region R] [--year Y]`: one row per current report.

The format is settled before the database is opened, so a typo costs nothing and leaves no file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from store.export import export_format, export_reports, known_regions

HINT_REGIONS = 8


def run(
    open_engine: Callable[[], Engine],
    out: Path,
    *,
    fmt: str | None,
    region: str | None,
    year: int | None,
) -> int:
    """Write the export; 0 on success, 2 with a one-line Chinese error otherwise."""
    try:
        chosen = export_format(out, fmt)
        engine = open_engine()
        count = export_reports(engine, out, fmt=chosen, region=region, year=year)
    except (ValueError, OSError) as err:  # unknown format, unwritable path
        print(f"错误：{err}", file=sys.stderr)
        return 2
    if count == 0:  # an empty file would only hide the typo
        out.unlink(missing_ok=True)
        print(
            nothing_text(region, year, known_regions(engine, limit=HINT_REGIONS)), file=sys.stderr
        )
        return 1
    print(f"已导出 {count} 份年报到 {out}")
    return 0


def nothing_text(region: str | None, year: int | None, regions: list[str]) -> str:
    """Two lines: nothing matched what was asked, and what there is."""
    asked = "、".join(
        part
        for part in (f"地区“{region}”" if region else "", f"{year} 年度" if year else "")
        if part
    )
    lines = [f"没有符合条件的年报（{asked or '库中没有年报'}），未写出文件。"]
    if regions:
        more = (
            "……（.venv/bin/nianbao ask 有哪些年报 可列出全部）"
            if len(regions) == HINT_REGIONS
            else "。"
        )
        lines.append(f"已收录年报的地区有：{'、'.join(regions)}{more}")
    else:
        lines.append("库中还没有年报：先用 .venv/bin/nianbao ingest 文件或文件夹 导入。")
    return "\n".join(lines)
