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

# The detector's working memory grows with the image it searches (≈ 350 MB for a whole 150 dpi
# A4 page, ≈ 130 MB for a band of 430 rows): it searches the page in bands of at most _BAND
# rows, and two neighbours share _OVERLAP rows, more than the box of the tallest text line (a
# 30 pt heading at 150 dpi), so that each line lies whole inside one band at least.
_BAND = 480
_OVERLAP = 96
_EDGE = 2  # pixels: a box this near a band's cut edge is a line the cut runs through

# glibc's allocator keeps what is freed: its mmap threshold rises to the largest block freed (up
# to 32 MB), so a band's tensors of a few MB come from the heap, which is kept and fragments,
# and the detector's working memory came on top of what the page before left there (a worker's
# peak 388–467 MB over 5 pages, varying from run to run). While the detector runs, blocks over
# _MAPPED are mapped (given back when freed) and the heap is trimmed before each band; then the
# threshold is _HEAP, the most it rises to by itself: the recogniser's many small tensors are
# cheaper from the heap (every block over _MAPPED mapped, the OCR cost 3× the CPU).
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h
_MAPPED = 128 << 10
_HEAP = 32 << 20


def available() -> bool:
    """True when the OCR engine is installed."""
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


@lru_cache(maxsize=1)
def _engine() -> Any:
    import cv2
    from rapidocr_onnxruntime import RapidOCR

    cv2.setNumThreads(1)
    # One thread each: the bot's other work keeps the second core. A band is searched at its
    # own size: by default the detector enlarges an image to 736 pixels on its shorter side,
    # and the limit given it here is none (a page is bounded by its render scale or by
    # `parsers.ocr.fit`). Text lines are read one at a time: in a batch each is padded to the
    # widest, and the recogniser's cost grows faster than its width (a batch of 6 cost
    # 1.5–2× as much on a table page); lines of one width cost more in a batch too (short
    # table lines, all padded to 320 pixels: 22 ms a line alone, 26–29 in batches of 2–8).
    engine = RapidOCR(
        intra_op_num_threads=1,
        inter_op_num_threads=1,
        print_verbose=False,
        det_limit_type="max",
        det_limit_side_len=1_000_000,
        rec_batch_num=1,
    )
    for model in (engine.text_det.infer, engine.text_rec.session):
        model.session = _reopened(model.session, _fused(model.session._model_path))
    return engine


