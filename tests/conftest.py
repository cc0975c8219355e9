"""Shared fixtures. Each area keeps its fixtures in tests/fixtures_<area>.py, loaded here;
what is not a fixture (the fake Bot API and WeCom servers, the bot driver, the PostgreSQL
server, document makers, a runner for `bot.py` as a process) lives in tests/helpers/."""

pytest_plugins = [
    "tests.fixtures_parsers",
    "tests.fixtures_store",
    "tests.fixtures_query",
    "tests.fixtures_bot",
    "tests.fixtures_reminders",
    "tests.fixtures_web",
    "tests.fixtures_wecom",
]
