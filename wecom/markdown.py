"""Texts for WeCom: plain text as WeCom markdown, and splitting under a byte limit.

WeCom counts message length in UTF-8 bytes: 4,096 for a group robot's markdown, 2,048 for an
app's text or markdown (longer app texts are cut silently, longer robot messages refused with
errcode 40058). A Chinese character is three bytes.
"""

from __future__ import annotations

from messages import split_text, utf8_bytes

ROBOT_MARKDOWN_BYTES = 4096
APP_TEXT_BYTES = 2048
CONTINUED = "（续）"


def split_bytes(text: str, limit: int) -> list[str]:
    """WeCom's parts of `text`: within `limit` UTF-8 bytes, cut where `messages` cuts, the
    later ones marked `CONTINUED`."""
    return split_text(text, limit, measure=utf8_bytes, continued=CONTINUED)


def as_markdown(text: str) -> str:
    """The first line (a reminder's or an answer's title) as a heading, the rest as it is:
    the content stays exactly the core's text."""
    title, newline, rest = text.partition("\n")
    return f"### {title}{newline}{rest}" if title else text
