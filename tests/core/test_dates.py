"""Fiscal years and Japanese eras (ainet.core.dates); pure Python, no Django."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ainet.core.dates import (
    ERAS,
    TOKYO,
    FiscalPeriod,
    era_of,
    fiscal_year,
    fiscal_year_range,
    fiscal_years_range,
    format_fiscal_year,
    format_period,
    format_wareki,
    format_wareki_fiscal_year,
    parse_date,
    parse_fiscal_year,
    today_tokyo,
    wareki_year,
)


def _fw(text: str) -> str:
    """Full-width form of the ASCII in ``text``, as typed with a Japanese IME."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _brackets(text: str) -> str:
    """Full-width brackets, as in "平成22年度(2010年度)" written by offices."""
    return text.replace("(", _fw("(")).replace(")", _fw(")"))


# --- Fiscal years -----------------------------------------------------------


def test_march_31_belongs_to_previous_fiscal_year() -> None:
    assert fiscal_year(date(2011, 3, 31)) == 2010


def test_april_1_starts_a_new_fiscal_year() -> None:
    assert fiscal_year(date(2011, 4, 1)) == 2011


def test_january_belongs_to_previous_fiscal_year() -> None:
    assert fiscal_year(date(2011, 1, 1)) == 2010


def test_fiscal_year_range_runs_from_april_1_to_march_31() -> None:
    assert fiscal_year_range(2010) == (date(2010, 4, 1), date(2011, 3, 31))


def test_fiscal_years_range_spans_whole_years() -> None:
    assert fiscal_years_range(2010, 2014) == (date(2010, 4, 1), date(2015, 3, 31))


def test_fiscal_years_range_rejects_reversed_years() -> None:
    with pytest.raises(ValueError, match="First fiscal year is after the last"):
        fiscal_years_range(2014, 2010)


def test_aware_datetime_is_read_in_tokyo_time() -> None:
    # 2011-03-31 15:00 UTC is already 2011-04-01 00:00 in Tokyo.
    utc = datetime(2011, 3, 31, 15, 0, tzinfo=UTC)
    assert fiscal_year(utc) == 2011
    assert fiscal_year(utc - timedelta(seconds=1)) == 2010


def test_naive_datetime_is_rejected() -> None:
    naive = datetime(2011, 4, 1, 12, 0, tzinfo=TOKYO).replace(tzinfo=None)
    with pytest.raises(ValueError, match="Naive datetime"):
        fiscal_year(naive)


def test_today_tokyo_is_the_date_in_tokyo() -> None:
    before = datetime.now(TOKYO).date()
    assert before <= today_tokyo() <= datetime.now(TOKYO).date()


# --- FiscalPeriod -------------------------------------------------------------


def test_fiscal_period_knows_its_first_and_last_day() -> None:
    period = FiscalPeriod(2005, 2009)
    assert period.start == date(2005, 4, 1)
    assert period.end == date(2010, 3, 31)
    assert period.day_after_end == date(2010, 4, 1)
    assert list(period.fiscal_years) == [2005, 2006, 2007, 2008, 2009]


def test_fiscal_period_contains_its_edges_and_nothing_outside() -> None:
    period = FiscalPeriod(2005, 2009)
    assert period.contains(date(2005, 4, 1))
    assert period.contains(date(2010, 3, 31))
    assert not period.contains(date(2005, 3, 31))
    assert not period.contains(date(2010, 4, 1))


def test_fiscal_period_of_a_single_year_is_allowed() -> None:
    assert FiscalPeriod(2010, 2010).label() == _brackets("平成22年度(2010年度)")


def test_fiscal_period_rejects_first_year_after_last() -> None:
    with pytest.raises(ValueError):
        FiscalPeriod(2010, 2009)


def test_fiscal_period_is_frozen() -> None:
    period = FiscalPeriod(2010, 2014)
    with pytest.raises(AttributeError):
        period.first_fy = 2011  # type: ignore[misc]


# --- Eras -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "short", "year"),
    [
        (date(1912, 7, 29), "明治", 45),
        (date(1912, 7, 30), "大正", 1),
        (date(1926, 12, 24), "大正", 15),
        (date(1926, 12, 25), "昭和", 1),
        (date(1989, 1, 7), "昭和", 64),
        (date(1989, 1, 8), "平成", 1),
        (date(2019, 4, 30), "平成", 31),
        (date(2019, 5, 1), "令和", 1),
    ],
)
def test_era_boundaries_fall_on_the_right_day(day: date, short: str, year: int) -> None:
    era, era_year = wareki_year(day)
    assert (era.short, era_year) == (short, year)
    assert era_of(day) is era


