"""Step 1 of the pipeline: make a typed question comparable with the catalog and the names.

People type full-width digits, traditional characters, 二〇二〇 and stray punctuation; the later
steps only see simplified, half-width, lower-case text with punctuation turned into spaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import opencc

from names import PROVINCE_SHORT

MAX_INPUT = 400  # characters kept from a question before any work (bounded time)
MAX_MATCH = 80  # characters of the normalised question that the matchers look at

_CN_DIGITS = "〇零一二两三四五六七八九十"
_DIGIT_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_YEAR_RUN = re.compile(rf"[{_CN_DIGITS}]{{2,4}}(?=年)|[〇零一二三四五六七八九]{{4}}")
# 近三年 → 近3年; not 前一年 / 后一年 (比前一年: the year before, not the top one)
_COUNT_RUN = re.compile(
    rf"(?:(?<=[近最过去])|(?<=[前后])(?!一年))[{_CN_DIGITS}]{{1,3}}(?=[年名位个])"
)
_PUNCT = re.compile(r"[^\w\u4e00-\u9fff~-]+|_")
_SPACES = re.compile(r"\s+")
# Characters almost never meant in a question, typed for a look-alike: 根椐 / 依椐 for 根据.
_GLYPH_SLIPS = str.maketrans({"椐": "据"})
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e]")
# Single characters spaced out (洪 泽 区): one word. 淮安市 和 洪泽区 stays three words.
_SPACED = re.compile(
    r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff](?: [\u4e00-\u9fff](?![\u4e00-\u9fff]))+"
)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional() -> frozenset[str]:
    """Characters t2s changes: text without any of them is left alone (opencc is slow)."""
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in table.read_text("utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if source and targets.split(" ")[0] != source:
            chars.add(source[0])
    return frozenset(chars)


def to_simplified(text: str) -> str:
    traditional = _traditional()
    return _t2s().convert(text) if any(c in traditional for c in text) else text


def _arabic(match: re.Match[str]) -> str:
    """二〇二〇 and 二〇 are read digit by digit; 二十 and 十三 go through cn2an."""
    run = match.group(0)
    if "十" not in run:
        return "".join(str(_DIGIT_VALUES[c]) for c in run)
    # imported here: cn2an compiles its patterns on import, a tenth of a second of every
    # `bot.py` start, for the few questions that write 二十 or 十三
    import cn2an

    try:
        return str(cn2an.cn2an(run, "smart"))
    except ValueError:
        return run


# 沪市政府办公厅 / 沪府办: the province's one-character name before a government word
_PROVINCE_BEFORE_GOVERNMENT = re.compile(
    rf"(?<![\u4e00-\u9fff])([{''.join(PROVINCE_SHORT)}])(?=市政府|市府|市人民政府|府办|省)"
)

# 多收了多少 / 少公开了几件 / 多办结了多少: a difference told by the verb it qualifies, said
# the way the intent words know it (收多了多少, 公开少了几件); 多收 alone is no field.
_MORE_VERB = re.compile(
    r"([多少])(收到|收|接到|接收|受理|公开|办结|办理|处理|答复|作出|做出|发布|立案)(了?)"
    r"(?=多少|几)"
)


# 平潭综合实验区党工委管委会 / 洪泽区委区政府 / 淮安市委、市政府: the party committee named
# with the government, as formal titles do; the government is the one that reports.
_PARTY_WITH_ZONE = re.compile(r"(?:中共)?党?工委\s*(?:和|及|与)?\s*(?=管委会|管理委员会)")
_PARTY_WITH_GOVERNMENT = re.compile(r"([区县市州旗])(?:党)?委\s*(?:和|及|与)?\s*\1(?:人民)?政府")
# 中共淮安市委 淮安市人民政府: the place written twice
_PARTY_NAMED_TWICE = re.compile(
    r"(?:中共)?([\u4e00-\u9fff]{2,8}?[区县市州旗])(?:党)?委\s*(?:和|及|与)?\s*\1((?:人民)?政府)"
)
_ZONE_COMMITTEE = re.compile(r"(?<=区)管理委员会")  # 平潭综合实验区管理委员会: its 管委会


_HEDGE = re.compile(r"大约|大概|大致|约莫|差不多|左右(?![岸手侧边])|约为|约有")
_PLUS_SIGN = re.compile(r"(?<=[\u4e00-\u9fff])\s*\+\s*(?=[\u4e00-\u9fff])")


def normalize(text: str) -> str:
    """Simplified, half-width, lower-case text with punctuation and controls as single spaces."""
    text = text[:MAX_INPUT]
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)  # zero-width and other format characters split no word
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    text = to_simplified(text).translate(_GLYPH_SLIPS)
    text = _YEAR_RUN.sub(_arabic, text)
    text = _COUNT_RUN.sub(_arabic, text)
    text = _PLUS_SIGN.sub("加", text)  # 新收申请+上年结转: added, as 加 says
    text = _HEDGE.sub(" ", text)  # 大约多少条: the figure asked, however rough
    text = _PUNCT.sub(" ", text.lower())  # before joining: 一:一 must read as 一 一 does
    text = _SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)  # 洪 泽 区 → 洪泽区
    text = _PARTY_WITH_ZONE.sub("", _ZONE_COMMITTEE.sub("管委会", text))
    text = _PARTY_WITH_GOVERNMENT.sub(r"\1人民政府", _PARTY_NAMED_TWICE.sub(r"\1\2", text))
    text = _PROVINCE_BEFORE_GOVERNMENT.sub(lambda m: PROVINCE_SHORT[m.group(1)], text)
    text = _MORE_VERB.sub(lambda m: f"{m.group(2)}{m.group(1)}了", text)
    return _SPACES.sub(" ", text).strip()


def compact(text: str) -> str:
    """Normalised text without spaces: Chinese is written without them, so names match."""
    return normalize(text).replace(" ", "")
