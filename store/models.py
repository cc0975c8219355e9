"""Every database table, in one module (SQLModel `table=True` models).

Table models skip validation, so parsed data is validated by the non-table models in
`store/schemas.py` before it is copied into these.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Numeric, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Region(SQLModel, table=True):
    """A province / city / county triple; `name` is the joined full name (unique)."""

    __tablename__ = "regions"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    province: str | None = None
    city: str | None = None
    county: str | None = None


class Agency(SQLModel, table=True):
    """One reporting agency, identified by region plus normalised name."""

    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("region_id", "norm_name", name="uq_agency_region_name"),)
    id: int | None = Field(default=None, primary_key=True)
    region_id: int | None = Field(default=None, foreign_key="regions.id", index=True)
    name: str = Field(index=True)  # canonical name: the most recent title
    norm_name: str  # name without the region prefix and 人民政府 noise, for identity
    level: str | None = None  # "government" / "department"


class AgencyAlias(SQLModel, table=True):
    """Every title an agency was seen under (and bracketed aliases such as 政务服务管理局)."""

    __tablename__ = "agency_aliases"
    __table_args__ = (UniqueConstraint("agency_id", "alias", name="uq_alias"),)
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id", index=True)
    alias: str = Field(index=True)


class Report(SQLModel, table=True):
    """One ingested document. Only one report per (agency, year) is current (not superseded):
    the best of its stored versions (see `store.writer.version_rank`)."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_agency_year", "agency_id", "year", "superseded"),
        # At most one current report per agency and year, even with concurrent writers.
        Index(
            "uq_reports_current",
            "agency_id",
            "year",
            unique=True,
            sqlite_where=text("NOT superseded"),
            postgresql_where=text("NOT superseded"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agencies.id")
    year: int = Field(index=True)
    template: str
    title: str = ""
    source_name: str
    format: str
    sha256: str = Field(index=True, unique=True)  # the same bytes are stored once
    published_on: date | None = None
    ingested_at: datetime
    superseded: bool = False
    cell_count: int = 0
    # What orders the versions of an agency-year (`store.writer.version_rank`), besides the
    # publication date and the hash: the best stored version is the current one.
    failed_checks: int = 0  # failed V rules of the report itself (not W1/W2, not neighbours)
    ambiguous_cells: int = 0
    file_time: datetime | None = None  # the file's modification time, else the ingest time


class Figure(SQLModel, table=True):
    """One template cell of one report, under its canonical key.

    The primary key is (report_id, key) and, on SQLite, the table is WITHOUT ROWID: the cells
    of a report are stored together in key order, so a point look-up or one agency's entry in a
    regional ranking is a single b-tree probe (reached through the report: (agency, year) →
    current report → cell). Bulk loads append; there is no key-first index to scatter writes.
    Agency, year and whether the report is current are read from the report.
    """

    __tablename__ = "figures"
    __table_args__ = {"sqlite_with_rowid": False}
    report_id: int = Field(foreign_key="reports.id", primary_key=True)
    key: str = Field(primary_key=True)
    # NUMERIC without a scale: fees keep every printed decimal (5949.088667 万元).
    value: Decimal | None = Field(default=None, sa_column=Column(Numeric(), nullable=True))
    unit: str | None = None
    raw: str = ""
    flags: str = ""  # comma-separated cell flags (blank, derived, ambiguous, unit)
    candidates: str = ""  # comma-separated candidate values of an ambiguous cell


class ProseFigure(SQLModel, table=True):
    """A figure the report states in a sentence, kept apart from the table cells: a table
    cell's key (for W2), a `text.*` fact or a free fact (`free.N`), with its sentence."""

    __tablename__ = "prose_figures"
    __table_args__ = (UniqueConstraint("report_id", "key", name="uq_prose_report_key"),)
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    key: str
    value: Decimal = Field(sa_column=Column(Numeric(), nullable=False))
    unit: str | None = None  # as printed: 条, 件, 篇, 元 …
    sentence: str = ""  # the provenance
    section: str = ""  # 一、总体情况 · （一）主动公开情况
    phrase: str = ""  # the words that say what is counted
    flags: str = ""  # comma-separated (approximate)


class RankedValue(SQLModel, table=True):
    """One valued cell (or `text.*`/`free.*` prose fact) of a current report, filed by key and
    year in value order: a ranking's first rows are the first entries of one index range, so
    a national ranking (100,000 reports) costs what a county's does. Kept by the writer
    (`store.rankings`); ambiguous cells have no value and are only counted (`RankedCount`).
    No foreign key: agencies are never deleted, and the check per row would double the cost
    of a bulk load on PostgreSQL."""

    __tablename__ = "ranked_values"
    __table_args__ = {"sqlite_with_rowid": False}
    key: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    value: Decimal = Field(sa_column=Column(Numeric(), primary_key=True))
    agency_id: int = Field(primary_key=True)


class RankedCount(SQLModel, table=True):
    """How many current reports of a year hold a key: with a value, and ambiguous (no value)."""

    __tablename__ = "ranked_counts"
    key: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    valued: int = 0
    unclear: int = 0


class CheckResult(SQLModel, table=True):
    """One validator rule's outcome for one report."""

    __tablename__ = "check_results"
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reports.id", index=True)
    rule: str
    ok: bool
    message: str
    # Comma-separated cells a failed rule names. Empty when the rule held: a passing rule
    # looked at most of the table, and those lists were two thirds of a stored report's bytes.
    keys: str = ""


class Subscription(SQLModel, table=True):
    """A reminder subscription: which deadline, for which scope, how many days before, and
    where it goes — a Telegram chat, or a WeCom group robot's webhook (exactly one of them)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        CheckConstraint(
            "(chat_id IS NULL) <> (wecom_webhook IS NULL)", name="ck_subscription_target"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    # Telegram chat and user ids do not fit in 32 bits (supergroups are -100…).
    chat_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, nullable=True, index=True)
    )
    # The robot's URL holds its key, a credential: shown masked, never logged.
    wecom_webhook: str | None = None
    kind: str  # "department" (1月31日), "government" (3月31日) or "custom"
    deadline_month: int
    deadline_day: int
    scope_region: str | None = None  # a region name, or
    scope_agencies: str = ""  # newline-separated agency names
    lead_days: str = "30,14,7,3,1"
    send_hour: int = 9
    send_minute: int = 0
    paused: bool = False
    paused_reason: str | None = None
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime


class SentReminder(SQLModel, table=True):
    """Written before a reminder is sent: the unique key makes sending exactly-once."""

    __tablename__ = "sent_reminders"
    __table_args__ = (
        UniqueConstraint("subscription_id", "deadline", "lead_days", name="uq_sent_reminder"),
    )
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    subscription_id: int = Field(foreign_key="subscriptions.id")
    deadline: date  # the deadline date, which fixes the report year
    lead_days: int  # -1 for the summary on the day after the deadline
    claimed_at: datetime
    sent_at: datetime | None = None
    late: bool = False
    error: str | None = None
