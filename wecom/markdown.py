"""Texts for WeCom: plain text as WeCom markdown, and splitting under a byte limit.

WeCom counts message length in UTF-8 bytes: 4,096 for a group robot's markdown, 2,048 for an
app's text or markdown (longer app texts are cut silently, longer robot messages refused with
errcode 40058). A Chinese character is three bytes.
"""

from __future__ import annotations

ROBOT_MARKDOWN_BYTES = 4096
APP_TEXT_BYTES = 2048
CONTINUED = "（续）"


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def as_markdown(text: str) -> str:
    """The first line (a reminder's or an answer's title) as a heading, the rest as it is:
    the content stays exactly the core's text."""
    title, newline, rest = text.partition("\n")
    return f"### {title}{newline}{rest}" if title else text


def _prefix_within(text: str, limit: int) -> str:
    """The longest prefix of `text` whose UTF-8 encoding fits `limit` bytes."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def split_bytes(text: str, limit: int, *, continued: str = CONTINUED) -> list[str]:
    """Parts of at most `limit` bytes each, cut at a line break where there is one (else after
    a 。, else anywhere between characters); later parts start with `continued`."""
    parts: list[str] = []
    rest = text
    while True:
        budget = limit - (size(continued) + 1 if parts else 0)
        if budget <= 0:
            raise ValueError("limit too small for the continuation mark")
        if size(rest) <= budget:
            parts.append(rest)
            break
        head = _prefix_within(rest, budget)
        if not head:
            raise ValueError("limit too small for one character")
        cut = head.rfind("\n")
        if cut > 0:
            parts.append(rest[:cut])
            rest = rest[cut + 1 :]
            continue
        cut = head.rfind("。")
        keep = cut + 1 if cut >= 0 else len(head)
        parts.append(rest[:keep])
        rest = rest[keep:]
    return [parts[0], *(f"{continued}\n{part}" for part in parts[1:])]
