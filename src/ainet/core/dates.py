"""Fiscal years (年度) and Japanese eras (和暦) as used by municipal offices.

A fiscal year runs from 1 April to 31 March and is named by the calendar year
in which it starts: 2010-04-01..2011-03-31 is FY2010 (平成22年度).

Pure Python on purpose: importable without Django settings.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

__all__ = [
    "ERAS",
    "TOKYO",
    "Era",
    "FiscalPeriod",
    "era_of",
    "fiscal_year",
    "fiscal_year_range",
    "fiscal_years_range",
    "format_fiscal_year",
    "format_period",
    "format_wareki",
    "format_wareki_fiscal_year",
    "parse_date",
    "parse_fiscal_year",
    "today_tokyo",
    "wareki_year",
]

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")

Lang = Literal["ja", "en"]

# Written as escapes because they look like ASCII "(", ")" and "-" in source.
_LPAREN, _RPAREN, _EN_DASH = "\uff08", "\uff09", "\u2013"


def today_tokyo() -> date:
    """Today's date in Japan, whatever the server's time zone."""
    return datetime.now(TOKYO).date()


def _as_date(d: date) -> date:
    # datetime is a subclass of date: convert it to the Tokyo calendar day,
    # and refuse naive values, whose day depends on an unknown time zone.
    if isinstance(d, datetime):
        if d.tzinfo is None or d.utcoffset() is None:
            raise ValueError(
                f"タイムゾーンのない日時は使えません: {d!r} / "
                f"Naive datetime is ambiguous, give a time zone: {d!r}"
            )
        return d.astimezone(TOKYO).date()
    return d


# --- Fiscal years -----------------------------------------------------------


def fiscal_year(d: date) -> int:
    """Fiscal year containing ``d`` (January to March belong to the previous FY)."""
    d = _as_date(d)
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """First and last day (inclusive) of fiscal year ``fy``."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def fiscal_years_range(first_fy: int, last_fy: int) -> tuple[date, date]:
    """First day of ``first_fy`` and last day of ``last_fy`` (inclusive)."""
    if first_fy > last_fy:
        raise ValueError(
            f"開始年度が終了年度より後です: {first_fy} > {last_fy} / "
            f"First fiscal year is after the last: {first_fy} > {last_fy}"
        )
    return fiscal_year_range(first_fy)[0], fiscal_year_range(last_fy)[1]


