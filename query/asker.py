"""The question layer's entry point: question (or button token) in, `Answer` out.

`Asker` keeps the agency index for the current data version and hands each question to the
router (`query.router`); the intent modules build the answers.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from query import texts
from query.agencies import AgencyIndex
from query.answer import Answer, AnswerItem, ChartSpec
from query.catalog import short_label
from query.common import WHOLE_COUNTRY, Context, label, parse_token
from query.normalize import normalize
from query.router import for_agency, route
from query.source import ReportSource, SourceUnavailable
from query.typos import readings
from query.value import item_warnings

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A chart of these is the ranking of every agency (only these: "火星 申请数量" is no scope).
log = logging.getLogger(__name__)


def _sources(items: list[AnswerItem]) -> str:
    """数据来源： every report file a chart draws from, once each, in drawing order."""
    files = dict.fromkeys(a.source.file for a in items if a.source and a.source.file)
    return "数据来源：" + "；".join(files) if files else ""


def _notes(ctx: Context, items: list[AnswerItem]) -> tuple[str, ...]:
    """What the text answer warns of about each figure drawn, naming its agency and year."""
    return tuple(
        f"{item.agency} {item.year}年度：{warning}"
        for item in items
        for warning in item_warnings(ctx, item)
    )


class Asker:
    """Answers questions from a `ReportSource`; the agency index is rebuilt when data changes."""

    def __init__(
        self,
        source: ReportSource,
        *,
        tz: ZoneInfo = SHANGHAI,
        today: Callable[[], date] | None = None,
    ) -> None:
        self.source = source
        self.tz = tz
        self._today = today
        self._index: AgencyIndex | None = None
        self._index_version: str | None = None
        # Channels ask from several threads, and a start-up thread builds the index ahead of
        # the first question: one builds it, the others wait for that one.
        self._indexing = threading.Lock()

    def ask(self, question: str) -> Answer:
        """The answer to a question; a bug is logged and the user gets a short reply."""
        try:
            return self.answer(question)
        except SourceUnavailable:  # not a bug: the caller says so (services.py)
            raise
        except Exception:  # a reply is always better than a crash in the chat
            log.exception("failed to answer %r", question[:200])
            return Answer(question, "not_understood", None, texts.NOT_UNDERSTOOD_ERROR)

    def answer(self, question: str) -> Answer:
        """The answer to a question, errors raised (tests check properties on this)."""
        with self.source.question():
            return route(self._context(question))

    def resolve(self, token_text: str) -> Answer:
        """Answer a button press; a malformed or stale token gets a friendly reply."""
        with self.source.question():
            return self._resolve(token_text)

    def _resolve(self, token_text: str) -> Answer:
        ctx = self._context(token_text)
        parsed = parse_token(token_text)
        if parsed is None or parsed[1] not in ctx.index.info:
            return ctx.reply("not_understood", None, texts.BAD_TOKEN)
        intent, agency_id, year, key = parsed
        return for_agency(ctx, intent, ctx.index.info[agency_id], year, key, None, [])

    def chart(self, question: str) -> ChartSpec | Answer:
        """A chart of a trend (line) or of agencies side by side (bar), else the plain answer.
        A scope that is no agency (全国 2024 申请数量) is drawn as its ranking, as /rank would;
        the footer names every report drawn, and what the text answer warns of is drawn too."""
        with self.source.question():
            return self._chart(question)

    def _chart(self, question: str) -> ChartSpec | Answer:
        answer = self.ask(question)
        whole = any(word in question for word in WHOLE_COUNTRY)
        if whole and answer.status == "not_understood" and answer.intent != "rank":
            ranked = self.ask(f"{question} 排名")
            answer = ranked if ranked.status == "answer" and ranked.intent == "rank" else answer
        items = [a for a in answer.answers if a.value is not None]
        if answer.status != "answer" or not items:
            return answer
        ctx = self._context(question)
        first = items[0]
        if answer.intent in ("compare", "rank"):
            title = f"{short_label(first.key)}（{first.year}年度）"
            bars = [a.agency for a in items]
            # each bar its own year when they differ (洪泽区2023年与淮安市2024年)
            if len({a.year for a in items}) > 1:
                title = f"{short_label(first.key)}（各单位所问年度）"
                bars = [f"{a.agency} {a.year}" for a in items]
            values: list[float | None] = [float(a.value) for a in items if a.value is not None]
            return ChartSpec(
                title, "bar", bars, [(title, values)], first.unit, _sources(items),
                _notes(ctx, items),
            )  # fmt: skip
        if answer.intent in ("value", "series") and first.agency_id is not None:
            agency = ctx.index.info[first.agency_id]
            years = sorted(ctx.source.years(agency.id))
            if answer.intent == "series":  # the years asked (近三年), not every report's
                asked = [a.year for a in answer.answers if a.agency_id == agency.id]
                years = [y for y in years if min(asked) <= y <= max(asked)]
            drawn: list[AnswerItem] = []
            points: list[float | None] = []
            for year in years:
                report, full, figure = ctx.figure(agency.id, year, first.key)
                item = (
                    ctx.item(agency, report, full, figure) if report and full and figure else None
                )
                points.append(_float(item.value) if item else None)
                drawn += [item] if item and item.value is not None else []
            title = f"{first.agency} · {label(first.key)}"
            return ChartSpec(
                title, "line", [str(y) for y in years], [(title, points)], first.unit,
                _sources(drawn), _notes(ctx, drawn),
            )  # fmt: skip
        return answer

    def today(self) -> date:
        return self._today() if self._today else datetime.now(self.tz).date()

    def index(self) -> AgencyIndex:
        """The agency index of the data's version: built once, then extended with the
        agencies of new reports (a store can tell which), rebuilt only when it cannot."""
        with self._indexing:
            return self._current_index()

    def prepare(self) -> None:
        """What a serving process builds before its first question, so that no user waits for
        it: the agency index, its places' pinyin spellings, the pinyin readings that tell a
        slip, cn2an for 前二十名 (0.1–0.6 s each at 100,000 agencies). Each is otherwise loaded on
        first use, which a command line answering one question pays only if it needs it."""
        self.index().spellings()
        readings("申")  # pypinyin's dictionaries
        normalize("前二十名")  # a count in Chinese numerals: cn2an
        _left_out_of_collections()

    def _current_index(self) -> AgencyIndex:
        version = self.source.version()
        if self._index is not None and version != self._index_version:
            changed = self.source.agencies_since(self._index_version or "")
            if changed is None:
                self._index = None
            else:
                self._index.extend(changed)
                self._index_version = version
        if self._index is None:
            self._index = AgencyIndex(self.source.agencies())
            self._index_version = version
            _left_out_of_collections()
        return self._index

    def _context(self, question: str) -> Context:
        return Context(self.source, self.index(), self.today(), question)


def _left_out_of_collections() -> None:
    """A new index is hundreds of thousands of long-lived objects (100,000 agencies): each
    collection of a young generation that still holds them walks them all, as every full
    collection after does, a 30–70 ms pause inside whichever question is being answered
    (bench/ask.py, PostgreSQL computed-max-year p99 36 → 17 ms). Collected once now and frozen,
    they are left out of every later collection; an index dropped later is still freed by its
    reference counts (it holds no cycles)."""
    gc.collect()
    gc.freeze()


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
