"""argparse in Chinese: `bot.py --help` and every usage error read as the rest of the bot.

argparse builds its own words ("usage: ", "options", "show this help message and exit",
"the following arguments are required: …") through `gettext`, bound inside the module as `_`
and `ngettext`. There is no public hook and no Chinese catalogue ships with Python, so
`ArgumentParser` swaps those two names for a lookup in `WORDS` while one of its own methods
runs, and puts them back after. A string missing from the table (a newer Python's) stays
English rather than failing.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar

# argparse's own strings (Python 3.11–3.13) → Chinese; the %-placeholders are kept.
WORDS: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",
    "subcommands": "命令",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "必须给出 %s 之一",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ignored explicit argument %r": "多余的值 %r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 不明确，可能是 %(matches)s"
    ),
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "无效的选择：%(value)r（可选：%(choices)s）"
    ),
    "can't open '%(filename)s': %(error)s": "无法打开 %(filename)s：%(error)s",
}


def _gettext(message: str) -> str:
    return WORDS.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


@contextmanager
def chinese() -> Iterator[None]:
    """argparse's words in Chinese for the duration (re-entrant)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _gettext, _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


F = TypeVar("F", bound=Callable[..., Any])


def _in_chinese(method: F) -> F:
    @wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with chinese():
            return method(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class HelpFormatter(argparse.HelpFormatter):
    """argparse pads an option to its help column by counting characters; a Chinese metavar
    (--region 地区) is wider on screen than its count, so the padding is cut to match."""

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        extra = display_width(invocation) - len(invocation)
        head, newline, rest = text.partition("\n")
        start = head.find(invocation)
        if extra <= 0 or start < 0:
            return text
        after = start + len(invocation)
        gap = len(head) - len(head[after:].lstrip(" ")) - after
        if gap - extra >= 2:  # still two spaces before the help text
            head = head[:after] + " " * (gap - extra) + head[after + gap :]
        return head + newline + rest


class ArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are Chinese (its subparsers are of this class too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        with chinese():
            super().__init__(*args, **kwargs)

    parse_args = _in_chinese(argparse.ArgumentParser.parse_args)  # its "unrecognized arguments"
    parse_known_args = _in_chinese(argparse.ArgumentParser.parse_known_args)
    format_usage = _in_chinese(argparse.ArgumentParser.format_usage)
    format_help = _in_chinese(argparse.ArgumentParser.format_help)
    error = _in_chinese(argparse.ArgumentParser.error)
    add_subparsers = _in_chinese(argparse.ArgumentParser.add_subparsers)


def whole_number(text: str) -> int:
    """An `int` argument whose error says what was expected, in Chinese."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为整数，收到的是 {text!r}") from None


def moment_text(text: str) -> str:
    """`--at`: checked when the arguments are read, so a typo is a usage line, not a
    traceback; the value stays text (cli.reminders reads it as Beijing time)."""
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"无法识别的时刻 {text!r}；请写成 2027-01-24T09:00 或 2027-01-24（北京时间）"
        ) from None
    return text
