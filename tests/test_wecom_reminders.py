"""Deadline reminders through WeCom group robots, over loopback against the fake WeCom server:
subscribed from the command line, sent once as markdown, 45009 waited out, a removed robot
paused. No Telegram token anywhere; time is moved by hand (nothing sleeps)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from reminders.parse import parse_subscribe
from reminders.schedule import DUPLICATE, PAUSED, SENT, upcoming
from services import Services
from tests.fixtures_reminders import shanghai
from tests.fixtures_wecom import Clock
from tests.helpers.cli import run_bot
from tests.helpers.fake_wecom import FakeWeCom
from wecom.delivery import RobotReminders, deliver
from wecom.robot import RATE_LIMIT_WAIT, RobotClient, parse_webhook

AT = shanghai(2025, 1, 24, 9)  # 7 days before 部门年报's 2025-01-31 (a Friday)
CREATED = shanghai(2025, 1, 20, 12)  # after the 14-day reminder of 2025-01-17
# README's example reminder (the same fixture agencies), as WeCom markdown.
REMINDER = """\
### ⏰ 部门年报截止提醒
截止日期：2025年1月31日（星期五），还有 7 天。
注意：截止日在春节假期中，此前最后一个工作日是 2025年1月27日（星期一）。
范围：淮安市（2024 年度报告）
已入库 1 个：
  · 淮安市财政局
尚未入库 2 个：
  · 洪泽区民政局
  · 淮安市教育局
