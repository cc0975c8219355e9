"""The terminal chat: `python bot.py chat` piped and interactive."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

import replies
from commands import console_help_text
from console import PROMPT, chart_file_name, run_console
from query import Answer
from services import Services
from tests.fixtures_bot import UPLOAD_FILE
from tests.helpers.documents import document
from tests.helpers.patience import PATIENCE

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
    assert text.startswith(console_help_text() + "\n")
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
        code = process.wait(timeout=PATIENCE)
    assert first.startswith("淮安市人民政府")
    assert code == 0
    assert errors.read_text(encoding="utf-8") == ""


def test_help_and_the_help_word_say_the_same_and_tell_how_to_add_and_export(
    bot_engine: Engine,
) -> None:
    out = io.StringIO()
    assert (
        run_console(services_for(bot_engine), stdin=io.StringIO("/help\n帮助\n"), stdout=out) == 0
    )
    help_text = console_help_text()
    assert out.getvalue() == f"{help_text}\n{help_text}\n"
    assert "添加年报：/ingest 文件" in help_text
    assert "导出数据：在命令行 .venv/bin/nianbao export 年报.xlsx" in help_text
    for name in ("report", "compare", "rank", "chart", "sources", "check", "ingest", "deadlines"):
        assert f"  /{name}" in help_text


def test_how_to_questions_and_the_list_of_agencies_are_answered(bot_engine: Engine) -> None:
    services = services_for(bot_engine)
    for question in ("列出所有单位", "怎么上传年报", "如何下载数据"):
        out = io.StringIO()
        assert run_console(services, stdin=io.StringIO(question + "\n"), stdout=out) == 0
        assert "没看懂" not in out.getvalue(), question
        assert services.ask(question).text in out.getvalue()
    assert "六安市金安区数据资源管理局" in services.ask("列出所有单位").text
    assert "bot.py ingest" in services.ask("怎么上传年报").text
    assert "bot.py export" in services.ask("如何下载数据").text


def shown(answer: Answer) -> str:
    """An answer as the console prints it: the text, then its numbered choices."""
    if not answer.choices:
        return answer.text
    return f"{answer.text}\n{replies.choices_text(answer.choices)}"


def test_check_and_ingest_take_a_file_path(bot_engine: Engine, tmp_path: Path) -> None:
    services = services_for(bot_engine)
    report = document(UPLOAD_FILE)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF" + b" " * services.max_upload_bytes)  # one byte over the limit
    lines = (
        f"/check {report}\n/sources\n/ingest '{report}'\n/sources\n"
        f"/check {tmp_path / 'missing.pdf'}\n/check {tmp_path}\n/check {big}\n/check\n"
    )
    before = shown(services.ask("有哪些年报"))
    out = io.StringIO()
    assert run_console(services, stdin=io.StringIO(lines), stdout=out) == 0
    after = shown(services.ask("有哪些年报"))
    assert after != before  # the ingest stored it, the check before did not
    parsed = services.check_upload(report.read_bytes(), UPLOAD_FILE)
    assert parsed.report is not None
    added = replies.ingest_text(parsed.report, "new", UPLOAD_FILE)
    text = out.getvalue()
    assert text.startswith(f"{parsed.text}\n{before}\n{added}\n{after}\n")
    assert f"找不到文件：{tmp_path / 'missing.pdf'}\n" in text
    assert f"{tmp_path} 是文件夹。整个文件夹请在命令行导入" in text
    assert f"{replies.too_big_text(size=big.stat().st_size, max_upload_mb=20)}\n" in text
    assert text.endswith("用法：/check 文件\n例如：/check 年报.pdf\n")


def test_deadlines_of_a_region_without_a_chat(bot_engine: Engine) -> None:
    services = services_for(bot_engine)
    now = datetime(2025, 3, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    text = services.scope_deadline("政府 淮安市", now=now)
    assert text.startswith("⏰ 政府年报截止提醒\n截止日期：2025年3月31日（星期一），还有 30 天。")
    assert "范围：淮安市（2024 年度报告）" in text
    assert text.endswith(
        "已入库 2 个：\n  · 淮安市人民政府\n  · 淮安市洪泽区人民政府\n尚未入库 0 个。\n"
        "校验未通过 1 处：\n  · 淮安市洪泽区人民政府：W2 正文称收到申请 17 件，表格为 95 件"
    )
    day_after = datetime(2025, 2, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    summary = services.scope_deadline("部门 淮安市", now=day_after)
    assert summary.startswith("📋 部门年报截止汇总\n截止日期 2025年1月31日（星期五）已过。")
    assert services.scope_deadline("明年 淮安市", now=now) != text  # the parser's sentence
    out = io.StringIO()
    lines = "/deadlines 政府 淮安市\n/deadlines\n/subscribe 部门 淮安市\n"
    assert run_console(services, stdin=io.StringIO(lines), stdout=out) == 0
    assert out.getvalue().startswith("⏰ 政府年报截止提醒\n")
    assert "用法：/deadlines 部门|政府 地区\n例如：/deadlines 部门 淮安市\n" in out.getvalue()
    assert out.getvalue().endswith("查看下一个截止日期和还没有交年报的单位。\n")


def _read_until(fd: int, wanted: bytes, seen: bytearray, timeout: float = PATIENCE) -> None:
    end = time.monotonic() + timeout
    while wanted not in seen:
        left = end - time.monotonic()
        assert left > 0, f"no {wanted!r} in {bytes(seen)!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
            seen.extend(chunk)


def test_a_terminal_session_edits_lines_and_recalls_history(
    bot_db_url: str, bot_engine: Engine, tmp_path: Path
) -> None:
    """`bot.py chat` on a real pseudo-terminal: ← moves the cursor to insert a word, ↑ recalls
    the last question, and the history is kept for the next session."""
    answer = services_for(bot_engine).ask("金安区 2020 申请数量").text
    env = {**os.environ, "DATABASE_URL": bot_db_url, "SEED_SAMPLES": "false"}
    env |= {"XDG_STATE_HOME": str(tmp_path / "state"), "LANG": "C.UTF-8", "TERM": "xterm"}
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, str(PROJECT / "bot.py"), "chat"],
        stdin=slave, stdout=slave, stderr=slave, env=env, cwd=tmp_path, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    seen = bytearray()
    try:
        _read_until(master, PROMPT.encode(), seen)
        os.write(master, "金安区 2020 数量\x1b[D\x1b[D申请\r".encode())  # ← ← then insert
        _read_until(master, answer.splitlines()[0].encode(), seen)
        _read_until(master, PROMPT.encode(), seen[seen.index(b"\n") :])
        del seen[:]
        os.write(master, b"\x1b[A\r")  # ↑ recalls the question
        _read_until(master, answer.splitlines()[0].encode(), seen)
        # Ctrl-D only once readline reads again: typed earlier, the terminal's own line
        # discipline would take it, and the console would wait for input forever.
        _read_until(master, PROMPT.encode(), seen[seen.index(answer.splitlines()[0].encode()) :])
        os.write(master, b"\x04")
        assert process.wait(timeout=PATIENCE) == 0
    finally:
        process.kill()
        process.wait()
        os.close(master)
    history = (tmp_path / "state" / "nianbao" / "history").read_text(encoding="utf-8")
    assert history.splitlines()[-1] == "金安区 2020 申请数量"


def test_charts_name_every_report_warn_as_the_text_does_and_take_the_whole_country(
    bot_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = services_for(bot_engine)
    trend = services.chart("平潭 申请数量")
    assert not isinstance(trend, Answer)
    assert trend.spec.source == "数据来源：pingtan_2019.txt；pingtan_2021.txt；pingtan_2023.html"
    assert trend.spec.notes == ()
    hongze = services.chart("洪泽区 申请数量")
    assert not isinstance(hongze, Answer)
    warning = services.ask("洪泽区 2024 申请数量").text.splitlines()[2].removeprefix("⚠ ")
    assert hongze.spec.notes == (f"淮安市洪泽区人民政府 2024年度：{warning}",)
    country = services.chart("全国 2024 申请数量")  # as /rank 全国 2024 申请数量 is answered
    assert not isinstance(country, Answer)
    assert country.spec.kind == "bar"
    assert country.spec.x == ["淮安市人民政府", "淮安市洪泽区人民政府"]
    assert country.spec.series[0][1] == [3119.0, 95.0]
    assert country.spec.source == "数据来源：huaian_city_2024.pdf；hongze_district_2024.pdf"
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert run_console(services, stdin=io.StringIO("/chart 全国 2024 申请数量\n"), stdout=out) == 0
    path = tmp_path / "charts" / chart_file_name(country.spec.title)
    assert out.getvalue() == f"{country.spec.title}\n图表已保存：{path}\n"