def _reopened(session: Any, model: bytes) -> Any:
    """`model` in a session opened as RapidOCR opens its own (one thread, no memory pool)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = False
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(
        model, sess_options=options, providers=session.get_providers()
    )


def _fused(path: str) -> bytes:
    """A model (the detector's or the recogniser's) with its element-wise steps merged; the
    same figures.

    As exported, each block of both models is a convolution, then a scale and a shift by two
    constants (Mul, Add), then hard-swish written out in four steps (Add 3, Clip 0–6, Mul, Div
    6): on a short table line these passes over the tensors cost as much as the
    convolutions, and onnxruntime merges none of them. Here the scale and shift go into the
    convolution's weights and bias, and hard-swish is HardSigmoid(x/6 + 1/2) then Mul (a
    table page's lines read 25% faster, prose 33%; the detector 19% faster). Only rounding
    differs: the 3,420 lines of bench/ocr.py's scans read the same text, a confidence moved by
    at most 4e-4 (none across parsers.ocr's 0.5), and the detector finds the same boxes to
    the pixel on the 15 pages of the three sample PDFs."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(path)
    graph = model.graph
    constant = {
        n.output[0]: numpy_helper.to_array(n.attribute[0].t)
        for n in graph.node
        if n.op_type == "Constant"
    }
    constant |= {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    made = {o: n for n in graph.node for o in n.output}
    users: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)

    def scalar(name: str, value: float | None = None) -> float | None:
        found = constant.get(name)
        if found is None or found.size != 1:
            return None
        number = float(found.ravel()[0])
        return number if value is None or number == value else None

    def only_user(name: str, op: str) -> Any:
        found = users.get(name, [])
        return found[0] if len(found) == 1 and found[0].op_type == op else None

    replaced: dict[int, list[Any]] = {}
    dropped: set[int] = set()
    for node in graph.node:
        if node.op_type == "Conv" and (mul := only_user(node.output[0], "Mul")) is not None:
            factor = next((i for i in mul.input if i != node.output[0]), "")
            add = only_user(mul.output[0], "Add")
            if add is None or scalar(factor) is None or scalar(add.input[1]) is None:
                continue
            scale, shift = np.float32(scalar(factor)), np.float32(scalar(add.input[1]))
            weight = constant[node.input[1]].astype(np.float32)
            bias = (
                constant[node.input[2]].astype(np.float32)
                if len(node.input) > 2
                else np.zeros(weight.shape[0], np.float32)
            )
            names = (f"{node.output[0]}.fused_w", f"{node.output[0]}.fused_b")
            graph.initializer.extend(
                [numpy_helper.from_array(weight * scale, names[0]),
                 numpy_helper.from_array(bias * scale + shift, names[1])]
            )  # fmt: skip
            conv = helper.make_node(
                "Conv", [node.input[0], *names], [add.output[0]], name=node.name
            )
            conv.attribute.extend(node.attribute)
            replaced[id(node)] = [conv]
            dropped |= {id(mul), id(add)}
        elif node.op_type == "Clip" and (plus := made.get(node.input[0])) is not None:
            x = plus.input[0]
            times = only_user(node.output[0], "Mul")
            div = None if times is None else only_user(times.output[0], "Div")
            if (
                plus.op_type != "Add"
                or scalar(plus.input[1], 3.0) is None
                or [scalar(i) for i in node.input[1:]] != [0.0, 6.0]
                or times is None
                or set(times.input) != {x, node.output[0]}
                or div is None
                or scalar(div.input[1], 6.0) is None
            ):
                continue
            gate = f"{node.output[0]}.hard_sigmoid"
            replaced[id(plus)] = [
                helper.make_node("HardSigmoid", [x], [gate], alpha=1 / 6, beta=0.5),
                helper.make_node("Mul", [x, gate], [div.output[0]]),
            ]
            dropped |= {id(node), id(times), id(div)}
    nodes = [m for n in graph.node if id(n) not in dropped for m in replaced.get(id(n), [n])]
    del graph.node[:]
    graph.node.extend(nodes)
    return model.SerializeToString()


def _rgb(gray: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)


def detect(gray: np.ndarray) -> list[np.ndarray]:
    """The text lines found on a grey page: four corner points each, in reading order.

    A line cut by a band's edge is taken from the neighbour that holds it whole; a line whole
    in two bands is taken once. (Which band a line belongs to cannot be told by where its box
    lies: the detector weighs each band as a whole, so the same line's box differs a little
    from one band to the next.)"""
    import numpy as np

    engine = _engine()
    rgb = _rgb(gray)
    height = rgb.shape[0]
    found: list[np.ndarray] = []
    previous: list[np.ndarray] = []
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, _MAPPED)
    for top, bottom in _bands(height):
        if libc is not None:
            libc.malloc_trim(0)
        boxes, _ = engine.text_det(rgb[top:bottom])
        here: list[np.ndarray] = []
        for box in [] if boxes is None else boxes:
            box = box + np.array([0, top], dtype=box.dtype)
            y0, y1 = box[:, 1].min(), box[:, 1].max()
            cut = (top > 0 and y0 <= top + _EDGE) or (bottom < height and y1 >= bottom - 1 - _EDGE)
            if not cut and not any(_same(box, other) for other in previous):
                here.append(box)
        found += here
        previous = here
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, _HEAP)
    return list(engine.sorted_boxes(np.array(found))) if found else []


@lru_cache(maxsize=1)
def _glibc() -> Any:
    """The C library when it is glibc (it has mallopt and malloc_trim), else None."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt, libc.malloc_trim  # noqa: B018 - glibc's own, absent from musl or macOS
    except (OSError, AttributeError, TypeError):
        return None
    return libc


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """True when two boxes cover most of each other: one text line found in two bands."""
    ax0, ay0, ax1, ay1 = a[:, 0].min(), a[:, 1].min(), a[:, 0].max(), a[:, 1].max()
    bx0, by0, bx1, by1 = b[:, 0].min(), b[:, 1].min(), b[:, 0].max(), b[:, 1].max()
    across = min(ax1, bx1) - max(ax0, bx0)
    down = min(ay1, by1) - max(ay0, by0)
    return bool(
        across > 0.5 * min(ax1 - ax0, bx1 - bx0) and down > 0.5 * min(ay1 - ay0, by1 - by0)
    )


def _bands(height: int) -> list[tuple[int, int]]:
    """(top, bottom): equal bands of rows covering the page, neighbours sharing _OVERLAP."""
    count = max(1, -(-(height - _OVERLAP) // (_BAND - _OVERLAP)))
    size = -(-(height + (count - 1) * _OVERLAP) // count)
    tops = [min(i * (size - _OVERLAP), max(0, height - size)) for i in range(count)]
    return [(top, min(height, top + size)) for top in tops]


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
