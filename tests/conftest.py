"""Shared fixtures. Each area keeps its fixtures in tests/fixtures_<area>.py, loaded here;
what is not a fixture (the fake Bot API and WeCom servers, the bot driver, the PostgreSQL
server, document makers, a runner for `bot.py` as a process) lives in tests/helpers/.

Bytecode is cached for the suite even where PYTHONDONTWRITEBYTECODE is set: the suite starts
dozens of Python processes (test workers, `bot.py`, OCR and ingest workers), and without the
cache each compiles the project again and pytest rewrites every test module's asserts again
(collecting costs a worker 15 CPU-s instead of 8.5). The files go to __pycache__ (ignored by
git) and are checked against their sources' times, as always."""

import os
import sys

os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # for the processes the tests start
sys.dont_write_bytecode = False  # for this one and the test workers it starts

pytest_plugins = [
    "tests.fixtures_parsers",
    "tests.fixtures_store",
    "tests.fixtures_query",
    "tests.fixtures_bot",
    "tests.fixtures_reminders",
    "tests.fixtures_web",
    "tests.fixtures_wecom",
]
