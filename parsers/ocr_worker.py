"""OCR in a worker process, with a page cap and a time limit.

OCR takes seconds a page and holds the CPU: run in the caller's process it would stall a bot
answering others (the GIL) and a hostile scan could run for minutes. A worker process renders
and reads one page at a time (memory stays at one page image plus the models), reports each page
as it is done, and is stopped when its time limit passes.

The limit is the worker's CPU time (the kernel's RLIMIT_CPU ends it), not the wall clock: on a
busy machine a scan that costs its usual CPU takes far longer by the clock, and must not fail
for that. OCR_CPU_SECONDS sets it; every process that parses (the bot, `parse`, `ingest`'s
workers) reads it from the environment, which they all share.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from multiprocessing.connection import Connection
from typing import Literal

from parsers.model import ParseError
from parsers.ruled import Page

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (pages done, pages to read)
Source = Literal["pdf", "images"]

NO_OCR = "这是扫描件（没有文字层），但本机未安装文字识别（OCR）组件，无法读取"
TOO_MANY = "扫描件有 {pages} 页需要文字识别，上限为 {cap} 页，请只上传年报的正文和表格页"
TIMEOUT = "扫描件文字识别超时（{seconds:.0f} 秒内未完成），请上传文字版 PDF、Word 或网页版本"
FAILED = "扫描件文字识别失败，请上传文字版 PDF、Word 或网页版本"
UNREADABLE_IMAGE = "图片无法打开（格式不支持或文件已损坏）"

CPU_SECONDS = "OCR_CPU_SECONDS"  # environment variable: the worker's CPU seconds per document
DEFAULT_CPU_SECONDS = 180.0
_WALL_FACTOR = 10  # a worker that stops using the CPU (it never should) ends after this many
_WALL_SPARE = 60.0  # times its CPU seconds, plus this: a hang, not a busy machine


def cpu_seconds() -> float:
    """OCR_CPU_SECONDS from the environment; the default when it is unset or not a positive
    number (said in the log: a typo must not end every scan at once)."""
    text = os.environ.get(CPU_SECONDS, "").strip()
    if not text:
        return DEFAULT_CPU_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < math.inf:
        log.warning(
            "%s=%r is no positive number: %.0f s used", CPU_SECONDS, text, DEFAULT_CPU_SECONDS
        )
        return DEFAULT_CPU_SECONDS
    return seconds


@dataclass(frozen=True)
class Limits:
    """How much OCR one document may cost: pages, and CPU seconds of its worker."""

    pages: int = 20
    seconds: float = field(default_factory=cpu_seconds)


def read_pdf_pages(
    data: bytes,
    indexes: Sequence[int],
    *,
    progress: Progress | None = None,
    limits: Limits = Limits(),
) -> list[Page]:
    """The PDF's pages at `indexes` (0-based), rendered and read by OCR in a worker."""
    return _run("pdf", [data], list(indexes), progress, limits)


def read_images(
    images: Sequence[bytes], *, progress: Progress | None = None, limits: Limits = Limits()
) -> list[Page]:
    """Photos or screenshots of report pages (PNG/JPEG, one page each), read by OCR."""
    return _run("images", list(images), list(range(len(images))), progress, limits)


def _run(
    source: Source,
    data: list[bytes],
    indexes: list[int],
    progress: Progress | None,
    limits: Limits,
) -> list[Page]:
    from parsers.ocr_engine import available

    if not available():
        raise ParseError(NO_OCR)
    if len(indexes) > limits.pages:
        raise ParseError(TOO_MANY.format(pages=len(indexes), cap=limits.pages))
    context = multiprocessing.get_context("spawn")  # no fork of a threaded bot
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work, args=(send, source, data, indexes, limits.seconds), daemon=True
    )
    worker.start()
    send.close()
    if progress is not None:
        progress(0, len(indexes))
    deadline = time.monotonic() + limits.seconds * _WALL_FACTOR + _WALL_SPARE
    pages: list[Page] = []
    try:
        while len(pages) < len(indexes):
            left = deadline - time.monotonic()
            if left <= 0 or not receive.poll(left):
                raise ParseError(TIMEOUT.format(seconds=limits.seconds))
            try:
                message = receive.recv()
            except EOFError as err:  # the worker died: its CPU time ran out, or memory
                worker.join(5)
                if worker.exitcode == -signal.SIGXCPU:
                    raise ParseError(TIMEOUT.format(seconds=limits.seconds)) from err
                raise ParseError(FAILED) from err
            if isinstance(message, str):
                raise ParseError(message)
            pages.append(message)
            if progress is not None:
                progress(len(pages), len(indexes))
    finally:
        receive.close()
        if worker.is_alive():
            worker.terminate()
        worker.join(5)
        if worker.is_alive():
            worker.kill()
            worker.join()
    return pages


def _work(
    send: Connection, source: Source, data: list[bytes], indexes: list[int], seconds: float
) -> None:
    """The worker: one page rendered, read and sent at a time; a failure is sent as its
    Chinese message. The kernel ends it (SIGXCPU) when its CPU time passes `seconds`."""
    try:
        _limit_cpu(seconds)
        for index in indexes:
            send.send(_pdf_page(data[0], index) if source == "pdf" else _image_page(data[index]))
    except ParseError as err:
        send.send(str(err))
    except Exception:
        log.exception("OCR failed")
        send.send(FAILED)
    finally:
        send.close()


def _limit_cpu(seconds: float) -> None:
    """SIGXCPU (which ends the process) once this process has used `seconds` of CPU time;
    SIGKILL 5 s later should it be caught. A lower limit already set stays."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    kill = math.ceil(seconds) + 5
    if hard != resource.RLIM_INFINITY:
        kill = min(kill, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (max(1, min(kill, math.ceil(seconds))), kill))


def _pdf_page(data: bytes, index: int) -> Page:
    import numpy as np
    import pypdfium2 as pdfium

    from parsers.ocr import DPI, read_page

    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[index]
        scale = DPI / 72
        bitmap = page.render(scale=scale, grayscale=True)
        gray = np.array(bitmap.to_pil().convert("L"))
        page.close()
    finally:
        pdf.close()
    return read_page(gray, scale)


def _image_page(data: bytes) -> Page:
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    from parsers.ocr import fit, read_page

    try:
        with Image.open(BytesIO(data)) as image:
            image.draft("L", (2400, 2400))  # JPEG: decode at a reduced size when it is huge
            gray = np.array(ImageOps.exif_transpose(image).convert("L"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
        raise ParseError(UNREADABLE_IMAGE) from err
    gray, scale = fit(gray)
    return read_page(gray, scale)
