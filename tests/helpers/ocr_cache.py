"""OCR of a page image done once, its result kept in the disk cache (tests.helpers.disk_cache).

Inside `installed()`, the OCR worker process (parsers.ocr_worker) looks each page image up
before reading it: the entry is named by the image's pixels and scale, the source of
parsers.ocr and of every project module it imports, and the OCR libraries' versions, and the
real `read_page` runs for every image not read before. All around it runs as in the product:
the worker process, its pipe, the progress, the page cap, the parse of the pages. The tests of
the worker's time limit do without it (a cached page would come too soon).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from parsers import ocr_worker
from parsers.ruled import Page
from tests.helpers import disk_cache

if TYPE_CHECKING:
    import numpy as np

KIND = "ocr"
LIBRARIES = ("rapidocr-onnxruntime", "onnxruntime", "onnx", "opencv-python", "numpy")
ReadPage = Callable[["np.ndarray", float], Page]


@contextmanager
def installed() -> Iterator[None]:
    """OCR workers started meanwhile read through the cache."""
    import pytest

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ocr_worker, "_work", work)
        yield


def work(*args: Any) -> None:
    """The worker process's entry: parsers.ocr_worker's own (its arguments passed on as they
    are), with `read_page` cached."""
    import parsers.ocr

    parsers.ocr.read_page = cached(parsers.ocr.read_page)  # in the worker process only
    ocr_worker._work(*args)


def cached(read_page: ReadPage) -> ReadPage:
    def read(gray: np.ndarray, scale: float) -> Page:
        name = disk_cache.key(
            disk_cache.source_version("parsers.ocr"),
            disk_cache.tool_versions(*LIBRARIES),
            f"{gray.shape} {gray.dtype} {scale!r}",
            gray.tobytes(),
        )
        stored = disk_cache.read(KIND, name)
        if stored is not None:
            page: Page = pickle.loads(stored)
            return page
        page = read_page(gray, scale)
        disk_cache.write(KIND, name, pickle.dumps(page))
        return page

    return read
