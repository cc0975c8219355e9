"""The bot's conversation in a terminal (`python bot.py chat`): the same answers as Telegram,
choices picked by number, /chart writes a PNG file, /check and /ingest take a file's path and
/deadlines a region. On a terminal the line is read by the stdlib `readline` (line editing, ↑/↓
history kept in a file across sessions); piped, lines are read plainly and no prompt is shown."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TextIO

import replies
from commands import CONSOLE_COMMANDS, console_help_text, console_usage, question_for
from query import texts as query_texts

if TYPE_CHECKING:
    from query import Answer, Choice
    from services import Services

log = logging.getLogger(__name__)

PROMPT = "问> "
NAMES = frozenset({"ask", "start", *(c.name for c in CONSOLE_COMMANDS)})
CHAT_ONLY = frozenset({"subscribe", "unsubscribe"})
CHAT_ONLY_TEXT = (
    "订阅提醒要在 Telegram 或企业微信的群里使用。这里可以用 /deadlines 部门 地区 "
    "查看下一个截止日期和还没有交年报的单位。"
)
HISTORY_LENGTH = 1000


def history_file() -> Path:
    """Where the typed lines are kept between sessions ($XDG_STATE_HOME, like the shells)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "nianbao" / "history"


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
        answer = self.services.ask(line)
        if answer.intent == "help" and answer.text == query_texts.HELP:
            self.choices = []
            return console_help_text()  # 帮助 and /help say the same here
        return self._show(answer)

    def _show(self, answer: Answer) -> str:
        self.choices = list(answer.choices)
        if not self.choices:
            return answer.text
        return f"{answer.text}\n{replies.choices_text(self.choices)}"

    def _command(self, line: str) -> str:
        name, _, args = line[1:].partition(" ")
        name = name.lower()
        if name in CHAT_ONLY:
            return CHAT_ONLY_TEXT
        if name not in NAMES:
            return "未知命令。输入 /help 查看用法。"
        if name in ("help", "start"):
            return console_help_text()
        args = args.strip()
        if name == "sources":
            return self._show(self.services.ask("有哪些年报"))
        if not args:
            return console_usage(name) if name != "ask" else "用法：/ask 问题"
        if name == "chart":
            return self._chart(args)
        if name in ("check", "ingest"):
            return self._file(name, args)
        if name == "deadlines":
            self.choices = []
            return self.services.scope_deadline(args)
        question = question_for(name, args)
        assert question is not None  # every remaining name is a question with arguments
        return self._show(self.services.ask(question))

    def _file(self, name: str, args: str) -> str:
        """/check or /ingest of a file on this computer, by its path (quotes allowed)."""
        self.choices = []
        path = Path(args.strip("\"'“”‘’")).expanduser()
        try:
            refused = self.services.too_big(path.stat().st_size)  # before reading it all
            if refused is not None:
                return refused
            data = path.read_bytes()
        except FileNotFoundError:
            return f"找不到文件：{path}"
        except IsADirectoryError:
            return f"{path} 是文件夹。整个文件夹请在命令行导入：.venv/bin/nianbao ingest {path}"
        except OSError as err:
            return f"无法读取 {path}：{err.strerror or err}"
        if name == "check":
            return self.services.check_upload(data, path.name).text
        return self.services.ingest_upload(data, path.name).text

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


class LineReader:
    """Reads one line at a time: through `input()` and readline on the process's own terminal
    (editing, history), else from `stdin` as it comes. "" means end of input."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin, self.stdout = stdin, stdout
        self.interactive = stdin.isatty()
        own_terminal = self.interactive and stdin is sys.stdin and stdout is sys.stdout
        self.readline = _load_readline() if own_terminal else None

    def read(self) -> str:
        if self.readline is None:
            if self.interactive:
                self.stdout.write(PROMPT)
                self.stdout.flush()
            return self.stdin.readline()
        try:
            return input(PROMPT) + "\n"
        except EOFError:
            return ""

    def close(self) -> None:
        if self.readline is not None:
            try:
                path = history_file()
                path.parent.mkdir(parents=True, exist_ok=True)
                self.readline.set_history_length(HISTORY_LENGTH)
                self.readline.write_history_file(str(path))
            except OSError:
                log.warning("输入历史未能保存")


def _load_readline() -> ModuleType | None:
    """The stdlib readline with the history of earlier sessions; None where Python has none."""
    try:
        import readline
    except ImportError:  # a Python built without it: plain lines still work
        return None
    with contextlib.suppress(OSError):  # no history yet: the first session
        readline.read_history_file(str(history_file()))
    return readline


def _converse(conversation: Conversation, stdin: TextIO, stdout: TextIO) -> int:
    reader = LineReader(stdin, stdout)
    try:
        return _loop(conversation, reader, stdout)
    finally:
        reader.close()


def _loop(conversation: Conversation, reader: LineReader, stdout: TextIO) -> int:
    interactive = reader.interactive
    if interactive:
        stdout.write("政府信息公开年报问答。输入 /help 查看用法，Ctrl-D 退出。\n")
    while True:
        try:
            line = reader.read()
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