def test_eras_are_in_order_and_each_ends_the_day_before_the_next() -> None:
    for earlier, later in itertools.pairwise(ERAS):
        assert earlier.end == later.start - timedelta(days=1)
    assert ERAS[-1].end is None


def test_meiji_starts_on_1868_10_23() -> None:
    assert era_of(date(1868, 10, 23)).letter == "M"


def test_dates_before_meiji_are_rejected() -> None:
    with pytest.raises(ValueError, match="before the Meiji era"):
        era_of(date(1868, 10, 22))


# --- Formatting ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "long", "short"),
    [
        (date(2025, 4, 1), "令和7年4月1日", "R7.4.1"),
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (date(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
        (date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (date(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
    ],
)
def test_format_wareki_long_and_short(day: date, long: str, short: str) -> None:
    assert format_wareki(day) == long
    assert format_wareki(day, style="short") == short


def test_format_wareki_rejects_unknown_style() -> None:
    with pytest.raises(ValueError):
        format_wareki(date(2025, 4, 1), style="medium")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (2010, "平成22年度"),
        (1988, "昭和63年度"),  # April 1988 was Showa
        (1989, "平成元年度"),  # April 1989 was Heisei
        (2018, "平成30年度"),
        (2019, "令和元年度"),  # renamed although April 2019 was still Heisei
        (2020, "令和2年度"),
        (1912, "明治45年度"),
        (1926, "大正15年度"),
    ],
)
def test_fiscal_year_is_named_by_its_era(fy: int, expected: str) -> None:
    assert format_wareki_fiscal_year(fy) == expected


def test_fiscal_year_2019_can_be_written_heisei_31() -> None:
    assert format_wareki_fiscal_year(2019, heisei31=True) == "平成31年度"
    assert format_wareki_fiscal_year(2020, heisei31=True) == "令和2年度"


def test_format_fiscal_year_in_japanese_and_english() -> None:
    assert format_fiscal_year(2010) == _brackets("平成22年度(2010年度)")
    assert format_fiscal_year(2010, "en") == "FY2010"


@pytest.mark.parametrize(
    ("first", "last", "ja", "en"),
    [
        (2010, 2014, _brackets("平成22〜26年度(2010〜2014年度)"), "FY2010\u20132014"),
        (2017, 2021, _brackets("平成29年度〜令和3年度(2017〜2021年度)"), "FY2017\u20132021"),
        (2019, 2023, _brackets("令和元〜5年度(2019〜2023年度)"), "FY2019\u20132023"),
        (2015, 2019, _brackets("平成27年度〜令和元年度(2015〜2019年度)"), "FY2015\u20132019"),
        (2010, 2010, _brackets("平成22年度(2010年度)"), "FY2010"),
    ],
)
def test_format_period(first: int, last: int, ja: str, en: str) -> None:
    assert format_period(first, last, "ja") == ja
    assert format_period(first, last, "en") == en
    assert FiscalPeriod(first, last).label("en") == en


def test_format_period_rejects_reversed_years() -> None:
    with pytest.raises(ValueError):
        format_period(2014, 2010, "ja")


# --- Parsing dates --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和7年4月1日", date(2025, 4, 1)),
        ("昭和15年3月2日", date(1940, 3, 2)),
        ("平成22年4月1日", date(2010, 4, 1)),
        ("R7.4.1", date(2025, 4, 1)),
        ("r7.4.1", date(2025, 4, 1)),
        ("H22/4/1", date(2010, 4, 1)),
        ("H22-4-1", date(2010, 4, 1)),
        ("S64.1.7", date(1989, 1, 7)),
        ("H1.1.8", date(1989, 1, 8)),
        ("R1.5.1", date(2019, 5, 1)),
        ("令和7.4.1", date(2025, 4, 1)),
        ("2025-04-01", date(2025, 4, 1)),
        ("2025/4/1", date(2025, 4, 1)),
        ("2025年4月1日", date(2025, 4, 1)),
        ("20250401", date(2025, 4, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("明治45年7月29日", date(1912, 7, 29)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("H元.1.8", date(1989, 1, 8)),
    ],
)
def test_parse_date_accepts_office_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        _fw("令和7年4月1日"),  # full-width digits
        _fw("R7.4.1"),  # full-width letter and dots
        _fw("r7/4/1"),
        _fw("2025-04-01"),
        " 令和 7年 4月 1日 ",  # stray spaces
        "令和\u30007年4月1日",  # ideographic space
        "㋿7年4月1日",  # the Reiwa ligature
        "令7.4.1",  # one-kanji abbreviation
        "2025\u221204\u221201",  # minus sign instead of hyphen
        _fw("令和7年4月1日(火)"),  # weekday in brackets
        "2025/4/1(火曜日)",
    ],
)
def test_parse_date_normalises_what_people_type(text: str) -> None:
    assert parse_date(text) == date(2025, 4, 1)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "garbage", "令和", "R7", "R7.4", "2025-4", "X7.4.1", "Q1.1.1", "2025.4/1", "R7.1x"],
)
def test_parse_date_rejects_unreadable_text(text: str) -> None:
    with pytest.raises(ValueError, match=r"日付を読み取れません.*Cannot read the date"):
        parse_date(text)


