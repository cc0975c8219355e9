"""Run `python bot.py …` as a real subprocess against a test database (no Telegram token)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.helpers.patience import PATIENCE

PROJECT = Path(__file__).resolve().parents[2]


def run_bot(
    *args: str,
    database_url: str,
    stdin: str = "",
    cwd: Path = PROJECT,
    timeout: float = PATIENCE,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k.upper() != "TELEGRAM_BOT_TOKEN"}
    environ.update({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", **env})
    return subprocess.run(
        [sys.executable, str(PROJECT / "bot.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environ,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
