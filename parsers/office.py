"""Office formats other than .docx — Word 97 (.doc), WPS, RTF, OpenDocument (.odt) — converted to
.docx by LibreOffice, then read by the one .docx path (`parsers.docx`).

No maintained pure-Python reader of these formats keeps Word's tables (antiword flattens them),
so LibreOffice (Debian `libreoffice-writer-nogui`) converts them headless in a child process:

- each conversion has its own temporary profile (`-env:UserInstallation`), so several can run
  at once (at most MAX_PARALLEL per process) and none sees another's state;
- a time limit (the whole process group is killed past it), a memory limit and a limit on the
  size of any file it writes (`prlimit`), and no network (`unshare -n` where the kernel lets us:
  a document may link images or OLE objects to a URL);
- the input is bounded by the parser's file limit; an .odt (a zip) is first rebuilt from its
  members as really inflated, against the .docx limits (`parsers.docx.bounded_archive`: a member
  that understates its size is cut at the claim, a bomb refused), and the .docx LibreOffice
  makes is read through the same bounded path.

Without LibreOffice a .doc still goes to antiword (`parsers.doc`), whose flattened tables lose
cells; the report then says which (see `parsers.doc`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import replace
from functools import cache
from pathlib import Path

from parsers.document import Document
from parsers.docx import bounded_archive, docx_document
from parsers.model import ParseError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 60
MAX_MEMORY = 1536 * 1024 * 1024  # address space of each LibreOffice process (it uses ~210 MB)
MAX_OUTPUT = 64 * 1024 * 1024  # bytes in any file LibreOffice writes
MAX_PARALLEL = 2
SUFFIX = {"doc": ".doc", "rtf": ".rtf", "odt": ".odt"}  # LibreOffice reads by content anyway
NAMES = {"doc": "Word 97–2003（.doc）或 WPS", "rtf": "RTF", "odt": "OpenDocument（.odt）"}
UNAVAILABLE = "暂不支持{name}文件（服务器未安装 LibreOffice），请另存为 .docx 或 PDF 后再上传"
UNREADABLE = "{name}文件无法转换读取（文件可能已损坏或加密），请另存为 .docx 或 PDF 后再上传"
TOO_SLOW = "{name}文件转换超时（超过 {seconds} 秒），请另存为 .docx 或 PDF 后再上传"

_slots = threading.BoundedSemaphore(MAX_PARALLEL)


@cache
def soffice() -> str | None:
    """LibreOffice's executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def office_document(data: bytes, kind: str) -> Document:
    """A .doc/.wps/.rtf/.odt report as a Document, through LibreOffice and the .docx reader.

    Raises ParseError when LibreOffice is missing (the caller may fall back), fails or takes too
    long; the Document keeps the original format's name."""
    if kind == "odt":  # LibreOffice gets the archive as really inflated, within the limits
        data = bounded_archive(data)
    converted = convert_to_docx(data, kind)
    return replace(docx_document(converted), format=kind)


def convert_to_docx(data: bytes, kind: str) -> bytes:
    """The document converted to .docx by LibreOffice headless (see the module docstring)."""
    exe = soffice()
    name = NAMES[kind]
    if exe is None:
        raise ParseError(UNAVAILABLE.format(name=name))
    with _slots, tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        work = Path(tmp)
        source = work / f"report{SUFFIX[kind]}"
        source.write_bytes(data)
        command = [
            *_sandbox(),
            exe,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        returncode, stderr = _run(command, work)
        made = work / "out" / "report.docx"
        if returncode == "timeout":
            raise ParseError(TOO_SLOW.format(name=name, seconds=TIMEOUT_SECONDS))
        if not made.is_file():
            log.info("LibreOffice made no .docx (exit %s): %s", returncode, stderr[-300:])
            raise ParseError(UNREADABLE.format(name=name))
        if made.stat().st_size > MAX_OUTPUT:
            raise ParseError(UNREADABLE.format(name=name))
        return made.read_bytes()


def _run(command: list[str], work: Path) -> tuple[int | str, str]:
    """Run LibreOffice in its own process group; on timeout the whole group is killed. Returns
    the exit code (or "timeout") and the end of stderr."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),  # nothing is written to the real home directory
        "TMPDIR": str(work),
        "LANG": "C.UTF-8",
        "SAL_USE_VCLPLUGIN": "svp",
    }
    with subprocess.Popen(
        command,
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as process:
        try:
            _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
            returncode: int | str = process.returncode
        except subprocess.TimeoutExpired:
            returncode, stderr = "timeout", b""
        finally:
            _kill_group(process)
    return returncode, stderr.decode("utf-8", errors="replace")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill what is left of the conversion's process group (soffice.bin outliving its parent
    on a timeout) and reap the parent."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@cache
def _sandbox() -> tuple[str, ...]:
    """Command prefix limiting LibreOffice: `unshare -n` (no network) when it works here, and
    `prlimit` bounds on memory and on the size of files written."""
    prefix: tuple[str, ...] = ()
    unshare = shutil.which("unshare")
    if unshare:
        for flags in ("-n", "-rn"):  # -rn: a user namespace, for when we are not root
            done = subprocess.run([unshare, flags, "true"], capture_output=True, check=False)
            if done.returncode == 0:
                prefix = (unshare, flags)
                break
        else:
            log.warning("unshare -n is not permitted here: LibreOffice runs with the network")
    prlimit = shutil.which("prlimit")
    if prlimit:
        prefix += (prlimit, f"--as={MAX_MEMORY}", f"--fsize={MAX_OUTPUT}", "--")
    return prefix
