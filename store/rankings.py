"""The ranking tables (`RankedValue`, `RankedCount`): what the writer files and unfiles.

A ranking across every agency of a year would otherwise read one cell of each of 100,000
reports, stored by report. The writer files the cells of each report that becomes current
under (key, year, value, agency) and counts them per (key, year); a report that stops being
current is unfiled the same way. Both are set-based statements inside the database.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.sql.elements import TextClause

# Every rankable figure of some reports: table cells (a NULL value is an ambiguous cell) and
# the prose facts' own keys (a prose figure under a table key only backs rule W2).
_FIGURES_OF = """
    SELECT f.key AS key, r.year AS year, f.value AS value, r.agency_id AS agency_id
    FROM reports r JOIN figures f ON f.report_id = r.id WHERE {reports}
    UNION ALL
    SELECT p.key, r.year, p.value, r.agency_id
    FROM reports r JOIN prose_figures p ON p.report_id = r.id
    WHERE {reports} AND (p.key LIKE 'text.%' OR p.key LIKE 'free.%')
"""
_ROW = "(key, year, value, agency_id)"


def _statements(reports: str) -> tuple[TextClause, TextClause, TextClause]:
    """(file the values, remove them, add `:sign` × their counts) for the reports selected."""
    rows = _FIGURES_OF.format(reports=reports)
    file = text(
        f"INSERT INTO ranked_values {_ROW} SELECT key, year, value, agency_id "
        f"FROM ({rows}) AS c WHERE value IS NOT NULL ORDER BY key, year, value, agency_id"
    )
    unfile = text(
        f"DELETE FROM ranked_values WHERE {_ROW} IN "
        f"(SELECT key, year, value, agency_id FROM ({rows}) AS c WHERE value IS NOT NULL)"
    )
    count = text(
        "INSERT INTO ranked_counts (key, year, valued, unclear) "
        "SELECT key, year, :sign * count(value), :sign * (count(*) - count(value)) "
        f"FROM ({rows}) AS c WHERE true GROUP BY key, year "
        "ON CONFLICT (key, year) DO UPDATE SET "
        "valued = ranked_counts.valued + excluded.valued, "
        "unclear = ranked_counts.unclear + excluded.unclear"
    )
    return file, unfile, count


_FILE, _UNFILE, _COUNT = (
    s.bindparams(bindparam("ids", expanding=True)) for s in _statements("r.id IN :ids")
)
_FILE_ALL, _, _COUNT_ALL = _statements("NOT r.superseded")


def file_reports(conn: Connection, report_ids: Sequence[int]) -> None:
    """File the figures of reports that just became current (their rows are written)."""
    if report_ids:
        conn.execute(_FILE, {"ids": list(report_ids)})
        conn.execute(_COUNT, {"ids": list(report_ids), "sign": 1})


def unfile_reports(conn: Connection, report_ids: Sequence[int]) -> None:
    """Take out the figures of reports that stop being current."""
    if report_ids:
        conn.execute(_UNFILE, {"ids": list(report_ids)})
        conn.execute(_COUNT, {"ids": list(report_ids), "sign": -1})


def refile_all(conn: Connection) -> None:
    """File every current report again from scratch (a store built by set-based SQL, as
    bench/ask.py builds one, bypasses the writer)."""
    conn.execute(text("DELETE FROM ranked_values"))
    conn.execute(text("DELETE FROM ranked_counts"))
    conn.execute(_FILE_ALL)
    conn.execute(_COUNT_ALL, {"sign": 1})
