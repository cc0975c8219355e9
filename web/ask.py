"""The search box: `/?q=…` shows the bot's answer, `/api/ask?q=…` its `ask --json` object, and
`/chart.png?q=…` the chart `/chart` draws in the chat — all through the same core."""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from charts import render_chart
from parsers.fields import FIELDS
from query import Answer, AnswerItem
from services import Browser
from web import texts
from web.downloads import Table, download, wanted_format
from web.guard import MAX_QUESTION, text_param
from web.site import for_phone, site_of, url

CHART_INTENTS = ("series", "compare", "rank")  # a single value makes no chart worth a look
EXAMPLES = (
    "金安区 2020 申请数量",
    "平潭 近三年 行政复议",
    "淮安市 2024 申请数量 排名",
    "上海市人民政府办公厅 2019 年报概况",
)


@dataclass(frozen=True)
class ShownItem:
    """An answer's figure with the link to the report page that holds it (a table cell, or a
    sentence of the prose), and the same for the parts of a computed figure."""

    item: AnswerItem
    report_url: str | None
    in_prose: bool = False
    parts: tuple[ShownItem, ...] = ()


def source_text(item: AnswerItem) -> str:
    """Where a figure is printed: the table cell, or the sentence of the prose."""
    source = item.source
    if source is None or not source.file:
        return texts.SUMMED_SOURCE if not item.parts else ""
    head = f"出处：《{source.title}》（{source.file}）"
    if source.sentence:
        where = f"{source.section}：" if source.section else ""
        return f"{head}{where}“{source.sentence}”"
    return f"{head}表{source.table}“{source.row}”行“{source.column}”列"


def _question(request: Request) -> str:
    return text_param(request, "q", MAX_QUESTION, texts.QUESTION_TOO_LONG)


def _answer(request: Request) -> tuple[str, Answer | None]:
    """(question for the box, answer) from `q`, or from `t`, a choice's token."""
    site = site_of(request)
    question = _question(request)
    token = request.query_params.get("t", "").strip()
    if token:
        if len(token) > 60:
            raise HTTPException(400, texts.BAD_TOKEN)
        return question, site.core.resolve(token)
    if question:
        return question, site.core.ask(question)
    return "", None


def _shown(browser: Browser, item: AnswerItem) -> ShownItem:
    in_prose = item.key not in FIELDS
    link = None
    if item.agency_id is not None and item.source is not None and item.source.file:
        report_id = browser.current_report_id(item.agency_id, item.year)
        if report_id is not None:
            link = f"/reports/{report_id}#{'p' if in_prose else 'k'}-{item.key}"
    return ShownItem(item, link, in_prose, tuple(_shown(browser, p) for p in item.parts))


def _row(item: AnswerItem, role: str) -> tuple[object, ...]:
    source = item.source
    return (
        item.agency, item.region, item.year, item.key, item.label, item.value, item.unit,
        source.title if source else "", source.file if source else "",
        source.table if source else "", source.row if source else "",
        source.column if source else "", source.sentence if source else "",
        ",".join(item.flags), role,
    )  # fmt: skip


def _table(answer: Answer) -> Table:
    """One row per figure; a computed figure's parts follow it, each with its own source."""
    rows = []
    for item in answer.answers:
        rows.append(_row(item, item.formula))
        rows += [_row(part, texts.PART_OF) for part in item.parts]
    return Table("问答", texts.ANSWER_COLUMNS, rows)


def home(request: Request) -> Response:
    """The search box, and under it the answer to `q` (or to a chosen option)."""
    site = site_of(request)
    question, answer = _answer(request)
    fmt = wanted_format(request.query_params.get("format"))
    if fmt and answer is not None:
        return download(_table(answer), fmt)
    asked = bool(question) and not request.query_params.get("t")  # a chart redraws a question
    chart_url = None
    if asked and answer is not None and answer.status == "answer":
        chart_url = url("/chart.png", q=question) if answer.intent in CHART_INTENTS else None
    context = {
        "question": question,
        "answer": answer,
        "items": [_shown(site.browser, item) for item in answer.answers] if answer else [],
        "chart_url": chart_url,
        "examples": EXAMPLES,
        "source_text": source_text,
        "max_question": MAX_QUESTION,
        "choice_url": lambda token: url("/", q=question or None, t=token),
        "downloads": {
            fmt: url("/", q=question or None, t=request.query_params.get("t") or None, format=fmt)
            for fmt in ("csv", "xlsx")
        }
        if answer is not None and answer.answers
        else {},
        "json_url": url("/api/ask", q=question) if question else None,
    }
    return site.render(request, "home.html", context)


def api_ask(request: Request) -> Response:
    """Exactly the object `python bot.py ask --json` prints for the same question (the
    question as sent, not stripped, so even its spaces come back the same)."""
    question = request.query_params.get("q", "")
    if len(question) > MAX_QUESTION:
        raise HTTPException(400, texts.QUESTION_TOO_LONG.format(limit=MAX_QUESTION))
    answer = site_of(request).core.ask(question)
    body = json.dumps(answer.to_json(), ensure_ascii=False)
    return Response(body, media_type="application/json")


def chart_png(request: Request) -> Response:
    """The chart the chat's /chart draws for this question; 404 when it makes no chart."""
    site = site_of(request)
    question = _question(request)
    if not question:
        raise HTTPException(404)

    phone = for_phone(request)

    def draw() -> bytes | None:
        made = site.core.chart(question)
        if isinstance(made, Answer):
            return None
        return render_chart(made.spec, phone=True) if phone else made.png

    png = site.chart(("ask", question, phone), draw)
    if png is None:
        raise HTTPException(404)
    return Response(png, media_type="image/png", headers={"Cache-Control": "max-age=300"})