@pytest.mark.parametrize(
    "text", ["2025-13-01", "2025-04-32", "2025-02-30", "R7.13.1", "令和7年2月30日", "20250230"]
)
def test_parse_date_rejects_impossible_days(text: str) -> None:
    with pytest.raises(ValueError, match=r"存在しない日付です.*No such date"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成31年5月1日", "Heisei era ended on 2019-04-30"),
        ("昭和64年1月8日", "Showa era ended on 1989-01-07"),
        ("H32.1.1", "Heisei era ended"),
        ("令和1年4月30日", "Reiwa era began on 2019-05-01"),
        ("平成元年1月7日", "Heisei era began on 1989-01-08"),
        ("令和0年5月1日", "no Reiwa year 0"),
        ("H0.1.8", "no Heisei year 0"),
    ],
)
def test_parse_date_rejects_dates_outside_their_era(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(text)


def test_era_end_message_is_in_japanese_too() -> None:
    with pytest.raises(ValueError, match="平成は2019年4月30日に終わりました"):
        parse_date("平成31年5月1日")


def test_parse_date_rejects_a_wrong_weekday() -> None:
    with pytest.raises(ValueError, match="Weekday does not match"):
        parse_date(_fw("令和7年4月1日(水)"))


# --- Parsing fiscal years -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成22年度", 2010),
        ("令和元年度", 2019),
        ("H22年度", 2010),
        ("FY2010", 2010),
        ("fy2010", 2010),
        ("2010年度", 2010),
        ("2010", 2010),
        ("R7", 2025),
        ("令和7年度", 2025),
        ("平成31年度", 2019),  # exists in practice
        ("昭和63年度", 1988),
        ("平成元年度", 1989),
        (_fw("FY2010"), 2010),
        (" 平成 22 年度 ", 2010),
    ],
)
def test_parse_fiscal_year_accepts_office_forms(text: str, expected: int) -> None:
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize("text", ["", "garbage", "年度", "FY", "FY10", "201", "2010年", "X7"])
def test_parse_fiscal_year_rejects_unreadable_text(text: str) -> None:
    with pytest.raises(ValueError, match=r"年度を読み取れません.*Cannot read the fiscal year"):
        parse_fiscal_year(text)


@pytest.mark.parametrize("text", ["平成32年度", "昭和64年度", "大正16年度"])
def test_parse_fiscal_year_rejects_years_an_era_never_had(text: str) -> None:
    with pytest.raises(ValueError, match="has no such fiscal year"):
        parse_fiscal_year(text)


def test_parse_fiscal_year_rejects_year_zero() -> None:
    with pytest.raises(ValueError, match="no Reiwa year 0"):
        parse_fiscal_year("令和0年度")


@pytest.mark.parametrize("fy", [1912, 1926, 1988, 1989, 2010, 2018, 2019, 2020, 2025])
def test_fiscal_year_names_read_back(fy: int) -> None:
    assert parse_fiscal_year(format_wareki_fiscal_year(fy)) == fy
    assert parse_fiscal_year(format_wareki_fiscal_year(fy, heisei31=True)) == fy
    assert parse_fiscal_year(format_fiscal_year(fy, "en")) == fy


# --- Properties -------------------------------------------------------------------

_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(_dates)
def test_long_wareki_reads_back_to_the_same_date(d: date) -> None:
    assert parse_date(format_wareki(d)) == d


@given(_dates)
def test_short_wareki_reads_back_to_the_same_date(d: date) -> None:
    assert parse_date(format_wareki(d, style="short")) == d


@given(_dates)
def test_iso_dates_read_back(d: date) -> None:
    assert parse_date(d.isoformat()) == d


@given(_dates)
def test_every_date_lies_in_its_fiscal_year(d: date) -> None:
    first, last = fiscal_year_range(fiscal_year(d))
    assert first <= d <= last
