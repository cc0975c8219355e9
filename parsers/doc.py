"""Legacy Word (.doc) → Document through `antiword`, when it is installed.

No maintained pure-Python reader of the binary Word format exists, so the conversion is left to
antiword (Debian package `antiword`); without it the user is asked for .docx or PDF instead.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile

from parsers.document import Document
from parsers.model import ParseError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20
UNSUPPORTED = "不支持旧版 Word（.doc）文件，请另存为 .docx 或 PDF 后再上传"
UNREADABLE = "旧版 Word（.doc）文件无法读取，请另存为 .docx 或 PDF 后再上传"


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
    return Document(format="doc", text="\n".join(lines), rows=rows)
