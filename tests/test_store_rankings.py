"""The ranking tables the writer keeps give exactly what sorting every current cell gives:
the same agencies in the same order (ties by agency id, either direction), the same counts
(ambiguous cells apart), after replacements, archived versions, batches and migrations."""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import product

from alembic import command
from sqlalchemy import Engine, inspect

from parsers.model import AMBIGUOUS, Cell, ParsedReport, Region
from store.browse import Browser, RegionPath
from store.db import WRITE, alembic_config, upgrade
from store.ingest import write_report, write_reports
from store.reader import StoreReader
from tests.fixtures_store import dump, make_report

KEYS = ("apply.new.total", "review.total", "proactive.fees.amount", "text.proactive.total")


def _report(name: str, year: int, rng: random.Random, *, ambiguous: bool = False) -> ParsedReport:
    """Small values so that ties are common; a fee with decimals; a prose fact."""
    county = name[:2]
    report = make_report(
        f"{county}区{name}",
        year,
        region=Region("江苏省", "淮安市", f"{county}区"),
        values={
            "apply.new.total": rng.randrange(4),
            "review.total": rng.randrange(3),
            "proactive.fees.amount": Decimal(rng.randrange(5)) / 4,
        },
        prose={"text.proactive.total": rng.randrange(3)},
    )
    if ambiguous:
        report.cells["apply.new.total"] = Cell(
            None, raw="640", flags=frozenset({AMBIGUOUS}), candidates=(0, 640)
        )
    return report


def _expected(reader: StoreReader, key: str, year: int, ascending: bool, region: str | None):
    """What a ranking is by definition: every current cell (of the region), sorted; and how
    many are valued and how many unclear."""
    rows = reader.across(key, year, region=region)
    valued = [(a, f.value) for a, f in rows if f.value is not None]
    valued.sort(key=lambda row: (row[1] if ascending else -row[1], row[0]))
    return valued, len(valued), len(rows) - len(valued)


def _assert_rankings_exact(engine: Engine, years: tuple[int, ...]) -> None:
    reader, browser = StoreReader(engine), Browser(engine)
    for key in KEYS:
        for year in years:
            if not key.startswith("text."):  # the web's pages of the country: cells only
                every = [(a, f.value) for a, f in reader.across(key, year)]
                for offset, limit in ((0, 5), (5, 5), (0, 100), (10, 30), (len(every) - 2, 4)):
                    page = browser.ranking(key, year, RegionPath(), limit=limit, offset=offset)
                    assert [(r.agency_id, r.figure.value) for r in page.rows] == every[
                        offset : offset + limit
                    ]
                    assert page.total == len(every)
            # the country from the ranking tables, a city and a county from their cells
            for region, ascending in product(
                (None, "淮安市", "江苏省淮安市洪泽区"), (False, True)
            ):
                ordered, valued, unclear = _expected(reader, key, year, ascending, region)
                for limit in (1, 3, 10, 100):
                    ranked = reader.ranking(
                        key, year, region=region, limit=limit, ascending=ascending
                    )
                    top = ordered[:limit]
                    asked = (key, year, region, ascending)
                    assert [(a, f.value) for a, f in ranked.top] == top, asked
                    assert (ranked.valued, ranked.unclear) == (valued, unclear), asked
                # a position depends on the value alone: each value held is asked once
                for value in sorted({v for _, v in ordered}):
                    ahead = [v for _, v in ordered if (v < value if ascending else v > value)]
                    assert reader.position(
                        key, year, value, region=region, ascending=ascending
                    ) == len(ahead), (key, year, region, ascending, value)


def test_a_national_ranking_is_every_current_cell_sorted(engine: Engine) -> None:
    rng = random.Random(3)
    names = [f"{c}{d}局" for c in ("洪泽", "清江", "淮阴") for d in "甲乙丙丁戊己庚辛"]
    batch = [
        (_report(name, year, rng, ambiguous=i % 7 == 0), f"{name}{year}", f"{name}{year}")
        for year in (2023, 2024)
        for i, name in enumerate(names)
    ]
    write_reports(engine, batch)
    _assert_rankings_exact(engine, (2023, 2024))
    # New versions: some replace the current one (in a batch and one by one, twice for the
    # same agency-year in one batch), one is worse (ambiguous) and is archived.
    again = [(_report(n, 2024, rng), f"{n}v2", f"{n}v2") for n in names[:6]]
    again += [(_report(names[0], 2024, rng), "v3", "v3")]
    write_reports(engine, again)
    write_report(engine, _report(names[7], 2023, rng), source_name="v4", data_sha256="v4")
    archived = write_report(
        engine, _report(names[8], 2023, rng, ambiguous=True), source_name="x", data_sha256="x"
    )
    assert not archived.current
    _assert_rankings_exact(engine, (2023, 2024))
    assert StoreReader(engine).ranking("apply.new.total", 2022).valued == 0


def test_a_store_migrated_down_and_up_files_its_current_reports_again(engine: Engine) -> None:
    rng = random.Random(5)
    for i, name in enumerate(("甲局", "乙局", "丙局", "甲局")):  # 甲局 twice: replaced
        parsed = _report("洪泽" + name, 2024, rng, ambiguous=i == 1)
        write_report(engine, parsed, source_name=str(i), data_sha256=str(i))
    filed = dump(engine)
    assert filed["ranked_values"] and filed["ranked_counts"]
    with engine.connect() as conn:
        command.downgrade(alembic_config(conn.execution_options(**WRITE)), "0008_wecom_robots")
        conn.commit()
    tables = set(inspect(engine).get_table_names())
    assert "reports" in tables and not tables & {"ranked_values", "ranked_counts"}
    upgrade(engine)
    assert dump(engine) == filed
    _assert_rankings_exact(engine, (2024,))
