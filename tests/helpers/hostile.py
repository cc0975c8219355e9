"""Hostile inputs of issue #11 and the peak memory of a child process, shared by the tests and
bench/memory.py: a .docx whose zip directory understates a member, a 49.5 MB web page of table
rows, 49.5 MB of text rows."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import docx

from tests.helpers.documents import document
from tests.helpers.patience import PATIENCE

HUGE = int(49.5 * 1024 * 1024)


def lying_docx(*, declared: int, actual: int) -> bytes:
    """A real .docx whose document.xml inflates to `actual` bytes while its local header and
    central directory declare `declared`, with the CRC of that prefix so zipfile's check passes."""
    template = BytesIO()
    docx.Document().save(template)
    head = b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>'
    out = BytesIO()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
    ):
        with archive.open("word/document.xml", "w") as member:
            member.write(head)
            chunk = b" " * (1 << 20)
            for _ in range((actual - len(head)) // len(chunk)):
                member.write(chunk)
        for name in source.namelist():
            if name != "word/document.xml":
                archive.writestr(name, source.read(name))
    data = bytearray(out.getvalue())
    prefix = (head + b" " * declared)[:declared]
    crc, size = zlib.crc32(prefix).to_bytes(4, "little"), declared.to_bytes(4, "little")
    assert data[:4] == b"PK\x03\x04"  # document.xml is the first member
    data[14:18], data[22:26] = crc, size  # its local header
    central = data.index(b"PK\x01\x02")  # its central directory entry
    data[central + 16 : central + 20], data[central + 24 : central + 28] = crc, size
    return bytes(data)


def table_page(size: int = HUGE) -> bytes:
    """A web page that is one template-looking table of (for 49.5 MB) half a million rows."""
    row = "<tr><td>予以公开</td>".encode() + b"<td>1</td>" * 8 + b"</tr>\n"
    return b"<html><body><table>" + row * (size // len(row)) + b"</table></body></html>"


def text_rows(size: int = HUGE) -> bytes:
    """A real report's text followed by tab-separated rows of numbers."""
    real = document("pingtan_2021.txt").read_bytes()
    row = "予以公开\t".encode() + b"\t".join([b"12"] * 8) + b"\n"
    return real + row * ((size - len(real)) // len(row))


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str
    peak_mb: float  # the child's peak resident set (the kernel's ru_maxrss)


# Runs the command as its own child and writes that child's peak to argv[1]. Linux counts the
# memory of the process a child was forked from in the child's ru_maxrss, so the command must
# be forked from this small launcher, not from a test or bench process holding the inputs.
# SIGTERM is passed on, so that a server under measurement stops cleanly.
_LAUNCHER = """
import os, resource, signal, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGTERM))
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(
    cmd: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str],
    timeout: float = 2 * PATIENCE,
    on_start: Callable[[int], None] | None = None,
) -> Run:
    """Run `cmd` (its first item an executable's path) and return its exit code, output and
    peak memory (with its own children's, if it waited for them). `on_start(pid)` runs in a
    thread meanwhile, e.g. to drive a server and then stop it with SIGTERM."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as peak,
    ):
        launcher = [sys.executable, "-c", _LAUNCHER, peak.name, *cmd]
        child = subprocess.Popen(launcher, cwd=cwd, env=env, stdout=out, stderr=err)
        if on_start is not None:
            threading.Thread(target=on_start, args=(child.pid,), daemon=True).start()
        try:
            code = child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise
        out.seek(0)
        err.seek(0)
        return Run(
            code,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            int(peak.read() or 0) / 1024,
        )