校验未通过 1 处：
  · 淮安市财政局：V2 办理结果总计 12 ≠ 各项之和 11"""


def subscribe(services: Services, url: str, text: str = "部门 淮安市 提前 30,14,7") -> int:
    done = services.subscribe(
        None, parse_subscribe(text), user_id=None, wecom_webhook=url, now=CREATED
    )
    assert done.view is not None
    return done.view.id


def scheduler(services: Services, robots: RobotClient) -> RobotReminders:
    return RobotReminders(services, robots, clock=services.now)


async def test_moving_the_clock_over_a_reminder_sends_one_markdown_message_and_a_restart_none(
    rem_engine: Engine, wecom: FakeWeCom, robots: RobotClient
) -> None:
    url = wecom.add_robot()
    services = Services(rem_engine)
    subscribe(services, url)
    first = scheduler(services, robots)
    assert await first.tick(shanghai(2025, 1, 24, 8, 59)) == []
    assert wecom.markdowns(url) == []
    assert await first.tick(AT) == [SENT]
    assert await first.tick(shanghai(2025, 1, 24, 9, 1)) == []
    restarted = scheduler(Services(rem_engine), robots)  # a new process on the same database
    assert await restarted.tick(shanghai(2025, 1, 24, 9, 2)) == []
    assert wecom.markdowns(url) == [REMINDER]
    (call,) = wecom.calls("webhook/send")
    assert call.json["msgtype"] == "markdown"


async def test_a_reminder_due_while_nobody_ran_goes_out_once_marked_late(
    rem_engine: Engine, wecom: FakeWeCom, robots: RobotClient
) -> None:
    url = wecom.add_robot()
    services = Services(rem_engine)
    subscribe(services, url)
    assert await scheduler(services, robots).tick(shanghai(2025, 1, 25, 15)) == [SENT]
    (text,) = wecom.markdowns(url)
    assert text.startswith(
        "### （补发）⏰ 部门年报截止提醒\n截止日期：2025年1月31日（星期五），还有 6 天。"
    )


async def test_the_summary_after_the_deadline(
    rem_engine: Engine, wecom: FakeWeCom, robots: RobotClient
) -> None:
    url = wecom.add_robot()
    services = Services(rem_engine)
    subscribe(services, url)
    assert await scheduler(services, robots).tick(shanghai(2025, 2, 1, 9)) == [SENT]
    (text,) = wecom.markdowns(url)
    assert text.splitlines()[:2] == [
        "### 📋 部门年报截止汇总",
        "截止日期 2025年1月31日（星期五）已过。",
    ]
    assert "逾期未见 2 个：" in text


async def test_rate_limit_is_waited_out_and_the_reminder_sent_once(
    rem_engine: Engine, wecom: FakeWeCom, robots: RobotClient, clock: Clock
) -> None:
    url = wecom.add_robot()
    services = Services(rem_engine)
    subscribe(services, url)
    wecom.fail_next("webhook/send", 45009, "api freq out of limit")
    assert await scheduler(services, robots).tick(AT) == [SENT]
    assert clock.sleeps == [RATE_LIMIT_WAIT]
    assert [c.json["markdown"]["content"] for c in wecom.calls("webhook/send")] == [REMINDER] * 2
    assert await scheduler(services, robots).tick(shanghai(2025, 1, 24, 9, 30)) == []


async def test_a_removed_robot_pauses_its_subscription_with_the_reason(
    rem_engine: Engine, wecom: FakeWeCom, robots: RobotClient
) -> None:
    url = wecom.add_robot()
    other = wecom.add_robot()
    services = Services(rem_engine)
    gone_id = subscribe(services, url)
    subscribe(services, other)
    wecom.remove_robot(url)
    assert sorted(await scheduler(services, robots).tick(AT)) == [PAUSED, SENT]
    listed = {s.view.id: s.view for s in services.subscriptions(now=AT)}
    assert listed[gone_id].paused
    assert listed[gone_id].paused_reason == "群机器人的 webhook 地址无效，或机器人已被移出群"
    calls = len(wecom.calls("webhook/send"))
    assert await scheduler(services, robots).tick(shanghai(2025, 2, 1, 9)) == [SENT]  # summary
    assert len(wecom.calls("webhook/send")) == calls + 1
    assert all("key=" not in (r.paused_reason or "") for r in listed.values())


async def test_a_duplicate_claim_sends_nothing(
    rem_engine: Engine, wecom: FakeWeCom, robots: RobotClient
) -> None:
    url = wecom.add_robot()
    services = Services(rem_engine)
    subscribe(services, url)
    (item,) = services.due_reminders(AT)
    assert await deliver(services, robots, item, now=AT) == SENT
    assert await deliver(services, robots, item, now=AT) == DUPLICATE
    assert len(wecom.markdowns(url)) == 1


def test_command_line_subscribe_list_send_once_and_unsubscribe(
    rem_engine: Engine, rem_db_path: Path, wecom: FakeWeCom
) -> None:
    url = wecom.add_robot()
    key = parse_webhook(url).key
    db = {"database_url": f"sqlite:///{rem_db_path}", "SEED_SAMPLES": "false"}
    done = run_bot(
        "subscribe", "--wecom-webhook", url, "部门", "淮安市", "--leads", "30,14,7", **db
    )
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[0].startswith("已订阅：#1 部门年报，截止 ")
    assert (
        lines[-1]
        == f"发往：群机器人 127.0.0.1:{url.split(':')[2].split('/')[0]} key={key[:4]}…{key[-4:]}"
    )
    assert key not in done.stdout

    listing = run_bot("subscriptions", **db)
    assert listing.returncode == 0 and listing.stdout.startswith("#1 部门年报")
    assert "发往：群机器人 " in listing.stdout and key not in listing.stdout

    # move the clock to the subscription's first reminder, whatever today is
    services = Services(rem_engine)
    (plan,) = services.plans()
    first = upcoming(plan, services.now())[0]
    at = first.at.strftime("%Y-%m-%dT%H:%M")
    sent = run_bot("reminders", "--at", at, "--send", **db)
    assert (sent.returncode, sent.stderr) == (0, ""), sent.stdout
    assert sent.stdout.splitlines()[-1].endswith("：已发送")
    assert key not in sent.stdout
    assert len(wecom.markdowns(url)) == 1
    assert wecom.markdowns(url)[0].startswith("### ⏰ 部门年报截止提醒\n截止日期：")
    again = run_bot("reminders", "--at", at, "--send", **db)
    assert again.stdout == f"{first.at:%Y-%m-%d %H:%M} 没有到期的提醒（发送）。\n"
    assert len(wecom.markdowns(url)) == 1

    gone = run_bot("unsubscribe", "1", **db)
    assert (gone.returncode, gone.stdout) == (0, "已取消 1 项订阅。\n")
    missing = run_bot("unsubscribe", "1", **db)
    assert missing.returncode == 2 and "没有编号为 #1 的订阅" in missing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--wecom-webhook", "https://example.org/hook", "部门", "淮安市"],
            "不是群机器人的 webhook",
        ),
        (["--wecom-webhook", "{url}", "年度", "淮安市"], "截止类型应为"),
        (["--wecom-webhook", "{url}", "部门", "淮安市", "--leads", "999"], "提前天数"),
    ],
    ids=["not-a-webhook", "bad-kind", "bad-leads"],
)
def test_command_line_refuses_bad_arguments_and_stores_nothing(
    rem_engine: Engine, rem_db_path: Path, wecom: FakeWeCom, args: list[str], message: str
) -> None:
    url = wecom.add_robot()
    argv = [a.format(url=url) for a in args]
    done = run_bot(
        "subscribe",
        *argv,
        database_url=f"sqlite:///{rem_db_path}",
        SEED_SAMPLES="false",
    )
    assert done.returncode == 2 and message in done.stderr and done.stdout == ""
    assert Services(rem_engine).subscriptions() == []
