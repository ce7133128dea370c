"""Normalising names and addresses the way ward offices write them, so that a roster row and
a person record match although one says ｽｽﾞｷ and the other すずき, or 髙橋 and 高橋.

`kana_key` and `address_key` are what `Person.match_kana` and `Person.match_address` hold.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

# Variant kanji that NFKC leaves alone but offices treat as the same character (異体字).
_VARIANTS = str.maketrans(
    {
        "髙": "高",
        "﨑": "崎",
        "嵜": "崎",
        "濵": "浜",
        "濱": "浜",
        "邊": "辺",
        "邉": "辺",
        "齋": "斎",
        "齊": "斉",
        "澤": "沢",
        "櫻": "桜",
        "廣": "広",
        "國": "国",
        "𠮷": "吉",
        "德": "徳",
        "槇": "槙",
        "眞": "真",
        "冨": "富",
        "嶋": "島",
        "嶌": "島",
        "籠": "篭",
    }
)
_SPACES = re.compile(r"[\s\u3000]+")
# Dashes between numbers in addresses: ー － ‐ ― − ‑ – — all mean the same hyphen.
_DASHES = re.compile(r"[ー－‐―−‑–—ｰ-]")
_KANJI_DIGITS = {
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CHOME = re.compile(r"([〇一二三四五六七八九十]+)丁目")
# 1丁目2 / 2番3 / 2番地3 / 3号4 → 1-2 …, in three passes in this order (one alternation would
# read 1丁目2番3 differently: a match takes the digit after it).
_CHOME_BREAK = re.compile(r"(\d)丁目(\d)")
_BAN_BREAK = re.compile(r"(\d)番地?(\d)")
_GO_BREAK = re.compile(r"(\d)号(\d)")
_NUMBER_END = re.compile(r"(\d)(?:番地?|号)$")


# `str.split()` splits on exactly the characters `_SPACES` matches (`\s` and U+3000 are what
# `str.isspace` calls space), so " ".join(text.split()) collapses and trims like
# `_SPACES.sub(" ", text).strip()` at a fraction of the cost; a test holds the two together.


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits to half-width, half-width kana to full-width),
    variant kanji folded, runs of spaces collapsed to one, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").translate(_VARIANTS).split())


def tidy(text: str) -> str:
    """What a roster value is stored as: NFKC (full-width digits and letters to half-width,
    half-width kana to full-width) and spaces collapsed, but variant kanji kept as written:
    a person called 髙橋 stays 髙橋; only the matching keys fold 髙 to 高."""
    if text.isascii():  # NFKC leaves ASCII as it is
        return " ".join(text.split())
    return " ".join(unicodedata.normalize("NFKC", text).split())


def kana_key(text: str) -> str:
    """Furigana for matching: hiragana, no spaces, long-vowel marks kept."""
    return jaconv.kata2hira(normalise(text)).replace(" ", "")


def _kanji_number(numeral: str) -> int:
    if numeral == "十":
        return 10
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return (_KANJI_DIGITS.get(tens, 1) if tens else 1) * 10 + (
            _KANJI_DIGITS.get(ones, 0) if ones else 0
        )
    return int("".join(str(_KANJI_DIGITS[c]) for c in numeral))


def address_key(text: str) -> str:
    """An address for matching: normalised, no spaces, 一丁目 → 1丁目, every dash one hyphen,
    ヶ and ケ in place names alike (江ヶ崎町 = 江ケ崎町), and 丁目/番地/番/号 followed by a
    number written as hyphens, so 矢向一丁目2番3号 = 矢向1-2-3."""
    text = "".join(unicodedata.normalize("NFKC", text or "").translate(_VARIANTS).split())
    if "丁目" in text:
        text = _CHOME.sub(_chome_number, text)
    text = _DASHES.sub("-", text.replace("ヶ", "ケ").replace("ヵ", "ケ"))
    if "丁目" in text:
        text = _CHOME_BREAK.sub(r"\1-\2", text)
    if "番" in text:
        text = _BAN_BREAK.sub(r"\1-\2", text)
    if "号" in text:
        text = _GO_BREAK.sub(r"\1-\2", text)
    if text.endswith(("番", "番地", "号")):
        text = _NUMBER_END.sub(r"\1", text)
    return text


def _chome_number(match: re.Match[str]) -> str:
    return f"{_kanji_number(match.group(1))}丁目"


_CHOME_KEY = re.compile(r"^(.*\d)丁目$")


def town_keys(name: str) -> tuple[str, ...]:
    """The ways a town block's name appears inside an `address_key`: 矢向一丁目 appears as
    "矢向1丁目" (no house number) or "矢向1-" (矢向1-2-3, 矢向一丁目2番3号)."""
    key = address_key(name)
    chome = _CHOME_KEY.match(key)
    return (key, f"{chome.group(1)}-") if chome else (key,)
