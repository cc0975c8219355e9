"""The use cases every channel calls (services.py), on real SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

import parsers
import services as services_module
from parsers.model import ParsedReport
from query import Answer
from services import Services
from tests.fixtures_store import dump
from tests.helpers.documents import document

TEXT_REPORT = document("luan_jinan_data_bureau_2020.txt")


def test_an_upload_is_stored_once_and_known_bytes_are_not_parsed_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = Services(engine)
    data = TEXT_REPORT.read_bytes()
    first = services.ingest_upload(data, "upload.txt")
    assert first.ok and first.outcome is not None and first.report is not None
    assert (first.outcome.status, first.outcome.agency, first.outcome.year) == (
        "new", "六安市金安区数据资源管理局", 2020,
    )  # fmt: skip
    assert first.text.startswith("已入库（新增）：upload.txt\n✅ 校验全部通过\n\n机关：")
    stored = dump(engine)

    def must_not_parse(data: bytes, *, filename: str | None = None) -> ParsedReport:
        raise AssertionError("known bytes were parsed again")

    monkeypatch.setattr(services_module, "parse_bytes", must_not_parse)
    again = services.ingest_upload(data, "upload again.txt")
    assert again.outcome is not None
    assert (again.outcome.status, again.outcome.report_id) == (
        "unchanged",
        first.outcome.report_id,
    )
    assert again.text == (
        "与已入库的文件相同，未作改动：upload again.txt\n六安市金安区数据资源管理局 2020 年度年报"
    )
    assert dump(engine) == stored


def test_a_file_that_is_not_a_report_is_refused_in_chinese_and_stores_nothing(
    engine: Engine,
) -> None:
    result = Services(engine).ingest_upload("今天天气很好。".encode(), "junk.txt")
    assert not result.ok and result.report is None and result.outcome is None
    with pytest.raises(parsers.ParseError) as caught:
        parsers.parse_bytes("今天天气很好。".encode())
    assert result.text == f"无法读取 junk.txt：{caught.value}"
    assert dump(engine) == {table: [] for table in dump(engine)}


def test_a_check_validates_and_stores_nothing(engine: Engine) -> None:
    result = Services(engine).check_upload(TEXT_REPORT.read_bytes(), None)
    assert result.ok and result.report is not None and result.outcome is None
    assert result.text.splitlines()[:2] == ["发布前检查（未入库）：未命名文件", "✅ 校验全部通过"]
    assert dump(engine) == {table: [] for table in dump(engine)}


def test_a_file_over_the_limit_is_refused_before_it_is_parsed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services_module, "parse_bytes", None)  # would raise if called
    services = Services(engine, max_upload_mb=1)
    big = b"x" * (1024 * 1024 + 1)
    for use_case in (services.check_upload, services.ingest_upload):
        result = use_case(big, "big.txt")
        assert result.text == "文件太大（1.0 MB）：上传上限为 1 MB。请压缩或拆分后再发。"
    assert services.too_big(1024 * 1024) is None
    assert dump(engine) == {table: [] for table in dump(engine)}


def test_a_chart_is_a_png_with_its_source_and_a_question_it_cannot_chart_is_an_answer(
    bot_engine: Engine,
) -> None:
    services = Services(bot_engine)
    chart = services.chart("平潭 申请数量")
    assert not isinstance(chart, Answer)
    assert chart.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert chart.caption == f"{chart.spec.title}\n{chart.spec.source}"
    assert isinstance(services.chart("今天天气怎么样"), Answer)


def test_seeding_fills_only_an_empty_database(engine: Engine, tmp_path: Path) -> None:
    samples = tmp_path / "samples"
    samples.mkdir()
    shutil.copy(TEXT_REPORT, samples)
    assert Services(engine).seed_if_empty(samples) == 1
    seeded = dump(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT source_name, year FROM reports")).all()
    assert rows == [("luan_jinan_data_bureau_2020.txt", 2020)]
    shutil.copy(document("pingtan_2019.txt"), samples)
    assert Services(engine).seed_if_empty(samples) == 0
    assert dump(engine) == seeded


def test_warming_builds_the_agency_index_once_while_a_question_waits_for_it(
    bot_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = Services(bot_engine)
    reader = type(services.asker.source)
    read_all = reader.agencies
    reads: list[str] = []
    reading, release = threading.Event(), threading.Event()

    def slow_agencies(self):  # type: ignore[no-untyped-def]
        reads.append(threading.current_thread().name)
        reading.set()
        release.wait(30)
        return read_all(self)

    monkeypatch.setattr(reader, "agencies", slow_agencies)
    warming = services.warm()
    assert reading.wait(30)
    answers: list[Answer] = []
    asking = threading.Thread(target=lambda: answers.append(services.ask("平潭 申请数量")))
    asking.start()
    time.sleep(0.2)  # the question reaches the index while the warm-up is building it
    release.set()
    warming.join(30)
    asking.join(30)
    assert reads == ["agency-index"]
    assert [a.status for a in answers] == ["answer"]
