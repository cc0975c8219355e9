"""The terminal chat: `python bot.py chat` piped and interactive."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from console import PROMPT, chart_file_name, console_help, run_console
from query import Answer
from services import Services

PROJECT = Path(__file__).resolve().parent.parent


class TtyInput(io.StringIO):
    """Typed input: a terminal, so the console shows its prompt."""

    def isatty(self) -> bool:
        return True


def services_for(engine: Engine) -> Services:
    return Services(engine)


def test_piped_question_prints_the_answer_and_exits_zero(bot_engine: Engine) -> None:
    services = services_for(bot_engine)
    out = io.StringIO()
    assert run_console(services, stdin=io.StringIO("金安区 2020 申请数量\n"), stdout=out) == 0
    expected = services.ask("金安区 2020 申请数量")
    assert out.getvalue().startswith(expected.text + "\n")
    assert "六安市金安区数据资源管理局" in out.getvalue()
    assert PROMPT not in out.getvalue()  # no prompt noise when piped


def test_piped_chart_writes_a_png_under_charts(
    bot_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    services = services_for(bot_engine)
    out = io.StringIO()
    assert run_console(services, stdin=io.StringIO("\n/chart 平潭 申请数量\n"), stdout=out) == 0
    chart = services.chart("平潭 申请数量")
    assert not isinstance(chart, Answer)
    path = tmp_path / "charts" / chart_file_name(chart.spec.title)
    assert out.getvalue() == f"{chart.spec.title}\n图表已保存：{path}\n"
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_interactive_session_prompts_and_picks_a_choice_by_number(bot_engine: Engine) -> None:
    services = services_for(bot_engine)
    first = services.ask("淮安市 2024 申请数量")
    assert first.choices
    picked = services.resolve(first.choices[0].token)
    out = io.StringIO()
    code = run_console(services, stdin=TtyInput("淮安市 2024 申请数量\n\n1\n"), stdout=out)
    assert code == 0
    text = out.getvalue()
    assert text.startswith("政府信息公开年报问答。输入 /help 查看用法，Ctrl-D 退出。\n" + PROMPT)
    assert f"{first.text}\n输入编号选择：\n  1. {first.choices[0].label}\n" in text
    assert picked.text in text
    assert text.endswith(PROMPT + "\n")  # a clean line after Ctrl-D
    assert text.count(PROMPT) == 4  # question, empty line (ignored), number, end of input


def test_commands_and_help_in_the_terminal(bot_engine: Engine) -> None:
    services = services_for(bot_engine)
    out = io.StringIO()
    lines = (
        "/help\n/report 洪泽区 2023\n/sources\n/report\n/nope\n7\n/quit\n金安区 2020 申请数量\n"
    )
    assert run_console(services, stdin=io.StringIO(lines), stdout=out) == 0
    text = out.getvalue()
    assert text.startswith(console_help() + "\n")
    assert services.ask("洪泽区 2023 年报概况").text in text
    assert services.ask("有哪些年报").text in text
    assert "用法：/report 单位 年份\n例如：/report 金安区 2020\n" in text
    assert "未知命令。输入 /help 查看用法。\n" in text
    assert services.ask("金安区 2020 申请数量").text not in text  # /quit stopped before it


def test_chart_file_names_keep_chinese_and_drop_separators() -> None:
    assert chart_file_name("平潭综合实验区 · 本年新收/总计") == "平潭综合实验区_本年新收_总计.png"
    assert chart_file_name("///") == "chart.png"


def test_a_reader_that_goes_away_ends_the_chat_quietly_with_zero(
    bot_db_url: str, tmp_path: Path
) -> None:
    """`python bot.py chat < questions | head -1`: no BrokenPipeError traceback."""
    questions = tmp_path / "questions.txt"
    questions.write_text("淮安市 2024 申请数量\n" * 300, encoding="utf-8")
    errors = tmp_path / "stderr.txt"
    env = {**os.environ, "DATABASE_URL": bot_db_url, "SEED_SAMPLES": "false"}
    env["LOG_LEVEL"] = "WARNING"
    with questions.open("rb") as stdin, errors.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(PROJECT / "bot.py"), "chat"],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            cwd=tmp_path,
        )
        assert process.stdout is not None
        first = process.stdout.readline().decode("utf-8")
        process.stdout.close()
        code = process.wait(timeout=120)
    assert first.startswith("淮安市人民政府")
    assert code == 0
    assert errors.read_text(encoding="utf-8") == ""
