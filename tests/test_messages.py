"""One splitter for every channel: the same text cuts at the same places under Telegram's UTF-16
count and WeCom's UTF-8 count; only the limit, the measure and the continuation mark differ."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.replies import split_message
from messages import split_text, utf8_bytes, utf16_units
from wecom.markdown import CONTINUED, split_bytes

BLOCKS = "\n\n".join(f"订阅{i}：淮安市各单位\n截止 1 月 31 日" for i in range(12))


def test_the_measures_count_what_each_platform_counts() -> None:
    assert (utf16_units("年报😀"), utf8_bytes("年报😀")) == (4, 10)


def test_both_channels_cut_a_list_between_its_blocks() -> None:
    telegram = split_message(BLOCKS, 120)
    wecom = [p.removeprefix(f"{CONTINUED}\n") for p in split_bytes(BLOCKS, 300)]
    for parts in (telegram, wecom):
        assert len(parts) > 1
        assert all(p.startswith("订阅") for p in parts)
        assert "\n\n".join(p.removesuffix("\n") for p in parts) == BLOCKS


def test_a_space_is_a_break_and_stays_with_its_part() -> None:
    text = "甲" * 30 + " " + "乙" * 30
    assert split_text(text, 40) == ["甲" * 30 + " ", "乙" * 30]
    assert split_bytes(text, 120) == ["甲" * 30 + " ", f"{CONTINUED}\n" + "乙" * 30]


def test_a_limit_without_room_for_the_mark_and_a_character_is_an_error() -> None:
    with pytest.raises(ValueError):
        split_text("年年年", 4, measure=utf8_bytes, continued=CONTINUED)


@given(
    st.text(alphabet=st.sampled_from("年报\n。 a😀"), max_size=800),
    st.integers(min_value=8, max_value=300),
)
def test_every_part_fits_and_only_line_breaks_are_dropped(text: str, limit: int) -> None:
    for measure in (utf16_units, utf8_bytes):
        parts = split_text(text, limit, measure=measure)
        assert all(0 < measure(p) <= limit for p in parts) or parts == [""]
        assert "".join(parts).replace("\n", "") == text.replace("\n", "")
