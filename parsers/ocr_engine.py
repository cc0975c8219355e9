"""The OCR engine: RapidOCR's text-line detector and recogniser on grey page images.

PP-OCRv4 models shipped inside the `rapidocr-onnxruntime` wheel, run on onnxruntime's CPU
build; nothing is downloaded. Every call into the engine is here, apart from what is done with
its output (`parsers.ocr`), so that how the engine is run (threads, sessions, batches) has one
home.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

Read = tuple[str, float]  # a text line as the recogniser spells it, and its confidence


def available() -> bool:
    """True when the OCR engine is installed."""
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


@lru_cache(maxsize=1)
def _engine() -> Any:
    import cv2
    from rapidocr_onnxruntime import RapidOCR

    cv2.setNumThreads(1)
    # One thread each: the bot's other work keeps the second core. Text lines are read one at a
    # time: in a batch each is padded to the widest, and the recogniser's cost grows faster
    # than its width (a batch of 6 cost 1.5–2× as much on a table page).
    return RapidOCR(
        intra_op_num_threads=1, inter_op_num_threads=1, print_verbose=False, rec_batch_num=1
    )


def _rgb(gray: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)


def detect(gray: np.ndarray) -> list[np.ndarray]:
    """The text lines found on a grey page: four corner points each, in reading order."""
    engine = _engine()
    found, _ = engine.text_det(_rgb(gray))
    return [] if found is None else list(engine.sorted_boxes(found))


def read_lines(gray: np.ndarray, boxes: Sequence[np.ndarray]) -> list[Read]:
    """The text of each box on the grey page, read from the page cut along the box."""
    engine = _engine()
    crops = engine.get_crop_img_list(_rgb(gray), list(boxes))
    read, _ = engine.text_rec(crops)
    return list(read)


def read_crops(crops: Sequence[np.ndarray]) -> list[Read]:
    """The text of each grey image, each taken as one text line."""
    read, _ = _engine().text_rec([_rgb(c) for c in crops])
    return list(read)
