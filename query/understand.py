"""The detector: question text in, everything recognised (with scores) out, nothing looked up.

Shape of Google Data Commons' NL detector: normalise, take out intent words, take out years, take
out places, and match what is left against the field catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from names import looks_like_place
from query.agencies import AgencyIndex, PlaceScan
from query.fieldmatch import FieldMatch, literal_spans, match_field
from query.intents import Hints, detect, strip_noise
from query.normalize import MAX_MATCH, normalize
from query.years import YearSpec, extract_years

_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_A_PLACE = ("各", "全", "本", "哪", "所有", "每个", "这个", "那个")


@dataclass(frozen=True)
class Detection:
    text: str  # normalised question
    hints: Hints
    years: YearSpec
    scan: PlaceScan
    field: FieldMatch | None
    has_cjk: bool
    leftover: str = ""  # Chinese words nothing recognised: maybe a misspelt name

    @property
    def empty(self) -> bool:
        return not self.text


def detect_question(question: str, *, index: AgencyIndex, today: date) -> Detection:
    text = normalize(question)
    hints, rest = detect(text)
    years, rest = extract_years(rest, today=today)
    rest = rest[:MAX_MATCH]
    scan = index.scan(rest, masked=literal_spans(rest))
    field = match_field(scan.rest, fuzzy_text=strip_noise(scan.rest))
    leftover = scan.rest
    for start, end in literal_spans(leftover, min_len=2):  # every catalog word, not a place
        leftover = leftover[:start] + " " * (end - start) + leftover[end:]
    if field is not None and not field.exact:
        leftover = leftover.replace(field.matched, " ")
    words = strip_noise(leftover).split()
    for word in words:
        place = looks_like_place(word)  # a place or office the database does not know
        if place and not place.startswith(_NOT_A_PLACE):
            scan.unknown = place
            break
    rest_words = "".join(w for w in words if _CJK.search(w))
    return Detection(text, hints, years, scan, field, bool(_CJK.search(text)), rest_words)
