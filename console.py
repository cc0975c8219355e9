"""The bot's conversation in a terminal (`python bot.py chat`): the same answers as Telegram,
choices picked by number, /chart writes a PNG file. Works piped: no prompt unless on a TTY."""

from __future__ import annotations

import io
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import replies
from commands import COMMANDS, EXAMPLE_QUESTIONS, question_for, usage_text

if TYPE_CHECKING:
    from query import Answer, Choice
    from services import Services

log = logging.getLogger(__name__)

PROMPT = "问> "
CONSOLE_COMMANDS = ("ask", "report", "compare", "rank", "chart", "sources")


def console_help() -> str:
    """Help for the terminal: questions, the commands that make sense here, and how to leave."""
    lines = ["直接输入问题，例如："]
    lines += [f"  {q}" for q in EXAMPLE_QUESTIONS]
    lines += ["命令："]
    lines += [
        f"  /{c.name} {c.usage}".rstrip() + f" — {c.help}"
        for c in COMMANDS
        if c.name in CONSOLE_COMMANDS
    ]
    lines += ["出现候选项时输入编号选择；Ctrl-D 或 /quit 退出。"]
    return "\n".join(lines)


def chart_dir() -> Path:
    """charts/ in the working directory, or a folder in the temp dir when that is not writable."""
    for folder in (Path("charts"), Path(tempfile.gettempdir()) / "nianbao-charts"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if folder.is_dir() and _writable(folder):
            return folder
    raise OSError("没有可写的图表目录")


def _writable(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def chart_file_name(title: str) -> str:
    """A safe file name from a chart title (Chinese kept, separators replaced)."""
    stem = re.sub(r"[^\w\-]+", "_", title).strip("_")[:60] or "chart"
    return f"{stem}.png"


class Conversation:
    """One terminal session: remembers the last choices so a number can pick one."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.choices: list[Choice] = []

    def reply(self, line: str) -> str | None:
        """The text to print for one input line (None: nothing to print)."""
        line = " ".join(line.split())
        if not line:
            return None
        if line.isdigit() and self.choices:
            number = int(line)
            if 1 <= number <= len(self.choices):
                return self._show(self.services.resolve(self.choices[number - 1].token))
            return f"请输入 1 到 {len(self.choices)} 之间的编号。"
        if line.startswith("/"):
            return self._command(line)
        return self._show(self.services.ask(line))

    def _show(self, answer: Answer) -> str:
        self.choices = list(answer.choices)
        if not self.choices:
            return answer.text
        return f"{answer.text}\n{replies.choices_text(self.choices)}"

    def _command(self, line: str) -> str:
        name, _, args = line[1:].partition(" ")
        name = name.lower()
        if name in ("help", "start"):
            return console_help()
        if name == "chart":
            return self._chart(args) if args.strip() else usage_text("chart")
        if name not in CONSOLE_COMMANDS:
            return "未知命令。输入 /help 查看用法。"
        question = question_for(name, args)
        if question is None:
            return usage_text(name)
        return self._show(self.services.ask(question))

    def _chart(self, text: str) -> str:
        from query import Answer

        result = self.services.chart(text)
        if isinstance(result, Answer):
            return self._show(result)
        path = chart_dir() / chart_file_name(result.spec.title)
        path.write_bytes(result.png)
        self.choices = []
        return f"{result.spec.title}\n图表已保存：{path.resolve()}"


def run_console(services: Services, *, stdin: TextIO, stdout: TextIO) -> int:
    """Read questions line by line until end of input (Ctrl-D, closed pipe); returns 0.
    A reader that goes away (`… | head -1`) also ends the session quietly."""
    try:
        return _converse(Conversation(services), stdin, stdout)
    except BrokenPipeError:
        discard_output(stdout)
        return 0


def discard_output(stdout: TextIO) -> None:
    """Point the closed stdout at /dev/null so that the final flush at exit does not fail
    (the recipe of the Python docs, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def _converse(conversation: Conversation, stdin: TextIO, stdout: TextIO) -> int:
    interactive = stdin.isatty()
    if interactive:
        stdout.write("政府信息公开年报问答。输入 /help 查看用法，Ctrl-D 退出。\n")
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            line = ""
        if not line:
            if interactive:
                stdout.write("\n")
            return 0
        if line.strip().lower() in ("/quit", "/exit"):
            return 0
        try:
            text = conversation.reply(line)
        except KeyboardInterrupt:
            stdout.write("\n")
            return 0
        except Exception:  # one bad question must not end the session
            log.exception("Failed to answer %r", line)
            text = replies.ERROR
        if text is not None:
            stdout.write(text + "\n")
            stdout.flush()
