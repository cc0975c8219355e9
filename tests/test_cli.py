"""The command line: every subcommand exists, has --help, and the main paths work end to end."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot import build_parser
from tests import botcli

DATA = Path(__file__).resolve().parent / "data"
SUBCOMMANDS = ("chat", "run", "web", "ingest", "parse", "ask", "export", "reminders")


def run_bot(*args: str, db: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return botcli.run_bot(*args, database_url=f"sqlite:///{db}", stdin=stdin, **env)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([name, "--help"])
    assert exit_info.value.code == 0
    assert f"bot.py {name}" in capsys.readouterr().out


def test_piped_question_to_chat_answers_from_bundled_samples_and_exits_cleanly(
    tmp_path: Path,
) -> None:
    """The README's first command: `echo "金安区 2020 申请数量" | make run` on a fresh database."""
    result = run_bot("chat", db=tmp_path / "fresh.sqlite3", stdin="金安区 2020 申请数量\n")
    assert result.returncode == 0, result.stderr
    assert "六安市金安区数据资源管理局" in result.stdout
    assert "2020" in result.stdout
    assert "本年新收" in result.stdout
    assert "0" in result.stdout
    assert "Traceback" not in result.stderr


def test_ask_json_gives_the_figure_with_its_key_and_source(tmp_path: Path) -> None:
    result = run_bot("ask", "--json", "金安区 2020 申请数量", db=tmp_path / "db.sqlite3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert answer["status"] == "answer"
    (item,) = answer["answers"]
    assert item["agency"] == "六安市金安区数据资源管理局"
    assert item["year"] == 2020
    assert item["key"] == "apply.new.total"
    assert item["value"] == 0
    assert item["source"]
    assert answer["text"]


def test_ask_answers_each_argument_as_one_question(tmp_path: Path) -> None:
    result = run_bot(
        "ask", "--json", "金安区 2020 申请数量", "淮安市 2024 申请数量", db=tmp_path / "db.sqlite3"
    )
    assert result.returncode == 0, result.stderr
    values = [json.loads(line)["answers"][0]["value"] for line in result.stdout.splitlines()]
    assert values == [0, 3119]


def test_parse_json_of_the_text_sample(tmp_path: Path) -> None:
    result = run_bot(
        "parse", str(DATA / "luan_jinan_data_bureau_2020.txt"), "--json", db=tmp_path / "x.db"
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["agency"] == "六安市金安区数据资源管理局"
    assert report["year"] == 2020
    assert report["template"] == "2019"
    assert report["format"] == "text"
    assert report["figures"]["apply.new.total"] == 0
    assert set(report) >= {
        "agency_aliases", "region", "published_on", "cells", "prose", "facts", "checks",
        "warnings",
    }  # fmt: skip


def test_parse_of_a_non_report_exits_2_with_one_chinese_line(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("今天天气很好，我们去公园散步。\n", encoding="utf-8")
    result = run_bot("parse", str(junk), db=tmp_path / "x.db")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_run_without_a_token_says_how_to_chat_instead(tmp_path: Path) -> None:
    result = run_bot("run", db=tmp_path / "x.db")
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr


def test_export_to_an_unknown_format_is_a_chinese_error_not_a_traceback(tmp_path: Path) -> None:
    result = run_bot("export", str(tmp_path / "out.pdf"), db=tmp_path / "db.sqlite3")
    assert result.returncode == 2
    assert "不支持的导出格式" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_export_csv_has_one_row_per_sample_report(tmp_path: Path) -> None:
    out = tmp_path / "reports.csv"
    result = run_bot("export", str(out), "--year", "2024", db=tmp_path / "db.sqlite3")
    assert result.returncode == 0, result.stderr
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(",")
    assert header[:3] == ["agency", "region", "year"]
    agencies = sorted(row.split(",")[0] for row in rows[1:])
    assert agencies == ["淮安市人民政府", "淮安市洪泽区人民政府"]
