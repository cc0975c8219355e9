"""Any view as a CSV or XLSX download: a view hands over a `Table`, this writes the file."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.responses import Response

from services import write_csv, write_xlsx
from web import texts

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Table:
    """Plain rows behind a view: what its page shows, as values (numbers stay numbers)."""

    name: str  # file name without extension, e.g. 排名-淮安市-2024
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]] = field(default_factory=list)


def wanted_format(value: str | None) -> str | None:
    """The `format` query parameter: None for the page itself, else csv or xlsx."""
    if value is None or value == "" or value == "html":
        return None
    if value not in FORMATS:
        raise HTTPException(400, texts.BAD_FORMAT)
    return value


def download(table: Table, fmt: str) -> Response:
    """The file, named after the view (UTF-8 name per RFC 6266, ASCII fallback)."""
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, table.columns, table.rows, sheet=table.name[:31] or "data")
        body = buffer.getvalue()
    else:
        text = io.StringIO(newline="")
        write_csv(text, table.columns, table.rows)
        body = ("\ufeff" + text.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8
    filename = f"{table.name}.{fmt}"
    disposition = f"attachment; filename=\"nianbao.{fmt}\"; filename*=UTF-8''{quote(filename)}"
    return Response(body, media_type=FORMATS[fmt], headers={"Content-Disposition": disposition})
