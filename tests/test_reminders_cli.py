"""`bot.py reminders --at … [--send]`: the due reminders, their chats and full texts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from bot import dispatch
from cli.reminders import due_report
from services import Services
from settings import Settings
from store import subscriptions as store
from tests.fixtures_reminders import shanghai
from tests.helpers.fake_bot_api import FakeBotApi

AT = shanghai(2027, 1, 24, 9)
EXPECTED = """\
2027-01-24 09:00 到期提醒 2 条（预览，未发送）：

— 订阅 #1 → 聊天 -1001：截止 2027-01-31，提前 7 天，计划 2027-01-22 09:00（补发）
（补发）⏰ 部门年报截止提醒
截止日期：2027年1月31日（星期日），还有 7 天。
注意：截止日是休息日，此前最后一个工作日是 2027年1月29日（星期五）。
范围：淮安市（2026 年度报告）
已入库 0 个。
尚未入库 3 个：
  · 洪泽区民政局
  · 淮安市教育局
  · 淮安市财政局

— 订阅 #2 → 聊天 -1002：截止 2027-01-26，提前 7 天，计划 2027-01-19 09:00（补发）
（补发）⏰ 年报（自定截止日）截止提醒
截止日期：2027年1月26日（星期二），还有 2 天。
范围：淮安市洪泽区人民政府、淮安市财政局（2026 年度报告）
已入库 0 个。
尚未入库 2 个：
  · 淮安市洪泽区人民政府
  · 淮安市财政局
"""


def subscribe_two(engine: Engine) -> None:
    with Session(engine) as session:
        store.add_subscription(
            session=session,
            chat_id=-1001,
            kind="department",
            month=1,
            day=31,
            scope_region="淮安市",
            scope_agencies=(),
            leads=(30, 14, 7, 3, 1),
            created_by=1,
            now=shanghai(2026, 12, 1),
            limit=100,
        )
        store.add_subscription(
            session=session, chat_id=-1002, kind="custom", month=1, day=26, scope_region=None,
            scope_agencies=("淮安市洪泽区人民政府", "淮安市财政局"), leads=(30, 14, 7),
            created_by=1, now=shanghai(2026, 12, 1), limit=100,
        )  # fmt: skip


def test_dry_run_prints_each_due_reminder_with_chat_and_text(rem_engine: Engine) -> None:
    subscribe_two(rem_engine)
    out = io.StringIO()
    assert due_report(Settings(), Services(rem_engine), at=AT, send=False, out=out) == 0
    assert out.getvalue() == EXPECTED


def test_on_time_reminder_is_not_marked_late(rem_engine: Engine) -> None:
    subscribe_two(rem_engine)
    out = io.StringIO()
    due_report(Settings(), Services(rem_engine), at=shanghai(2027, 1, 22, 9), send=False, out=out)
    lines = out.getvalue().splitlines()
    assert lines[2] == (
        "— 订阅 #1 → 聊天 -1001：截止 2027-01-31，提前 7 天，计划 2027-01-22 09:00"
    )
    assert lines[3:5] == ["⏰ 部门年报截止提醒", "截止日期：2027年1月31日（星期日），还有 9 天。"]


def test_send_delivers_once_through_the_configured_api(rem_engine: Engine) -> None:
    subscribe_two(rem_engine)
    with FakeBotApi() as api:
        settings = Settings(telegram_bot_token=api.token, telegram_api_base_url=api.base_url)
        out = io.StringIO()
        assert due_report(settings, Services(rem_engine), at=AT, send=True, out=out) == 0
        assert out.getvalue().splitlines()[-2:] == [
            "reminder:1:2027-01-31:7：已发送",
            "reminder:2:2027-01-26:7：已发送",
        ]
        assert [c.params["chat_id"] for c in api.calls("sendMessage")] == [-1001, -1002]
        again = io.StringIO()
        due_report(settings, Services(rem_engine), at=AT, send=True, out=again)
        assert again.getvalue() == "2027-01-24 09:00 没有到期的提醒（发送）。\n"
        assert len(api.calls("sendMessage")) == 2


def test_send_without_token_is_refused_when_a_telegram_reminder_is_due(
    rem_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """--send needs the credentials of the channels it sends to: here Telegram's. Nothing is
    sent or claimed (WeCom robots need none: tests/test_wecom_reminders.py)."""
    subscribe_two(rem_engine)
    out = io.StringIO()
    assert due_report(Settings(), Services(rem_engine), at=AT, send=True, out=out) == 2
    assert out.getvalue() == ""
    assert capsys.readouterr().err == (
        "错误：有发往 Telegram 的提醒，--send 需要 TELEGRAM_BOT_TOKEN（未发送任何提醒）\n"
    )
    assert len(Services(rem_engine).due_reminders(AT)) == 2


def test_bot_py_reminders_command(
    rem_engine: Engine, rem_db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    subscribe_two(rem_engine)
    settings = Settings(database_url=f"sqlite:///{rem_db_path}", seed_samples=False)
    assert dispatch(["reminders", "--at", "2027-01-24T09:00"], settings) == 0
    assert capsys.readouterr() == (EXPECTED, "")
