"""Shared fixtures. Each area keeps its fixtures in tests/fixtures_<area>.py, loaded here."""

pytest_plugins = [
    "tests.fixtures_parsers",
    "tests.fixtures_store",
    "tests.fixtures_query",
    "tests.fixtures_bot",
    "tests.fixtures_reminders",
    "tests.fixtures_web",
    "tests.fixtures_wecom",
]
