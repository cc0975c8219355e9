"""Bot test fixtures (loaded from tests/conftest.py): the fake Bot API server, a real SQLite store
filled with the sample reports, the real Application built by `build_application` pointed at the
fake server, and a driver (tests/helpers/bot_driver.py) that feeds updates and returns the
requests the bot made.

    async def test_x(bot_driver, fake_bot_api):
        requests = await bot_driver.say("金安区 2020 申请数量")
        assert requests[-1].params["text"] ...
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pydantic import SecretStr

from settings import Settings
from tests.helpers.bot_driver import ADMIN_ID, BotDriver
from tests.helpers.documents import document
from tests.helpers.fake_bot_api import FakeBotApi

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from telegram.ext import Application

    from services import Services

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
        assert Services(engine).ingest_upload(document(name).read_bytes(), name).ok
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


@pytest.fixture
def bot_driver(bot_app: Application, fake_bot_api: FakeBotApi) -> BotDriver:
    return BotDriver(bot_app, fake_bot_api)
