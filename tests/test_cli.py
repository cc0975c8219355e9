"""The command line: every subcommand exists, has --help, and the main paths work end to end.

One test runs `bot.py` as the README does (a real process on a fresh database it fills with the
samples); the others call `bot.dispatch` in-process on a copy of the seeded test database.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bot import build_parser, dispatch
from settings import Settings
from tests.helpers import cli as botcli
from tests.helpers.documents import document

SUBCOMMANDS = ("chat", "run", "web", "ingest", "parse", "ask", "export", "reminders")
JINAN, HUAIAN = "luan_jinan_data_bureau_2020.txt", "huaian_city_2024.pdf"


def run_bot(*args: str, db: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return botcli.run_bot(*args, database_url=f"sqlite:///{db}", stdin=stdin, **env)


def run(argv: list[str], database_url: str) -> int:
    """`python bot.py ARGV` in this process (no token, no seeding: the database is ready)."""
    settings = Settings(database_url=database_url, seed_samples=False, telegram_bot_token=None)
    return dispatch(argv, settings)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([name, "--help"])
    assert exit_info.value.code == 0
    assert f"bot.py {name}" in capsys.readouterr().out


def test_piped_question_to_chat_answers_from_bundled_samples_and_exits_cleanly(
    tmp_path: Path, gold: dict[str, dict[str, Any]]
) -> None:
    """The README's first command: `echo "金安区 2020 申请数量" | make run` on a fresh database."""
    result = run_bot("chat", db=tmp_path / "fresh.sqlite3", stdin="金安区 2020 申请数量\n")
    assert result.returncode == 0, result.stderr
    importing, imported = result.stderr.splitlines()  # what the first run does, and nothing else
    assert importing.startswith("首次运行：正在把 ") and imported.startswith("已导入 ")
    first, figure, *rest = result.stdout.splitlines()
    assert first.startswith("六安市金安区数据资源管理局 · 2020年度 · ")
    assert "本年新收" in first
    assert figure == f"{gold[JINAN]['figures']['apply.new.total']} 件"
    assert any(line.startswith("出处：") and JINAN in line for line in rest)


def test_ask_json_gives_the_figure_with_its_key_and_source(
    bot_db_url: str, capsys: pytest.CaptureFixture[str], gold: dict[str, dict[str, Any]]
) -> None:
    assert run(["ask", "--json", "金安区 2020 申请数量"], bot_db_url) == 0
    (line,) = capsys.readouterr().out.splitlines()
    answer = json.loads(line)
    assert answer["status"] == "answer"
    (item,) = answer["answers"]
    assert (item["agency"], item["year"], item["key"]) == (
        "六安市金安区数据资源管理局", 2020, "apply.new.total",
    )  # fmt: skip
    assert item["value"] == gold[JINAN]["figures"]["apply.new.total"]
    assert item["source"]["file"] == JINAN
    assert answer["text"].splitlines()[1] == f"{item['value']} 件"


def test_ask_answers_each_argument_as_one_question(
    bot_db_url: str, capsys: pytest.CaptureFixture[str], gold: dict[str, dict[str, Any]]
) -> None:
    assert run(["ask", "--json", "金安区 2020 申请数量", "淮安市 2024 申请数量"], bot_db_url) == 0
    lines = capsys.readouterr().out.splitlines()
    values = [json.loads(line)["answers"][0]["value"] for line in lines]
    expected = [gold[name]["figures"]["apply.new.total"] for name in (JINAN, HUAIAN)]
    assert values == expected


def test_parse_json_of_the_text_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["parse", str(document(JINAN)), "--json"], f"sqlite:///{tmp_path / 'x.db'}") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["agency"] == "六安市金安区数据资源管理局"
    assert report["year"] == 2020
    assert report["template"] == "2019"
    assert report["format"] == "text"
    assert report["figures"]["apply.new.total"] == 0
    assert set(report) >= {
        "agency_aliases", "region", "published_on", "cells", "prose", "facts", "checks",
        "warnings",
    }  # fmt: skip


def test_parse_of_a_non_report_exits_2_with_one_chinese_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("今天天气很好，我们去公园散步。\n", encoding="utf-8")
    assert run(["parse", str(junk)], f"sqlite:///{tmp_path / 'x.db'}") == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "错误：未找到政府信息公开工作年度报告的表格，这似乎不是一份年报\n"
    assert not (tmp_path / "x.db").exists()  # parsing needs no database


def test_run_without_a_token_says_how_to_chat_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["run"], f"sqlite:///{tmp_path / 'x.db'}") == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_export_to_an_unknown_format_is_refused_before_the_database_is_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["export", str(tmp_path / "out.pdf")], f"sqlite:///{tmp_path / 'db.sqlite3'}") == 2
    assert capsys.readouterr().err == "错误：不支持的导出格式：pdf（可用 csv 或 xlsx）\n"
    assert not (tmp_path / "out.pdf").exists()
    assert not (tmp_path / "db.sqlite3").exists()  # nothing was opened, let alone seeded


def test_export_csv_has_one_row_per_sample_report(bot_db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "reports.csv"
    assert run(["export", str(out), "--year", "2024"], bot_db_url) == 0
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].split(",")[:3] == ["单位", "地区", "年度"]
    assert rows[1].split(",")[:3] == ["agency", "region", "year"]  # the keys, second
    agencies = sorted(row.split(",")[0] for row in rows[2:])
    assert agencies == ["淮安市人民政府", "淮安市洪泽区人民政府"]


def test_export_of_a_region_without_reports_says_so_and_fails(
    bot_db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "beijing.xlsx"
    assert run(["export", str(out), "--region", "北京市"], bot_db_url) == 1
    assert not out.exists()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "没有符合条件的年报（地区“北京市”），未写出文件。\n"
        "已收录年报的地区有：福建省福州市平潭综合实验区、江苏省淮安市洪泽区、上海市、"
        "安徽省六安市金安区、江苏省淮安市。\n"
    )
    assert run(["export", str(out), "--region", "淮安市", "--year", "2019"], bot_db_url) == 1
    assert capsys.readouterr().err.startswith("没有符合条件的年报（地区“淮安市”、2019 年度）")
