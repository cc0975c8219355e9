"""/subscribe arguments: kind, scope (a region or agency names), lead days."""

from __future__ import annotations

import pytest

from reminders.parse import SubscribeError, SubscribeRequest, parse_subscribe


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("部门 淮安市", SubscribeRequest("department", 1, 31, "淮安市", (), (30, 14, 7, 3, 1))),
        ("政府年报 江苏省淮安市", SubscribeRequest("government", 3, 31, "江苏省淮安市", ())),
        (
            "1月26日 淮安市洪泽区人民政府,淮安市财政局 提前 30,14,7",
            SubscribeRequest(
                "custom", 1, 26, None, ("淮安市洪泽区人民政府", "淮安市财政局"), (30, 14, 7)
            ),
        ),
        (
            "2-20 淮安市财政局、淮安市教育局，淮安市财政局 提前7天",
            SubscribeRequest("custom", 2, 20, None, ("淮安市财政局", "淮安市教育局"), (7,)),
        ),
        ("部门 洪泽区人民政府", SubscribeRequest("department", 1, 31, None, ("洪泽区人民政府",))),
    ],
    ids=["department-region", "government-region", "custom-list-leads", "dash-date", "one-agency"],
)
def test_subscribe_arguments(text: str, expected: SubscribeRequest) -> None:
    assert parse_subscribe(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请写明截止类型和范围，例如：/subscribe 部门 淮安市"),
        ("淮安市", "截止类型应为 部门（1月31日）、政府（3月31日）或一个日期，如 1月26日"),
        ("部门", "请写明范围：一个地区（如 淮安市）或若干单位名称（用逗号分隔）"),
        ("2月30日 淮安市", "没有 2月30日 这个日期"),
        ("部门 淮安市 提前 40,abc", "提前天数应为 0–366 的整数，用逗号分隔，例如：提前 30,14,7"),
    ],
    ids=["empty", "no-kind", "no-scope", "bad-date", "bad-leads"],
)
def test_bad_arguments_are_explained(text: str, message: str) -> None:
    with pytest.raises(SubscribeError) as err:
        parse_subscribe(text)
    assert str(err.value) == message
