"""OCR in a worker process, with a page cap and a time limit.

OCR takes seconds a page and holds the CPU: run in the caller's process it would stall a bot
answering others (the GIL) and a hostile scan could run for minutes. A worker process renders
and reads one page at a time (memory stays at one page image plus the models), reports each page
as it is done, and is killed when the time limit passes.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Limits:
    """How much OCR one document may cost."""

    pages: int = 20
    seconds: float = 180.0


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
    if progress is not None:
        progress(0, len(indexes))
    context = multiprocessing.get_context("spawn")  # no fork of a threaded bot
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_work, args=(send, source, data, indexes), daemon=True)
    worker.start()
    send.close()
    deadline = time.monotonic() + limits.seconds
    pages: list[Page] = []
    try:
        while len(pages) < len(indexes):
            left = deadline - time.monotonic()
            if left <= 0 or not receive.poll(left):
                raise ParseError(TIMEOUT.format(seconds=limits.seconds))
            try:
                message = receive.recv()
            except EOFError as err:  # the worker died (out of memory, killed)
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


def _work(send: Connection, source: Source, data: list[bytes], indexes: list[int]) -> None:
    """The worker: one page rendered, read and sent at a time; a failure is sent as its
    Chinese message."""
    try:
        for index in indexes:
            send.send(_pdf_page(data[0], index) if source == "pdf" else _image_page(data[index]))
    except ParseError as err:
        send.send(str(err))
    except Exception:
        log.exception("OCR failed")
        send.send(FAILED)
    finally:
        send.close()


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