@dataclass(frozen=True)
class FiscalPeriod:
    """A run of whole fiscal years, e.g. a five-year plan FY2010 to FY2014."""

    first_fy: int
    last_fy: int

    def __post_init__(self) -> None:
        fiscal_years_range(self.first_fy, self.last_fy)  # validates the order

    @property
    def start(self) -> date:
        return fiscal_year_range(self.first_fy)[0]

    @property
    def end(self) -> date:
        return fiscal_year_range(self.last_fy)[1]

    @property
    def day_after_end(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def fiscal_years(self) -> range:
        return range(self.first_fy, self.last_fy + 1)

    def contains(self, d: date) -> bool:
        return self.start <= _as_date(d) <= self.end

    def label(self, lang: Lang = "ja") -> str:
        return format_period(self.first_fy, self.last_fy, lang)


# --- Eras ---------------------------------------------------------------------


@dataclass(frozen=True)
class Era:
    name: str  # stable ASCII identifier, e.g. "reiwa"
    short: str  # as written in documents, e.g. "令和"
    letter: str  # e.g. "R"
    romaji: str  # e.g. "Reiwa"
    start: date

    @property
    def end(self) -> date | None:
        """Last day of the era; ``None`` for the current one."""
        i = ERAS.index(self)
        return ERAS[i + 1].start - timedelta(days=1) if i + 1 < len(ERAS) else None

    def year_to_western(self, year: int) -> int:
        return self.start.year + year - 1


# Meiji starts on 1868-10-23 (the proclamation), so 明治元年 is 1868 and
# 明治45年 ends on 1912-07-29.
ERAS: tuple[Era, ...] = (
    Era("meiji", "明治", "M", "Meiji", date(1868, 10, 23)),
    Era("taisho", "大正", "T", "Taisho", date(1912, 7, 30)),
    Era("showa", "昭和", "S", "Showa", date(1926, 12, 25)),
    Era("heisei", "平成", "H", "Heisei", date(1989, 1, 8)),
    Era("reiwa", "令和", "R", "Reiwa", date(2019, 5, 1)),
)


def _ja(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def era_of(d: date) -> Era:
    d = _as_date(d)
    for era in reversed(ERAS):
        if d >= era.start:
            return era
    raise ValueError(
        f"明治の始まり{_ja(ERAS[0].start)}より前の日付には対応していません: {d} / "
        f"Dates before the Meiji era (from {ERAS[0].start}) are not supported: {d}"
    )


def wareki_year(d: date) -> tuple[Era, int]:
    d = _as_date(d)
    era = era_of(d)
    return era, d.year - era.start.year + 1


def _year_ja(year: int) -> str:
    return "元" if year == 1 else str(year)


def format_wareki(d: date, *, style: Literal["long", "short"] = "long") -> str:
    """Long "令和7年4月1日" / "令和元年5月1日", or short "R7.4.1"."""
    d = _as_date(d)
    era, year = wareki_year(d)
    if style == "long":
        return f"{era.short}{_year_ja(year)}年{d.month}月{d.day}日"
    if style == "short":
        return f"{era.letter}{year}.{d.month}.{d.day}"
    raise ValueError(f"未知の書式です: {style!r} / Unknown style: {style!r}")


def _fiscal_era_year(fy: int, heisei31: bool) -> tuple[Era, int]:
    # Offices name a fiscal year by the era in force on its first day (1 April):
    # FY1988 is 昭和63年度 and FY1989 is 平成元年度, although Heisei began in
    # January 1989. The one exception is FY2019: Reiwa began on 1 May 2019 and
    # the government let offices call the whole year 令和元年度 (平成31年度 is also
    # acceptable, hence the ``heisei31`` switch).
    era, year = wareki_year(fiscal_year_range(fy)[0])
    if fy == 2019 and not heisei31:
        return ERAS[-1], 1
    return era, year


def format_wareki_fiscal_year(fy: int, heisei31: bool = False) -> str:
    """Name such as "平成22年度"; FY2019 is "令和元年度" (or "平成31年度" with ``heisei31``)."""
    era, year = _fiscal_era_year(fy, heisei31)
    return f"{era.short}{_year_ja(year)}年度"


def format_fiscal_year(fy: int, lang: Lang = "ja") -> str:
    """Japanese "平成22年度" then "(2010年度)" in full-width brackets, or "FY2010"."""
    if lang == "en":
        return f"FY{fy}"
    if lang == "ja":
        return f"{format_wareki_fiscal_year(fy)}{_LPAREN}{fy}年度{_RPAREN}"
    raise ValueError(f"未知の言語です: {lang!r} / Unknown language: {lang!r}")


def format_period(first_fy: int, last_fy: int, lang: Lang = "ja") -> str:
    """Japanese "平成22〜26年度(2010〜2014年度)" or English "FY2010-2014" (en dash).

    Each era is named once, so a period across eras reads
    "平成29年度〜令和3年度(2017〜2021年度)". Brackets are full-width.
    """
    fiscal_years_range(first_fy, last_fy)  # validates the order
    if first_fy == last_fy:
        return format_fiscal_year(first_fy, lang)
    if lang == "en":
        return f"FY{first_fy}{_EN_DASH}{last_fy}"
    if lang != "ja":
        raise ValueError(f"未知の言語です: {lang!r} / Unknown language: {lang!r}")
    era1, y1 = _fiscal_era_year(first_fy, False)
    era2, y2 = _fiscal_era_year(last_fy, False)
    if era1 == era2:
        wareki = f"{era1.short}{_year_ja(y1)}〜{_year_ja(y2)}年度"
    else:
        wareki = f"{format_wareki_fiscal_year(first_fy)}〜{format_wareki_fiscal_year(last_fy)}"
    return f"{wareki}{_LPAREN}{first_fy}〜{last_fy}年度{_RPAREN}"


# --- Parsing ------------------------------------------------------------------

# "令和", "R" and the one-kanji abbreviation "令" all name an era. NFKC already
# turns the square ligatures "㋿", "㍻"… into "令和", "平成"…
_ERA_BY_TOKEN: dict[str, Era] = {
    token: era for era in ERAS for token in (era.short, era.letter, era.short[0])
}
_ERA_RE = "|".join(sorted(map(re.escape, _ERA_BY_TOKEN), key=len, reverse=True))
_SEP = r"([./-])"
_ERA_DATE = re.compile(rf"({_ERA_RE})(元|\d+)(?:年(\d+)月(\d+)日|{_SEP}(\d+)\5(\d+))", re.ASCII)
_WESTERN_DATE = re.compile(
    rf"(\d{{4}})(?:年(\d{{1,2}})月(\d{{1,2}})日|{_SEP}(\d{{1,2}})\4(\d{{1,2}})|(\d\d)(\d\d))",
    re.ASCII,
)
_WEEKDAY = re.compile(r"\(([月火水木金土日])(?:曜日?)?\)")
_WEEKDAYS = "月火水木金土日"
_ERA_FY = re.compile(rf"({_ERA_RE})(元|\d+)(?:年度)?", re.ASCII)
_WESTERN_FY = re.compile(r"FY(\d{4})|(\d{4})(?:年度)?", re.ASCII)
# Dashes that NFKC leaves alone but people type between date parts.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc", "-"))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return "".join(text.split()).upper()


def _cannot_read(text: str) -> ValueError:
    return ValueError(f"日付を読み取れません: {text!r} / Cannot read the date: {text!r}")


def _era_year(era: Era, year_text: str, text: str) -> int:
    year = 1 if year_text == "元" else int(year_text)
    if year < 1:
        raise ValueError(
            f"{era.short}{year}年はありません: {text!r} / There is no {era.romaji} year {year}: "
            f"{text!r}"
        )
    return era.year_to_western(year)


def _make_date(year: int, month: str, day: str, text: str) -> date:
    try:
        return date(year, int(month), int(day))
    except (ValueError, OverflowError):
        raise ValueError(f"存在しない日付です: {text!r} / No such date: {text!r}") from None


def parse_date(text: str) -> date:
    """Read a date as offices write it, in 和暦 or Western form.

    Accepts e.g. "令和元年5月1日", "R7.4.1", "H22/4/1", "令和7.4.1", "2025-04-01",
    "2025年4月1日", "20250401", full-width characters and a trailing weekday
    such as "(火)" (which must match). Raises ValueError with a Japanese and English
    message otherwise, including for era dates outside their era.
    """
    s = _normalise(text)
    weekday = _WEEKDAY.search(s)
    if weekday and weekday.end() == len(s):
        s = s[: weekday.start()]
    if m := _ERA_DATE.fullmatch(s):
        era = _ERA_BY_TOKEN[m[1]]
        month, day = (m[3], m[4]) if m[3] else (m[6], m[7])
        d = _make_date(_era_year(era, m[2], text), month, day, text)
        if d < era.start:
            raise ValueError(
                f"{era.short}は{_ja(era.start)}に始まりました: {text!r} / "
                f"The {era.romaji} era began on {era.start}: {text!r}"
            )
        if era.end is not None and d > era.end:
            raise ValueError(
                f"{era.short}は{_ja(era.end)}に終わりました: {text!r} / "
                f"The {era.romaji} era ended on {era.end}: {text!r}"
            )
    elif m := _WESTERN_DATE.fullmatch(s):
        month, day = next((a, b) for a, b in ((m[2], m[3]), (m[5], m[6]), (m[7], m[8])) if a)
        d = _make_date(int(m[1]), month, day, text)
    else:
        raise _cannot_read(text)
    if weekday and _WEEKDAYS[d.weekday()] != weekday[1]:
        raise ValueError(
            f"曜日が合いません、{_ja(d)}は{_WEEKDAYS[d.weekday()]}曜日です: {text!r} / "
            f"Weekday does not match ({d} is a {d:%A}): {text!r}"
        )
    return d


def parse_fiscal_year(text: str) -> int:
    """Read a fiscal year: "平成22年度", "令和元年度", "H22年度", "R7", "FY2010", "2010年度".

    An era year is accepted when the fiscal year overlaps the era, so 平成31年度
    (FY2019, April 2019 was still Heisei) is read but 平成32年度 is not.
    """
    s = _normalise(text)
    era: Era | None = None
    if m := _ERA_FY.fullmatch(s):
        era = _ERA_BY_TOKEN[m[1]]
        fy = _era_year(era, m[2], text)
    elif m := _WESTERN_FY.fullmatch(s):
        fy = int(m[1] or m[2])
    else:
        fy = 0
    if not 1 <= fy < date.max.year:  # fiscal_year_range() must be able to run
        raise ValueError(f"年度を読み取れません: {text!r} / Cannot read the fiscal year: {text!r}")
    start, end = fiscal_year_range(fy)
    if era and (end < era.start or (era.end is not None and start > era.end)):
        raise ValueError(
            f"{era.short}にその年度はありません: {text!r} / "
            f"The {era.romaji} era has no such fiscal year: {text!r}"
        )
    return fy
