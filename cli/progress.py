"""Progress on the terminal for slow reads (OCR of a scan, page by page)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import TaskID


@contextlib.contextmanager
def ocr_progress_bar() -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, one step a page, shown only when a scan is read by OCR and
    stderr is a terminal (in a pipe or a log a bar is noise, and its end a blank line)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda done, total: None
        return
    bar = Progress(
        "正在识别扫描件",
        BarColumn(),
        MofNCompleteColumn(),
        "页",
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task: list[TaskID] = []

    def advance(done: int, total: int) -> None:
        if not task:
            bar.start()
            task.append(bar.add_task("ocr", total=total))
        bar.update(task[0], completed=done)

    try:
        yield advance
    finally:
        if task:  # stopping a bar never started still prints a blank line
            bar.stop()
