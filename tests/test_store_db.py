"""Engines and migrations: SQLite pragmas on every connection, upgrades from the first schema."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Table, bindparam, insert, inspect, text
from sqlalchemy.exc import IntegrityError

from store.db import (
    WRITE,
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    upgrade,
)
from store.ingest import write_report
from store.models import Agency, Figure, Region, Report, Subscription
from store.reader import StoreReader
from tests.fixtures_store import make_report

HEAD = "0009_rankings"
TABLES: dict[str, Table] = {
    model.__name__: model.__table__  # type: ignore[attr-defined]
    for model in (Region, Agency, Report, Figure, Subscription)
}

# A report row as the first schemas had it (today's model has more columns).
FIRST_REPORT = text(
    "INSERT INTO reports (agency_id, year, template, title, source_name, format, sha256, "
    "ingested_at, superseded, cell_count) VALUES (:agency_id, :year, '2021', '', :source_name, "
    "'pdf', :sha256, :ingested_at, :superseded, 1)"
).bindparams(bindparam("ingested_at", type_=TABLES["Report"].c.ingested_at.type))


def test_sqlite_engine_creates_its_folder_and_sets_pragmas_on_every_connection(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'deeper' / 'db.sqlite3'}")
    for _ in range(2):
        with engine.connect() as conn:
            pragmas = [
                conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            ]
            assert pragmas == ["wal", 1, 30000, 1]
        engine.dispose()
    assert (tmp_path / "new" / "deeper" / "db.sqlite3").exists()


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine)
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            insert(TABLES["Figure"]),
            {
                "report_id": 42,
                "agency_id": 42,
                "year": 2023,
                "current": True,
                "key": "k",
                "raw": "",
                "flags": "",
                "candidates": "",
            },
        )


def test_a_plain_postgresql_url_gets_the_psycopg_driver() -> None:
    engine = make_engine("postgresql://user@127.0.0.1:1/db")
    assert engine.url.drivername == "postgresql+psycopg"
    assert engine.pool._pre_ping  # type: ignore[attr-defined]


def test_each_migration_is_named_by_its_revision_so_the_newest_file_names_the_head() -> None:
    """`upgrade` skips alembic for a database at the head, read off the file names."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == scripts.get_current_head() == HEAD
    for script in scripts.walk_revisions():
        assert Path(script.path).stem == script.revision


