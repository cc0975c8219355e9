"""Shared test fixtures for reminders tests (loaded from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from store.db import make_engine, upgrade
from store.models import Agency, AgencyAlias, CheckResult, Region, Report

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*args: int) -> datetime:
    """An aware Beijing time, e.g. shanghai(2025, 1, 24, 9)."""
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


def seed_huaian(engine: Engine) -> None:
    """淮安 with a few agencies: 2024 reports for some, one failing V2, one only superseded."""
    with Session(engine) as session:
        city = Region(name="江苏省淮安市", province="江苏省", city="淮安市")
        county = Region(
            name="江苏省淮安市洪泽区", province="江苏省", city="淮安市", county="洪泽区"
        )
        nanjing = Region(name="江苏省南京市", province="江苏省", city="南京市")
        session.add_all([city, county, nanjing])
        session.flush()
        places = [
            (city, "淮安市人民政府", "government"),
            (city, "淮安市财政局", "department"),
            (city, "淮安市教育局", "department"),
            (county, "洪泽区人民政府", "government"),
            (county, "洪泽区民政局", "department"),
            (nanjing, "南京市财政局", "department"),
        ]
        agencies = {
            name: Agency(region_id=region.id, name=name, norm_name=name[3:], level=level)
            for region, name, level in places
        }
        session.add_all(agencies.values())
        session.flush()
        session.add(AgencyAlias(agency_id=agencies["洪泽区民政局"].id, alias="洪泽区民政部门"))

        def report(name: str, year: int, *, superseded: bool = False) -> Report:
            item = Report(
                agency_id=agencies[name].id,
                year=year,
                template="2021",
                title=f"{name}{year}年政府信息公开工作年度报告",
                source_name=f"{name}-{year}.txt",
                format="text",
                sha256=f"{name}-{year}-{superseded}",
                ingested_at=datetime(2025, 1, 10, tzinfo=UTC),
                superseded=superseded,
            )
            session.add(item)
            session.flush()
            return item

        finance = report("淮安市财政局", 2024)
        report("洪泽区人民政府", 2024)
        report("洪泽区民政局", 2023)
        report("淮安市教育局", 2024, superseded=True)
        report("南京市财政局", 2024)
        checks = [
            ("V2", False, "办理结果总计 12 ≠ 各项之和 11"),
            ("V2", False, "第二列 3 ≠ 2"),
            ("V1", True, "通过"),
        ]
        session.add_all(
            CheckResult(report_id=finance.id, rule=rule, ok=ok, message=message)
            for rule, ok, message in checks
        )
        session.commit()


@pytest.fixture
def rem_db_path(tmp_path: Path) -> Path:
    return tmp_path / "reminders.sqlite3"


@pytest.fixture
def rem_engine(rem_db_path: Path) -> Iterator[Engine]:
    """A migrated SQLite database holding the 淮安 sample agencies."""
    engine = make_engine(f"sqlite:///{rem_db_path}")
    upgrade(engine)
    seed_huaian(engine)
    yield engine
    engine.dispose()
