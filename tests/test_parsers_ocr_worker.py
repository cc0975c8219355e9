"""The OCR worker's time limit: CPU time of the worker, set by OCR_CPU_SECONDS.

A busy machine stretches a scan's wall-clock time many times over (CI ran one scan's setup in
121 s) while its CPU time stays what the scan costs; a limit by the clock failed such scans."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from io import BytesIO

import pytest
from PIL import Image

from parsers.model import ParseError
from parsers.ocr_worker import (
    CPU_SECONDS,
    DEFAULT_CPU_SECONDS,
    TIMEOUT,
    Limits,
    read_images,
)


def blank_page() -> bytes:
    """A white page photo: the worker starts and loads its models, and finds no text."""
    out = BytesIO()
    Image.new("L", (600, 840), 255).save(out, "PNG")
    return out.getvalue()


def test_a_worker_held_up_longer_than_its_limit_by_the_clock_still_finishes() -> None:
    """The worker is stopped (SIGSTOP) for longer than its limit while the caller waits, as a
    loaded machine holds a process up: it uses no CPU meanwhile, so it finishes within its CPU
    seconds (a limit by the clock ended it)."""
    limit = 6.0  # the worker needs about 1 CPU-s for a blank page, start-up included
    held: list[float] = []

    def stop_and_continue(pid: int) -> None:
        os.kill(pid, signal.SIGSTOP)
        start = time.monotonic()
        time.sleep(limit + 2)
        os.kill(pid, signal.SIGCONT)
        held.append(time.monotonic() - start)

    holder: list[threading.Thread] = []

    def hold(done: int, total: int) -> None:
        if done == 0:
            (worker,) = multiprocessing.active_children()
            assert worker.pid is not None
            holder.append(threading.Thread(target=stop_and_continue, args=(worker.pid,)))
            holder[0].start()

    started = time.monotonic()
    pages = read_images([blank_page()], progress=hold, limits=Limits(seconds=limit))
    waited = time.monotonic() - started
    holder[0].join()
    assert len(pages) == 1 and pages[0].words == []
    assert held[0] > limit and waited > limit


def test_a_worker_past_its_cpu_seconds_is_ended_with_the_timeout_message() -> None:
    """Six A4 pages cost the worker ~6 CPU-s on a quiet machine (a small blank page alone cost
    less than the kernel's whole-second limit there): far past the 1 s limit on any machine."""
    a4 = BytesIO()
    Image.new("L", (1240, 1754), 255).save(a4, "PNG")
    with pytest.raises(ParseError) as err:
        read_images([a4.getvalue()] * 6, limits=Limits(seconds=1.0))
    assert str(err.value) == TIMEOUT.format(seconds=1.0)


def test_the_limit_is_read_from_ocr_cpu_seconds(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(CPU_SECONDS, raising=False)
    assert Limits().seconds == DEFAULT_CPU_SECONDS == 180.0
    monkeypatch.setenv(CPU_SECONDS, "420")
    assert Limits().seconds == 420.0
    assert Limits(seconds=5).seconds == 5.0  # a caller's own limit wins
    for typo in ("3分钟", "-1", "0", "inf"):
        monkeypatch.setenv(CPU_SECONDS, typo)
        with caplog.at_level(logging.WARNING, logger="parsers.ocr_worker"):
            assert Limits().seconds == DEFAULT_CPU_SECONDS
        assert CPU_SECONDS in caplog.text
        caplog.clear()