def test_upgrading_twice_is_harmless(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == HEAD
    engine.dispose()


def test_a_database_at_the_first_revision_keeps_its_data_when_upgraded(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001_initial")
    now = datetime(2025, 1, 2, tzinfo=UTC)
    with engine.begin() as conn:
        region = {"name": "江苏省淮安市洪泽区", "province": "江苏省", "city": "淮安市"}
        conn.execute(insert(TABLES["Region"]), region)
        agency = {"region_id": 1, "name": "洪泽区人民政府", "norm_name": "人民政府"}
        conn.execute(insert(TABLES["Agency"]), agency)
        # The first schema did not stop two current reports of one year: the upgrade must.
        for report_id in (1, 2):
            conn.execute(
                FIRST_REPORT,
                {"agency_id": 1, "year": 2023, "source_name": f"v{report_id}",
                 "sha256": f"s{report_id}", "ingested_at": now, "superseded": False},
            )  # fmt: skip
            conn.execute(  # the first schema's figures, which today's model no longer has
                text("INSERT INTO figures (report_id, agency_id, year, current, key, value, raw, "
                     "flags, candidates) VALUES (:r, 1, 2023, TRUE, 'apply.new.total', :v, '', "
                     "'', '')"),
                {"r": report_id, "v": 10 * report_id},
            )  # fmt: skip
    upgrade(engine)
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        reports = conn.execute(text("SELECT id, superseded FROM reports ORDER BY id")).all()
        figures = conn.execute(
            text("SELECT report_id, value FROM figures ORDER BY report_id")
        ).all()
    assert [(i, bool(s)) for i, s in reports] == [(1, True), (2, False)]
    assert [(i, int(v)) for i, v in figures] == [(1, 10), (2, 20)]
    columns = [c["name"] for c in inspect(engine).get_columns("figures")]
    assert columns == ["report_id", "key", "value", "unit", "raw", "flags", "candidates"]
    reader = StoreReader(engine)
    assert reader.figures(1, 2023, ["apply.new.total"])["apply.new.total"].value == 20
    indexes = {i["name"] for i in inspect(engine).get_indexes("figures")}
    assert "ix_figures_key_year" not in indexes
    with engine.begin() as conn:  # supergroup chat ids need 64 bits
        conn.execute(
            insert(TABLES['Subscription']),
            {"chat_id": -1001234567890, "kind": "government", "deadline_month": 3,
             "deadline_day": 31, "scope_agencies": "", "lead_days": "7", "send_hour": 9,
             "send_minute": 0, "paused": False, "created_by": 6_123_456_789,
             "created_at": now},
        )  # fmt: skip
        assert conn.execute(text("SELECT chat_id FROM subscriptions")).scalar() == -1001234567890
    engine.dispose()


def test_downgrading_the_cells_only_figures_restores_the_copied_columns(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    write_report(
        engine, make_report(values={"apply.new.total": 1}), source_name="a", data_sha256="a"
    )
    write_report(
        engine, make_report(values={"apply.new.total": 2}), source_name="b", data_sha256="b"
    )
    with engine.connect() as conn:
        command.downgrade(
            alembic_config(conn.execution_options(**WRITE)), "0003_figures_by_report_key"
        )
        conn.commit()
    with engine.connect() as conn:
        copied = conn.execute(
            text(
                "SELECT report_id, agency_id, year, current, count(*) FROM figures "
                "GROUP BY report_id, agency_id, year, current ORDER BY report_id"
            )
        ).all()
    cells = len(make_report().cells)
    assert [(r, a, y, bool(c), n) for r, a, y, c, n in copied] == [
        (1, 1, 2023, False, cells), (2, 1, 2023, True, cells),
    ]  # fmt: skip
    upgrade(engine)
    assert StoreReader(engine).figures(1, 2023, ["apply.new.total"])["apply.new.total"].value == 2
    engine.dispose()


def test_the_version_order_upgrade_keeps_one_copy_of_each_bytes_and_the_best_version_current(
    db_url: str,
) -> None:
    """At 0006, 2023 has a current version with an ambiguous cell and a superseded one without;
    2024 holds the same bytes twice (two loaders on PostgreSQL did that)."""
    engine = make_engine(db_url)
    upgrade(engine, "0006_prose_facts")
    now = datetime(2025, 1, 2, tzinfo=UTC)
    rows = [  # id, year, sha, superseded, flags of its one cell
        (1, 2023, "clean", True, ""),
        (2, 2023, "misread", False, "ambiguous"),
        (3, 2024, "twice", True, ""),
        (4, 2024, "twice", False, ""),
    ]
    with engine.begin() as conn:
        conn.execute(insert(TABLES["Region"]), {"name": "江苏省淮安市", "province": "江苏省"})
        conn.execute(insert(TABLES["Agency"]), {"region_id": 1, "name": "淮安市人民政府",
                                                "norm_name": "人民政府"})  # fmt: skip
        for report_id, year, sha, superseded, flags in rows:
            conn.execute(
                FIRST_REPORT,
                {"agency_id": 1, "year": year, "source_name": f"v{report_id}", "sha256": sha,
                 "ingested_at": now, "superseded": superseded},
            )  # fmt: skip
            conn.execute(
                text("INSERT INTO figures (report_id, key, value, raw, flags, candidates) "
                     "VALUES (:r, 'apply.new.total', 1, '', :flags, '')"),
                {"r": report_id, "flags": flags},
            )  # fmt: skip
            conn.execute(
                text("INSERT INTO check_results (report_id, rule, ok, message, keys) "
                     "VALUES (:r, 'W1', TRUE, '一致', '')"),
                {"r": report_id},
            )  # fmt: skip
    upgrade(engine)
    with engine.connect() as conn:
        reports = conn.execute(
            text("SELECT id, superseded, ambiguous_cells, file_time FROM reports ORDER BY id")
        ).all()
        figures = conn.execute(text("SELECT report_id FROM figures ORDER BY report_id")).all()
        w1 = conn.execute(text("SELECT report_id FROM check_results ORDER BY report_id")).all()
    assert [(i, bool(s), a) for i, s, a, _ in reports] == [(1, False, 0), (2, True, 1),
                                                          (4, False, 0)]  # fmt: skip
    assert all(t is not None for *_, t in reports)
    assert [r for (r,) in figures] == [1, 2, 4]
    assert [r for (r,) in w1] == []  # 2023 switched: the agency's W1 rows go, to be redone
    with pytest.raises(IntegrityError), engine.begin() as conn:
        again = {"agency_id": 1, "year": 2022, "source_name": "again", "sha256": "twice"}
        conn.execute(FIRST_REPORT, {**again, "ingested_at": now, "superseded": True})
    engine.dispose()
