"""Several figures asked at once (申请数和复议纠错率各是多少, A以及B, A多少，B多少): each part
asked on its own, with the places and years the question said, and the answers given together;
a part that is not answered is named, never left out as if one figure were the whole answer.
A sum (加起来, 合计, 一共, 总共) is one figure and is not split."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from query import calculation, texts
from query.answer import Answer
from query.common import Context
from query.understand import Detection, detect_question

_EACH = re.compile(
    r"分别是|分别为|分别有|分别|各是|各为|各有|各自是|各自|(?<=[件条个项])各|各(?=多少|几)"
)
_BOTH = re.compile(r"以及")
_SUM = re.compile(r"加起来|加在一起|合计|一共|总共|共计|相加|总和|汇总|累计|之和|加上")
_JOINER = re.compile(r"以及|和|与|及|跟|、|，|,|；|;|\?|？|。|!|！")
_ASKS = re.compile(r"多少|几[件个条次项名]?")


def asked_apart(ctx: Context, det: Detection) -> list[str]:
    """The parts of a question asking several figures at once, each said in full; empty when
    the question asks one figure (or a sum, or one figure of several places or years)."""
    typed = unicodedata.normalize("NFKC", ctx.question)
    if ctx.part or _SUM.search(typed) or det.years.report is not None:
        return []
    each = bool(_EACH.search(typed) or _BOTH.search(typed))
    parts = [p.strip() for p in _JOINER.split(_EACH.sub("", typed)) if p.strip()]
    asks = sum(bool(_ASKS.search(p)) for p in parts) >= 2
    if len(parts) < 2 or not (each or asks or _one_of_two(det)):
        return []
    places = " ".join(p.text for p in det.scan.places if p.text)
    years = _years(det)
    out = []
    for part in parts:
        seen = detect_question(part, index=ctx.index, today=ctx.today)
        if seen.key is None and not seen.hints.rate:
            continue  # 淮安市、洪泽区2024年…: a place or year of the question, said below
        said = [] if seen.scan.places else [places]
        said += [] if seen.years.years or seen.years.every or seen.years.recent else [years]
        out.append(" ".join([*filter(None, said), part]))
    return out if len(out) >= 2 and len(set(out)) == len(out) else []


def _one_of_two(det: Detection) -> bool:
    """申请数跟行政复议数: rows of two tables named, nothing computed of them, so one of the
    two would be answered alone."""
    field = det.field
    if field is None or det.fact is not None or det.hints.rate or det.hints.words:
        return False
    others = [r for r in field.others if r.family != field.row.family]
    return bool(others) and not calculation.in_report_asked(det)


def _years(det: Detection) -> str:
    spec = det.years
    if spec.years:
        return "、".join(map(str, spec.years)) + "年"
    if spec.recent:
        return f"近{spec.recent}年"
    return "历年" if spec.every else ""


def answer(ctx: Context, det: Detection, route: Callable[[Context], Answer]) -> Answer | None:
    """Every part answered, together; None when the question asks one figure."""
    typed = unicodedata.normalize("NFKC", ctx.question)
    if det.years.report is not None and _EACH.search(typed) and _JOINER.search(typed):
        # 2024年的上一份和最新一份…分别: two reports counted, one at a time
        return ctx.reply("no_data", None, texts.SEVERAL_REPORTS)
    parts = asked_apart(ctx, det)
    if not parts:
        return None
    if len(det.scan.places) >= 2:  # 淮安市、洪泽区…申请数和行政复议各是多少: one figure at a time
        return ctx.reply("no_data", None, texts.SEVERAL_PLACES.format(parts="”“".join(parts)))
    answers = [route(replace(ctx, question=p, part=True)) for p in parts]
    done = [(p, a) for p, a in zip(parts, answers, strict=True) if a.status == "answer"]
    left = [p for p, a in zip(parts, answers, strict=True) if a.status != "answer"]
    if not done:  # the first part's reason (no 2020 report, a field not held) is the answer
        note = texts.SEVERAL_NONE.format(parts="”“".join(parts))
        return replace(answers[0], question=ctx.question, text=f"{note}\n{answers[0].text}")
    lines = [texts.SEVERAL.format(count=len(parts))]
    if left:
        lines = [texts.SEVERAL_LEFT.format(done="”“".join(p for p, _ in done),
                                           left="”“".join(left))]  # fmt: skip
    lines += [a.text for _, a in done]
    items = [item for _, a in done for item in a.answers]
    return replace(done[0][1], question=ctx.question, text="\n\n".join(lines), answers=items,
                   choices=[])  # fmt: skip
