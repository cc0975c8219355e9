"""`bot.py export OUT [--format csv|xlsx] [--region R] [--year Y]`: one row per current report.

The format is settled before the database is opened, so a typo costs nothing and leaves no file.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from store.export import export_format, export_reports


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
        count = export_reports(open_engine(), out, fmt=chosen, region=region, year=year)
    except (ValueError, OSError) as err:  # unknown format, unwritable path
        print(f"错误：{err}", file=sys.stderr)
        return 2
    print(f"已导出 {count} 份年报到 {out}")
    return 0
