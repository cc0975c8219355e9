"""What a person reads from `python bot.py …`: Chinese help and usage errors (argparse's own
words too), one or two Chinese lines instead of a traceback, quiet first runs.

Most run `bot.main(argv)` in this process; a real process where only one can tell (a Python
without the packages, the installed script, a closed pipe)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot import main
from tests.helpers.cli import PROJECT
from tests.helpers.fake_bot_api import FakeBotApi
from tests.helpers.patience import PATIENCE

ARGPARSE_ENGLISH = ("usage:", "options", "positional arguments", "show this help", "error:")


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def bot(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """`python bot.py ARGS` as `bot.main` in this process, with these environment variables."""

    def call(*args: str, db: Path, **env: str) -> Result:
        for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "WEBHOOK_URL", "WEB_PORT"):
            monkeypatch.delenv(name, raising=False)
        for name, value in {"DATABASE_URL": f"sqlite:///{db}", "SEED_SAMPLES": "false",
                            "LOG_LEVEL": "WARNING", **env}.items():  # fmt: skip
            if value:
                monkeypatch.setenv(name, value)
            else:  # "" stands for unset: the default
                monkeypatch.delenv(name, raising=False)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as stop:  # --help and usage errors: argparse exits
            code = int(stop.code or 0)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return call


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("args", [("--help",), ("export", "--help"), ("reminders", "--help")])
def test_help_is_chinese_down_to_argparses_own_words(
    args: tuple[str, ...], tmp_path: Path, bot: Callable[..., Result]
) -> None:
    result = bot(*args, db=tmp_path / "db.sqlite3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("用法：bot.py")
    assert "显示本帮助并退出" in result.stdout
    assert not [word for word in ARGPARSE_ENGLISH if word in result.stdout]


def test_chinese_metavars_keep_the_help_column_aligned(
    tmp_path: Path, bot: Callable[..., Result]
) -> None:
    from cli.arguments import display_width

    result = bot("export", "--help", db=tmp_path / "db.sqlite3")
    lines = [line for line in result.stdout.splitlines() if line.startswith("  --")]
    columns = {display_width(line) - display_width(line.split("  ")[-1]) for line in lines}
    assert len(lines) == 3 and len(columns) == 1, lines


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("reminders", "--at", "tomorrow"), "无法识别的时刻 'tomorrow'；请写成 2027-01-24T09:00"),
        (("reminders",), "缺少必需的参数：--at"),
        (("ask",), "缺少必需的参数：问题"),
        (("nope",), "无效的选择：'nope'"),
        (("export", "-o", "x.xlsx"), "无法识别的参数：-o"),
        (("ingest", "--workers", "two", "x"), "参数 --workers：应为整数"),
    ],
)
def test_usage_errors_are_two_chinese_lines(
    args: tuple[str, ...], said: str, tmp_path: Path, bot: Callable[..., Result]
) -> None:
    result = bot(*args, db=tmp_path / "db.sqlite3")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("用法：bot.py"), result.stderr
    assert said in lines[1] and "错误：" in lines[1]
    assert not (tmp_path / "db.sqlite3").exists()  # refused before the database is opened


def test_an_invalid_setting_is_named_in_chinese(
    tmp_path: Path, bot: Callable[..., Result]
) -> None:
    result = bot("ask", "平潭 申请数量", db=tmp_path / "db.sqlite3", MAX_UPLOAD_MB="abc")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "错误：环境变量 MAX_UPLOAD_MB 的值无效：应为整数"
    assert "Traceback" not in result.stderr


def test_unreachable_telegram_is_said_in_two_lines_with_what_to_set(
    tmp_path: Path, bot: Callable[..., Result]
) -> None:
    """`make run` with a token where api.telegram.org cannot be reached (mainland China)."""
    base = f"http://127.0.0.1:{closed_port()}/bot"
    result = bot(
        "run",
        db=tmp_path / "db.sqlite3",
        TELEGRAM_BOT_TOKEN="123456:" + "A" * 35,
        TELEGRAM_API_BASE_URL=base,
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith(f"错误：连不上 Telegram 的 Bot API（{base}）")
    assert "TELEGRAM_API_BASE_URL" in lines[1] and "make run" in lines[1]


def test_a_token_telegram_refuses_is_said_in_one_line(
    fake_bot_api: FakeBotApi, tmp_path: Path, bot: Callable[..., Result]
) -> None:
    fake_bot_api.fail_next("getMe", status=401, description="Unauthorized")
    result = bot(
        "run",
        db=tmp_path / "db.sqlite3",
        TELEGRAM_BOT_TOKEN=fake_bot_api.token,
        TELEGRAM_API_BASE_URL=fake_bot_api.base_url,
    )
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("错误：Telegram 拒绝了这个 TELEGRAM_BOT_TOKEN") and "@BotFather" in line
    assert fake_bot_api.token.split(":")[1] not in line


def test_first_run_says_in_chinese_what_it_imports_and_logs_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot: Callable[..., Result]
) -> None:
    """LOG_LEVEL unset (the default): the samples' import is two Chinese lines on stderr; the
    answer alone on stdout."""
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "fresh.sqlite3"
    result = bot("ask", "平潭 2023 申请数量", db=db, SEED_SAMPLES="true", LOG_LEVEL="")
    assert result.returncode == 0, result.stderr
    samples = len([p for p in (PROJECT / "samples").iterdir() if not p.name.startswith(".")])
    first, second = result.stderr.splitlines()
    assert first == f"首次运行：正在把 {samples} 份示例年报导入数据库（fresh.sqlite3）……"
    assert second.startswith(f"已导入 {samples} 份示例年报，用时 ")
    assert result.stdout.splitlines()[1] == "81 件"
    again = bot("ask", "平潭 2023 申请数量", db=db, SEED_SAMPLES="true", LOG_LEVEL="")
    assert again.stderr == ""  # later runs say nothing of the kind


def test_a_python_without_the_projects_packages_is_told_how_to_run(tmp_path: Path) -> None:
    """`python3 bot.py …` outside the virtual environment (here: site-packages switched off)."""
    result = subprocess.run(
        [sys.executable, "-S", str(PROJECT / "bot.py"), "ask", "平潭 申请数量"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=PATIENCE,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("错误：找不到 Python 包 ")
    assert ".venv/bin/python bot.py" in result.stderr and "make run" in result.stderr


def test_the_installed_nianbao_command_is_bot_py(tmp_path: Path) -> None:
    """`.venv/bin/nianbao …` works from any folder without activating the environment."""
    script = Path(sys.executable).parent / "nianbao"
    result = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("用法：nianbao [-h] 命令 ...")


def test_a_reader_that_goes_away_ends_ask_quietly(tmp_path: Path) -> None:
    """`bot.py ask … | head -1`: no BrokenPipeError traceback."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    questions = ["淮安市 2024 申请数量"] * 400
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(PROJECT / "bot.py"), "ask", *questions],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            cwd=tmp_path,
        )
        assert process.stdout is not None
        first = process.stdout.readline().decode("utf-8")
        process.stdout.close()
        assert process.wait(timeout=PATIENCE) == 0
    assert first.startswith("淮安市")
    assert "Traceback" not in errors.read_text(encoding="utf-8")
