"""Questions end to end: the real Application, over HTTP, against the fake Bot API."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from handlers.questions import UNKNOWN_COMMAND_TEXT, addressed_question
from handlers.replies import ANSWER_PREFIX
from query import Asker
from store.reader import StoreReader
from tests.helpers.bot_driver import GROUP_ID, USER_ID, BotDriver
from tests.helpers.fake_bot_api import FakeBotApi


def asker_for(engine: Engine) -> Asker:
    """A second Asker on the same database: what the bot should have said, independently."""
    return Asker(StoreReader(engine), tz=ZoneInfo("Asia/Shanghai"))


def number_in(text: str, value: int) -> bool:
    """`value` appears as a whole number (3119 or 3,119), not inside a longer number."""
    pattern = rf"(?<![\d,.]){value:,}(?![\d,])|(?<![\d,.]){value}(?![\d,])"
    return re.search(pattern, text) is not None


async def test_private_question_gets_the_figure_with_its_source(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    requests = await bot_driver.say("淮安市 2024 申请数量")
    sent = [r for r in requests if r.method == "sendMessage"]
    assert len(sent) == 1
    text = sent[0].params["text"]
    assert sent[0].params["chat_id"] == USER_ID
    assert number_in(text, 3119)
    assert "淮安市人民政府" in text and "2024" in text and "huaian_city_2024.pdf" in text
    assert text == asker_for(bot_engine).ask("淮安市 2024 申请数量").text


async def test_jinan_question_answers_zero_from_the_data_bureau_report(
    bot_driver: BotDriver,
) -> None:
    requests = await bot_driver.say("金安区 2020 申请数量")
    (text,) = [r.params["text"] for r in requests if r.method == "sendMessage"]
    assert "六安市金安区数据资源管理局" in text and "本年新收" in text
    assert number_in(text, 0)
    assert "luan_jinan_data_bureau_2020.txt" in text


async def test_ambiguous_question_offers_buttons_and_a_press_edits_the_message(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi, bot_engine: Engine
) -> None:
    question = "淮安市 2024 申请数量"
    expected = asker_for(bot_engine).ask(question)
    assert expected.choices, "the question layer offers alternatives for 申请数量"
    requests = await bot_driver.say(question)
    (sent,) = [r for r in requests if r.method == "sendMessage"]
    buttons = [b for row in sent.params["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == [c.label[:64] for c in expected.choices]
    assert all(b["callback_data"].startswith(ANSWER_PREFIX) for b in buttons)
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)

    bot_message = fake_bot_api.last_message(USER_ID)
    pressed = await bot_driver.press(bot_message, buttons[0]["callback_data"])
    methods = [r.method for r in pressed]
    assert "answerCallbackQuery" in methods and "sendMessage" not in methods
    (edit,) = [r for r in pressed if r.method == "editMessageText"]
    assert edit.params["message_id"] == bot_message["message_id"]
    assert edit.params["chat_id"] == USER_ID
    token = buttons[0]["callback_data"].removeprefix(ANSWER_PREFIX)
    assert edit.params["text"] == asker_for(bot_engine).resolve(token).text
    assert edit.params["text"] != sent.params["text"]


async def test_button_from_before_a_restart_still_answers(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi, bot_engine: Engine
) -> None:
    """No server-side state: a button press carries everything needed to answer it."""
    choice = asker_for(bot_engine).ask("淮安市 2024 申请数量").choices[0]
    old_message = {
        "message_id": 7,
        "date": 1700000000,
        "chat": {"id": USER_ID, "type": "private", "first_name": "用户"},
        "from": {"id": fake_bot_api.bot_id, "is_bot": True, "first_name": "年报助手"},
        "text": "（重启前的回答）",
    }
    pressed = await bot_driver.press(old_message, ANSWER_PREFIX + choice.token)
    (edit,) = [r for r in pressed if r.method == "editMessageText"]
    assert edit.params["message_id"] == 7
    assert edit.params["text"] == asker_for(bot_engine).resolve(choice.token).text


async def test_unknown_agency_gets_no_data_with_nearby_choices_not_a_figure(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    question = "平潭 2030 申请数量"
    expected = asker_for(bot_engine).ask(question)
    assert expected.status == "no_data"
    requests = await bot_driver.say(question)
    (sent,) = [r for r in requests if r.method == "sendMessage"]
    assert sent.params["text"] == expected.text
    if expected.choices:
        labels = [b["text"] for row in sent.params["reply_markup"]["inline_keyboard"] for b in row]
        assert labels == [c.label[:64] for c in expected.choices]


async def test_ask_command_in_a_group_answers_in_the_group(bot_driver: BotDriver) -> None:
    question = bot_driver.message("/ask 淮安市 2024 申请数量", chat_id=GROUP_ID)
    requests = await bot_driver.send(question)
    (sent,) = [r for r in requests if r.method == "sendMessage"]
    assert sent.params["chat_id"] == GROUP_ID
    assert number_in(sent.params["text"], 3119)
    # quotes the question, and still answers if the question was deleted meanwhile
    assert sent.params["reply_parameters"] == {
        "message_id": question["message_id"],
        "allow_sending_without_reply": True,
    }


async def test_ask_with_the_bot_username_suffix_works(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi
) -> None:
    text = f"/ask@{fake_bot_api.username} 淮安市 2024 申请数量"
    requests = await bot_driver.say(text, chat_id=GROUP_ID)
    (sent,) = [r for r in requests if r.method == "sendMessage"]
    assert number_in(sent.params["text"], 3119)


async def test_plain_group_text_is_ignored(bot_driver: BotDriver) -> None:
    assert await bot_driver.say("淮安市 2024 申请数量", chat_id=GROUP_ID) == []


async def test_group_mention_is_answered_without_the_mention(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi, bot_engine: Engine
) -> None:
    text = f"@{fake_bot_api.username} 淮安市 2024 申请数量"
    requests = await bot_driver.say(text, chat_id=GROUP_ID)
    (sent,) = [r for r in requests if r.method == "sendMessage"]
    assert sent.params["text"] == asker_for(bot_engine).ask("淮安市 2024 申请数量").text


async def test_group_reply_to_the_bot_is_a_question_but_a_reply_to_a_person_is_not(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi
) -> None:
    await bot_driver.say("/ask 淮安市 2024 申请数量", chat_id=GROUP_ID)
    bot_message = fake_bot_api.last_message(GROUP_ID)
    requests = await bot_driver.say("洪泽区 2024 申请数量", chat_id=GROUP_ID, reply_to=bot_message)
    (sent,) = [r for r in requests if r.method == "sendMessage"]
    assert number_in(sent.params["text"], 95)

    person = bot_driver.message("随便聊聊", chat_id=GROUP_ID, user_id=77)
    assert await bot_driver.say("洪泽区 2024 申请数量", chat_id=GROUP_ID, reply_to=person) == []


async def test_ask_without_a_question_explains_usage(bot_driver: BotDriver) -> None:
    requests = await bot_driver.say("/ask", chat_id=GROUP_ID)
    (sent,) = [r for r in requests if r.method == "sendMessage"]
    assert sent.params["text"] == "用法：/ask 问题\n例如：/ask 金安区 2020 申请数量"


@pytest.mark.parametrize(
    "text",
    ["🙂🙂", "DROP TABLE reports;", "<b>申请</b>", "x" * 4000],
    ids=["emoji", "sql", "html", "long"],
)
async def test_odd_input_gets_a_short_friendly_reply(bot_driver: BotDriver, text: str) -> None:
    requests = await bot_driver.say(text)
    (sent,) = [r for r in requests if r.method == "sendMessage"]
    assert 0 < len(sent.params["text"]) <= 4096
    assert "Traceback" not in sent.params["text"]


async def test_unknown_command_in_private_points_to_help_but_is_ignored_in_groups(
    bot_driver: BotDriver,
) -> None:
    requests = await bot_driver.say("/frobnicate 2020")
    assert [r.params["text"] for r in requests] == [UNKNOWN_COMMAND_TEXT]
    assert await bot_driver.say("/frobnicate 2020", chat_id=GROUP_ID) == []
    (help_reply,) = await bot_driver.say("/help")  # known commands still reach their handler
    assert help_reply.params["text"].startswith("直接发问题即可")


@pytest.mark.parametrize(
    ("text", "replying", "expected"),
    [
        ("@nianbao_test_bot 平潭 2023 复议", False, "平潭 2023 复议"),
        ("平潭 2023 复议 @Nianbao_Test_Bot", False, "平潭 2023 复议"),
        ("平潭 2023 复议", True, "平潭 2023 复议"),
        ("平潭 2023 复议", False, None),
        ("@other_bot 平潭 2023 复议", False, None),
        ("@nianbao_test_bot", False, ""),
    ],
    ids=["mention-first", "mention-last-any-case", "reply", "plain", "other-bot", "only-mention"],
)
def test_group_messages_addressed_to_the_bot(
    text: str, replying: bool, expected: str | None
) -> None:
    found = addressed_question(text, username="nianbao_test_bot", replying_to_bot=replying)
    assert found == expected


async def test_a_bare_mention_in_a_group_explains_how_to_ask(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi
) -> None:
    requests = await bot_driver.say(f"@{fake_bot_api.username}", chat_id=GROUP_ID)
    assert [r.params["text"] for r in requests] == [
        "用法：/ask 问题\n例如：/ask 金安区 2020 申请数量"
    ]


async def test_a_button_on_a_message_that_cannot_be_edited_answers_in_a_new_message(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi, bot_engine: Engine
) -> None:
    choice = asker_for(bot_engine).ask("淮安市 2024 申请数量").choices[0]
    await bot_driver.say("淮安市 2024 申请数量")
    fake_bot_api.fail_next(
        "editMessageText", status=400, description="Bad Request: message can't be edited"
    )
    pressed = await bot_driver.press(
        fake_bot_api.last_message(USER_ID), ANSWER_PREFIX + choice.token
    )
    assert [r.method for r in pressed] == ["answerCallbackQuery", "editMessageText", "sendMessage"]
    assert pressed[-1].params["text"] == asker_for(bot_engine).resolve(choice.token).text


async def test_pressing_the_same_button_twice_is_quiet(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi, bot_engine: Engine
) -> None:
    choice = asker_for(bot_engine).ask("淮安市 2024 申请数量").choices[0]
    await bot_driver.say("淮安市 2024 申请数量")
    message = fake_bot_api.last_message(USER_ID)
    await bot_driver.press(message, ANSWER_PREFIX + choice.token)
    fake_bot_api.fail_next(
        "editMessageText",
        status=400,
        description="Bad Request: message is not modified: specified new message content and "
        "reply markup are exactly the same as a current content and reply markup of the message",
    )
    again = await bot_driver.press(message, ANSWER_PREFIX + choice.token)
    assert [r.method for r in again] == ["answerCallbackQuery", "editMessageText"]
