"""Splitting under WeCom's byte limits and the markdown form of a text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from messages import utf8_bytes as size
from wecom.markdown import CONTINUED, as_markdown, split_bytes


def test_short_text_is_one_part() -> None:
    assert split_bytes("一行\n两行", 4096) == ["一行\n两行"]


def test_cuts_at_line_breaks_and_marks_continuations() -> None:
    lines = [f"  · 单位{i:03d}人民政府办公室" for i in range(400)]
    parts = split_bytes("\n".join(lines), 4096)
    assert len(parts) > 1
    assert all(size(part) <= 4096 for part in parts)
    assert all(part.startswith(CONTINUED + "\n") for part in parts[1:])
    rebuilt = "\n".join(
        part.removeprefix(CONTINUED + "\n") if i else part for i, part in enumerate(parts)
    )
    assert rebuilt == "\n".join(lines)


def test_a_line_longer_than_the_limit_is_cut_between_characters() -> None:
    text = "申" * 2000  # 6,000 bytes, no line break, no 。
    parts = split_bytes(text, 2048)
    assert all(size(part) <= 2048 for part in parts)
    assert "".join(p.removeprefix(CONTINUED + "\n") for p in parts) == text


def test_prefers_a_full_stop_when_a_line_is_too_long() -> None:
    text = "甲" * 500 + "。" + "乙" * 500
    parts = split_bytes(text, 2048)
    assert parts[0] == "甲" * 500 + "。"


@given(st.text(alphabet=st.sampled_from("年报\n。 a😀·"), max_size=3000))
def test_every_part_fits_and_nothing_is_lost(text: str) -> None:
    parts = split_bytes(text, 600)
    assert all(size(part) <= 600 for part in parts)
    body = [p.removeprefix(CONTINUED + "\n") if i else p for i, p in enumerate(parts)]
    assert "".join(body).replace("\n", "") == text.replace("\n", "")


def test_limit_too_small_is_an_error() -> None:
    with pytest.raises(ValueError):
        split_bytes("年年", 2)


def test_markdown_makes_the_first_line_a_heading_and_keeps_the_rest() -> None:
    text = "⏰ 部门年报截止提醒\n截止日期：2025年1月31日（星期五），还有 7 天。\n  · 淮安市财政局"
    assert as_markdown(text) == (
        "### ⏰ 部门年报截止提醒\n截止日期：2025年1月31日（星期五），还有 7 天。\n  · 淮安市财政局"
    )
