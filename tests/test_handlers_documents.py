"""Report files sent to the bot: admin uploads are stored, /check only validates."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from store.reader import StoreReader
from tests.fixtures_bot import UPLOAD_FILE
from tests.helpers.bot_driver import ADMIN_ID, GROUP_ID, USER_ID, BotDriver
from tests.helpers.documents import document
from tests.helpers.fake_bot_api import FakeBotApi, Request


def stored(engine: Engine) -> list[tuple[str, int]]:
    """(agency, year) of every current report, sorted."""
    reader = StoreReader(engine)
    names = {a.id: a.name for a in reader.agencies()}
    return sorted((names[a], y) for a in names for y in reader.years(a))


def texts(requests: list[Request]) -> list[str]:
    return [r.params["text"] for r in requests if r.method == "sendMessage"]


async def test_admin_upload_is_parsed_validated_and_stored(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    assert ("平潭综合实验区", 2025) not in stored(bot_engine)
    data = document(UPLOAD_FILE).read_bytes()
    requests = await bot_driver.send_file(data, UPLOAD_FILE, chat_id=ADMIN_ID)
    assert [r.method for r in requests][:2] == ["getFile", "@download"]
    (reply,) = texts(requests)
    assert reply.startswith(f"已入库（新增）：{UPLOAD_FILE}\n")
    assert "平潭综合实验区" in reply and "年度：2025" in reply
    assert ("平潭综合实验区", 2025) in stored(bot_engine)


async def test_same_upload_twice_is_reported_unchanged(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    data = document(UPLOAD_FILE).read_bytes()
    await bot_driver.send_file(data, UPLOAD_FILE, chat_id=ADMIN_ID)
    before = stored(bot_engine)
    (reply,) = texts(await bot_driver.send_file(data, UPLOAD_FILE, chat_id=ADMIN_ID))
    assert reply.startswith(f"与已入库的文件相同，未作改动：{UPLOAD_FILE}\n")
    assert stored(bot_engine) == before


async def test_non_admin_upload_is_refused_politely_without_downloading(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    before = stored(bot_engine)
    data = document(UPLOAD_FILE).read_bytes()
    requests = await bot_driver.send_file(data, UPLOAD_FILE, chat_id=USER_ID)
    assert [r.method for r in requests] == ["sendMessage"]
    assert texts(requests) == [
        "抱歉，只有管理员上传的年报才会入库。"
        "如需发布前检查，请在文件附言中写 /check（只校验，不入库）。"
    ]
    assert stored(bot_engine) == before


async def test_non_admin_file_in_a_group_is_ignored(bot_driver: BotDriver) -> None:
    data = document(UPLOAD_FILE).read_bytes()
    assert await bot_driver.send_file(data, UPLOAD_FILE, chat_id=GROUP_ID, user_id=USER_ID) == []


async def test_check_caption_reports_the_hongze_2023_review_inconsistency_without_storing(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    before = stored(bot_engine)
    data = document("hongze_district_2023.pdf").read_bytes()
    requests = await bot_driver.send_file(
        data, "洪泽区2023年报.pdf", caption="/check", chat_id=USER_ID
    )
    (reply,) = texts(requests)
    head = reply.splitlines()
    assert head[0] == "发布前检查（未入库）：洪泽区2023年报.pdf"
    assert head[1].startswith("⚠️ 有 ") and head[1].endswith(" 项校验未通过")
    assert "洪泽区" in reply and "2023" in reply
    # the failed 行政复议 check names the printed numbers: 10 + 1 + 0 + 0 = 11, 总计 0
    assert "行政复议：结果维持 10 + 结果纠正 1 + 其他结果 0 + 尚未审结 0 = 11 ≠ 总计 0" in reply
    assert stored(bot_engine) == before


async def test_check_replying_to_a_file_validates_it(bot_driver: BotDriver) -> None:
    data = document("luan_jinan_data_bureau_2020.txt").read_bytes()
    attached = bot_driver.document(data, "jinan.txt")
    file_message = bot_driver.message(None, chat_id=GROUP_ID, user_id=77, document=attached)
    requests = await bot_driver.say("/check", chat_id=GROUP_ID, user_id=78, reply_to=file_message)
    (reply,) = texts(requests)
    assert reply.splitlines()[:2] == ["发布前检查（未入库）：jinan.txt", "✅ 校验全部通过"]
    assert "六安市金安区数据资源管理局" in reply


async def test_check_without_a_file_explains_itself(bot_driver: BotDriver) -> None:
    (reply,) = texts(await bot_driver.say("/check"))
    assert reply == (
        "用法：发送年报文件并在附言中写 /check，或回复一条带文件的消息发 /check。"
        "只做发布前校验，不入库；文件不超过 5 MB。"
    )


async def test_oversized_file_is_refused_before_download(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi
) -> None:
    requests = await bot_driver.send_file(
        b"%PDF-1.7", "big.pdf", size=6 * 1024 * 1024, chat_id=ADMIN_ID
    )
    assert [r.method for r in requests] == ["sendMessage"]
    assert texts(requests) == ["文件太大（6.0 MB）：上传上限为 5 MB。请压缩或拆分后再发。"]
    assert fake_bot_api.calls("getFile") == []


@pytest.mark.parametrize("caption", [None, "/check"])
async def test_a_file_of_unstated_size_is_read_no_further_than_the_limit(
    bot_driver: BotDriver, fake_bot_api: FakeBotApi, caption: str | None
) -> None:
    """Neither the message nor getFile states the size (both are optional in Telegram's API):
    the download stops once it passes the limit (5 MB here) instead of reading all 48 MB."""
    data = b"%PDF-1.7\n" + b"0" * (48 << 20)
    document = bot_driver.document(data, "big.pdf", sized=False)
    extra = {"caption": caption} if caption else {}
    requests = await bot_driver.send(
        bot_driver.message(None, chat_id=ADMIN_ID, document=document, **extra)
    )
    assert texts(requests) == ["文件太大：上传上限为 5 MB。请压缩或拆分后再发。"]
    (sent,) = fake_bot_api.bytes_sent()
    assert sent < 16 << 20  # the limit, plus what the sockets' buffers took in


async def test_bad_file_gets_the_parse_error_in_chinese_and_stores_nothing(
    bot_driver: BotDriver, bot_engine: Engine
) -> None:
    from parsers import parse_bytes
    from parsers.model import ParseError

    data = "这是一份会议通知，不是年报。\n".encode()
    with pytest.raises(ParseError) as caught:
        parse_bytes(data, filename="通知.txt")
    message = str(caught.value)
    before = stored(bot_engine)
    (reply,) = texts(await bot_driver.send_file(data, "通知.txt", chat_id=ADMIN_ID))
    assert reply == f"无法读取 通知.txt：{message}"
    assert stored(bot_engine) == before
