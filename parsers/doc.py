"""Legacy Word (.doc) → Document through `antiword`: the fallback where LibreOffice (which
`parsers.office` uses, keeping the tables) is not installed.

antiword (Debian package `antiword`) prints tables flattened, so merged cells and whole rows get
lost; the Document is marked `lossy` and the report names the cells that could not be read
(`unread_cells`). Without antiword either, the user is asked for .docx or PDF instead.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile

from parsers.document import Document
from parsers.fields import TemplateVersion, template_fields
from parsers.model import Cell, ParseError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20
UNSUPPORTED = "不支持旧版 Word（.doc）文件，请另存为 .docx 或 PDF 后再上传"
UNREADABLE = "旧版 Word（.doc）文件无法读取，请另存为 .docx 或 PDF 后再上传"
LOSSY = "antiword"
NO_TABLES = (
    "旧版 Word（.doc）文件的表格无法读取（服务器未安装 LibreOffice，只能用 antiword 读取），"
    "请另存为 .docx 或 PDF 后再上传"
)


def doc_document(data: bytes) -> Document:
    """Parse a .doc with antiword. Raises ParseError when antiword is missing or fails."""
    exe = shutil.which("antiword")
    if exe is None:
        raise ParseError(UNSUPPORTED)
    with tempfile.NamedTemporaryFile(suffix=".doc") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            done = subprocess.run(
                [exe, "-m", "UTF-8.txt", "-w", "0", tmp.name],
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except (subprocess.TimeoutExpired, OSError) as err:
            log.info("antiword failed: %r", err)
            raise ParseError(UNREADABLE) from err
    if done.returncode != 0:
        log.info("antiword exit %s: %s", done.returncode, done.stderr[:200])
        raise ParseError(UNREADABLE)
    return antiword_document(done.stdout.decode("utf-8", errors="replace"))


def antiword_document(text: str) -> Document:
    """antiword prints a table row as `|cell|cell|`; everything else is prose."""
    lines: list[str] = []
    rows: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            row = [cell.strip() for cell in line[1:-1].split("|")]
            rows.append(row)
            lines.append("\t".join(row))
        elif line:
            lines.append(line)
    return Document(format="doc", text="\n".join(lines), rows=rows, lossy=LOSSY)


def unread_cells(
    cells: dict[str, Cell], template: TemplateVersion, single_other: bool
) -> str | None:
    """The warning naming, row by row, the printed template cells antiword's text did not give
    (None when it gave them all)."""
    missing: dict[str, list[str]] = {}
    for field in template_fields(template, single_other=single_other):
        if not field.derived and field.key not in cells:
            missing.setdefault(f"表{field.table} {field.row}", []).append(field.column)
    count = sum(map(len, missing.values()))
    if not count:
        return None
    rows = "；".join(f"{row}（{'、'.join(cols)}）" for row, cols in missing.items())
    return (
        f"旧版 Word 文件由 antiword 读取（服务器未安装 LibreOffice），表格被压平，"
        f"{count} 个单元格未能读取：{rows}"
    )
