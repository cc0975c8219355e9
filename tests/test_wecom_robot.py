"""Group robots against the fake WeCom server: webhook URLs, pacing, 45009, removed robots.
Time is a fake clock: waiting advances it, nothing sleeps."""

from __future__ import annotations

import pytest

from tests.fixtures_wecom import Clock
from tests.helpers.fake_wecom import FakeWeCom
from wecom.api import WeComError
from wecom.robot import (
    RATE_LIMIT_WAIT,
    RobotClient,
    RobotGone,
    WebhookError,
    parse_webhook,
)


def test_parse_webhook_accepts_wecom_and_private_servers() -> None:
    hook = parse_webhook("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4")
    assert hook.key == "693a91f6-7xxx-4bc4"
    assert hook.masked == "qyapi.weixin.qq.com key=693a…4bc4"
    private = parse_webhook(
        " https://zwwx.example.gov.cn:8443/cgi-bin/webhook/send?key=abcdefgh12 "
    )
    assert private.url == "https://zwwx.example.gov.cn:8443/cgi-bin/webhook/send?key=abcdefgh12"


@pytest.mark.parametrize(
    "url",
    [
        "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh12",
        "https://qyapi.weixin.qq.com/cgi-bin/message/send?key=abcdefgh12",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a&key=b",
        "ftp://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdefgh12",
    ],
)
def test_parse_webhook_refuses_in_chinese(url: str) -> None:
    with pytest.raises(WebhookError, match="webhook"):
        parse_webhook(url)


async def test_markdown_is_sent_as_markdown(wecom: FakeWeCom, robots: RobotClient) -> None:
    url = wecom.add_robot()
    assert await robots.send_markdown(parse_webhook(url), "### 标题\n内容") == 1
    assert wecom.calls("webhook/send")[0].json == {
        "msgtype": "markdown",
        "markdown": {"content": "### 标题\n内容"},
    }


async def test_long_markdown_is_split_under_4096_bytes(
    wecom: FakeWeCom, robots: RobotClient
) -> None:
    url = wecom.add_robot()
    text = "\n".join(f"  · 单位{i:04d}" for i in range(600))
    sent = await robots.send_markdown(parse_webhook(url), text)
    parts = wecom.markdowns(url)
    assert sent == len(parts) > 1
    assert all(len(p.encode()) <= 4096 for p in parts)


async def test_twenty_messages_a_minute_per_robot(
    wecom: FakeWeCom, robots: RobotClient, clock: Clock
) -> None:
    first, second = parse_webhook(wecom.add_robot()), parse_webhook(wecom.add_robot())
    for i in range(20):
        await robots.send_markdown(first, f"消息 {i}")
    await robots.send_markdown(second, "另一个机器人不用等")
    assert clock.sleeps == []
    await robots.send_markdown(first, "第 21 条")
    assert clock.sleeps == [60.0]
    assert len(wecom.markdowns(first.url)) == 21


async def test_rate_limit_answer_is_waited_out(
    wecom: FakeWeCom, robots: RobotClient, clock: Clock
) -> None:
    url = wecom.add_robot()
    wecom.fail_next("webhook/send", 45009, "api freq out of limit", times=2)
    await robots.send_markdown(parse_webhook(url), "提醒")
    assert clock.sleeps == [RATE_LIMIT_WAIT, RATE_LIMIT_WAIT]
    assert len(wecom.calls("webhook/send")) == 3
    assert wecom.markdowns(url)[-1] == "提醒"


async def test_rate_limit_that_does_not_end_is_an_error(
    wecom: FakeWeCom, robots: RobotClient
) -> None:
    url = wecom.add_robot()
    wecom.fail_next("webhook/send", 45009, times=5)
    with pytest.raises(WeComError) as caught:
        await robots.send_markdown(parse_webhook(url), "提醒")
    assert caught.value.errcode == 45009
    assert len(wecom.calls("webhook/send")) == 3


async def test_removed_robot_is_gone_with_a_reason(wecom: FakeWeCom, robots: RobotClient) -> None:
    url = wecom.add_robot()
    wecom.remove_robot(url)
    with pytest.raises(RobotGone) as caught:
        await robots.send_markdown(parse_webhook(url), "提醒")
    assert caught.value.errcode == 93000
    assert "移出群" in caught.value.reason
    assert len(wecom.calls("webhook/send")) == 1


@pytest.mark.parametrize("errcode", [93004, 93008])
async def test_disabled_or_absent_robot_is_gone(
    wecom: FakeWeCom, robots: RobotClient, errcode: int
) -> None:
    url = wecom.add_robot()
    wecom.fail_next("webhook/send", errcode)
    with pytest.raises(RobotGone):
        await robots.send_markdown(parse_webhook(url), "提醒")
