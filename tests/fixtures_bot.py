"""Bot test fixtures (loaded from tests/conftest.py): the fake Bot API server, a real SQLite store
filled with the sample reports, the real Application built by `build_application` pointed at the
fake server, and a driver that feeds updates and returns the requests the bot made.

    async def test_x(bot_driver, fake_bot_api):
        requests = await bot_driver.say("金安区 2020 申请数量")
        assert requests[-1].params["text"] ...
"""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from settings import Settings
from tests.fake_bot_api import FakeBotApi, Request

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from telegram.ext import Application

    from services import Services

DATA_DIR = Path(__file__).parent / "data"
USER_ID = 1001  # an ordinary user (private chat id == user id)
ADMIN_ID = 4242  # listed in ADMIN_IDS
GROUP_ID = -1001234567890  # a supergroup
# Every sample report except pingtan_2025.txt, which tests upload as a new report
# (pingtan_2023.txt is the same report as pingtan_2023.html).
SEED_FILES = (
    "luan_jinan_data_bureau_2020.txt",
    "pingtan_2019.txt",
    "pingtan_2021.txt",
    "pingtan_2023.html",
    "shanghai_gov_office_2019.html",
    "huaian_city_2024.pdf",
    "hongze_district_2023.pdf",
    "hongze_district_2024.pdf",
)
UPLOAD_FILE = "pingtan_2025.txt"


@pytest.fixture
def fake_bot_api() -> Iterator[FakeBotApi]:
    """A fake Bot API on 127.0.0.1 recording every request (see tests/fake_bot_api.py)."""
    with FakeBotApi() as api:
        yield api


@pytest.fixture(scope="session")
def bot_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with SEED_FILES ingested through store.ingest, built once per run."""
    from services import Services
    from store.db import make_engine, upgrade

    path = tmp_path_factory.mktemp("bot-db") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    for name in SEED_FILES:
        assert Services(engine).ingest_upload((DATA_DIR / name).read_bytes(), name).ok
    engine.dispose()
    return path


@pytest.fixture
def bot_db_url(bot_db_template: Path, tmp_path: Path) -> str:
    """A private copy of the seeded database for one test."""
    path = tmp_path / "bot.sqlite3"
    for suffix in ("", "-wal"):
        source = bot_db_template.with_name(bot_db_template.name + suffix)
        if source.exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    return f"sqlite:///{path}"


@pytest.fixture
def bot_engine(bot_db_url: str) -> Iterator[Engine]:
    from store.db import make_engine

    engine = make_engine(bot_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def bot_settings(fake_bot_api: FakeBotApi, bot_db_url: str) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(fake_bot_api.token),
        telegram_api_base_url=fake_bot_api.base_url,
        database_url=bot_db_url,
        admin_ids=frozenset({ADMIN_ID}),
        max_upload_mb=5,
        seed_samples=False,
    )


@pytest.fixture
def bot_services(bot_settings: Settings, bot_engine: Engine) -> Services:
    """The use cases over the seeded database, with the bot's upload limit."""
    from services import Services

    return Services(bot_engine, max_upload_mb=bot_settings.max_upload_mb)


@pytest.fixture
async def bot_app(bot_settings: Settings, bot_services: Services) -> AsyncIterator[Application]:
    """The real Application from `build_application`, initialised (getMe done), not polling."""
    from handlers.app import build_application

    application = build_application(bot_settings, bot_services)
    await application.initialize()
    yield application
    await application.shutdown()


class BotDriver:
    """Feeds Telegram updates to the Application and returns the requests it made meanwhile.

    `process_update` returns when every handler (and the error handler) is done, so the
    returned requests are complete: no waiting, no sleeping."""

    def __init__(self, application: Application | None, api: FakeBotApi) -> None:
        """`application` may be None when the driver only builds updates (e.g. for polling)."""
        self.application = application
        self.api = api
        self._message_ids = itertools.count(1)

    @staticmethod
    def user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}"}

    def chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"用户{chat_id}"}
        return {"id": chat_id, "type": "supergroup", "title": "年报工作群"}

    def entities(self, text: str) -> list[dict[str, Any]]:
        """bot_command and @mention entities, with offsets in UTF-16 units as Telegram does."""

        def units(s: str) -> int:
            return len(s.encode("utf-16-le")) // 2

        found = []
        if text.startswith("/"):
            found.append({"type": "bot_command", "offset": 0, "length": units(text.split()[0])})
        mention = f"@{self.api.username}"
        start = text.find(mention)
        if start >= 0:
            found.append(
                {"type": "mention", "offset": units(text[:start]), "length": units(mention)}
            )
        return found

    def message(
        self,
        text: str | None = None,
        *,
        chat_id: int = USER_ID,
        user_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A Message as Telegram sends it; the sender defaults to the private chat's user."""
        sender = user_id if user_id is not None else (chat_id if chat_id > 0 else USER_ID)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.user(sender),
            **extra,
        }
        if text is not None:
            message["text"] = text
            if entities := self.entities(text):
                message["entities"] = entities
        if "caption" in extra and (entities := self.entities(extra["caption"])):
            message["caption_entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    async def feed(self, update: dict[str, Any]) -> list[Request]:
        """Process one update; the requests the bot made for it, in order."""
        from telegram import Update

        before = len(self.api.requests)
        assert self.application is not None, "this driver only builds updates"
        update = {"update_id": self.api.next_update_id(), **update}
        await self.application.process_update(Update.de_json(update, self.application.bot))
        return self.api.requests[before:]

    async def send(self, message: dict[str, Any]) -> list[Request]:
        return await self.feed({"message": message})

    async def say(self, text: str, **kwargs: Any) -> list[Request]:
        """A text message (a command when it starts with /) from a user."""
        return await self.send(self.message(text, **kwargs))

    async def press(
        self, bot_message: dict[str, Any], data: str, *, user_id: int = USER_ID
    ) -> list[Request]:
        """Press an inline button with `data` under `bot_message` (a message the bot sent)."""
        query = {
            "id": f"cb-{next(self._message_ids)}",
            "from": self.user(user_id),
            "chat_instance": "ci-1",
            "data": data,
            "message": bot_message,
        }
        return await self.feed({"callback_query": query})

    def document(
        self, data: bytes, file_name: str, *, size: int | None = None, sized: bool = True
    ) -> dict[str, Any]:
        """A Document whose bytes the fake server serves via getFile and /file/bot…; unless
        `sized`, neither the Document nor getFile states its size."""
        file_id = self.api.add_file(data, file_name, sized=sized)
        found = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "mime_type": "application/octet-stream",
        }
        return {**found, "file_size": len(data) if size is None else size} if sized else found

    async def send_file(
        self,
        data: bytes,
        file_name: str,
        *,
        caption: str | None = None,
        size: int | None = None,
        **kwargs: Any,
    ) -> list[Request]:
        """A message with a file attached (and a caption, e.g. "/check")."""
        extra: dict[str, Any] = {"document": self.document(data, file_name, size=size)}
        if caption is not None:
            extra["caption"] = caption
        return await self.send(self.message(None, **kwargs, **extra))


@pytest.fixture
def bot_driver(bot_app: Application, fake_bot_api: FakeBotApi) -> BotDriver:
    return BotDriver(bot_app, fake_bot_api)
