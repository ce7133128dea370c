"""Reading roster files: encodings, header variants, per-cell checks and hostile input.
`parse_roster` needs no database."""

from __future__ import annotations

import datetime
import time

import pytest

from ainet.care.models import Basis, HouseholdType, Sex
from ainet.care.roster import RosterInputError, parse_roster
from tests.care.roster_files import HEADER, roster_bytes, row


def test_utf8_with_and_without_bom_and_cp932_read_the_same() -> None:
    rows = [row(), row(number="1000002", name="髙橋 太郎", kana="タカハシ タロウ")]
    parsed = {enc: parse_roster(roster_bytes(rows, enc)) for enc in ("utf-8-sig", "utf-8", "cp932")}
    assert parsed["utf-8-sig"].encoding == "utf-8-sig"
    assert parsed["utf-8"].encoding == "utf-8"
    assert parsed["cp932"].encoding == "cp932"
    names = {enc: [r.name for r in p.rows] for enc, p in parsed.items()}
    assert names["utf-8-sig"] == names["utf-8"] == names["cp932"] == ["鈴木 花子", "髙橋 太郎"]


def test_values_are_typed_and_tidied() -> None:
    parsed = parse_roster(
        roster_bytes(
            [
                row(
                    number="１０００００１",
                    kana="ｽｽﾞｷ　ﾊﾅｺ",
                    born="S15.4.1",
                    postal="〒2300001",
                    address="横浜市鶴見区矢向１－２－３",
                    phone="０４５－０００－０００１",
                )
            ]
        )
    )
    assert parsed.errors == []
    (r,) = parsed.rows
    assert r.resident_number == "1000001"
    assert r.name_kana == "スズキ ハナコ"
    assert r.birth_date == datetime.date(1940, 4, 1)
    assert r.postal_code == "230-0001"
    assert r.address == "横浜市鶴見区矢向1-2-3"
    assert r.phone == "045-000-0001"
    assert r.sex == Sex.FEMALE
    assert r.household_type == HouseholdType.LIVING_ALONE
    assert r.basis == Basis.CONSENT
    assert r.consent_on == datetime.date(2023, 4, 1)
    assert r.match_kana == "すずきはなこ"


def test_variant_kanji_are_kept_as_written() -> None:
    (r,) = parse_roster(roster_bytes([row(name="髙橋 﨑子")])).rows
    assert r.name == "髙橋 﨑子"


@pytest.mark.parametrize(
    "header",
    [
        [
            "宛名 番号",
            "氏　名",
            "フリガナ",
            "生年月日",
            "性別",
            "郵便番号",
            "住所",
            "方書き",
            "電話",
            "世帯",
            "要援護理由",
            "同意区分",
            "同意年月日",
        ],
        [
            "宛名番号",
            "氏名（漢字）",
            "氏名（カナ）",
            "生年月日",
            "性別",
            "〒",
            "現住所",
            "建物名",
            "TEL",
            "世帯区分",
            "支援理由",
            "同意",
            "同意日",
        ],
        [
            "ｱﾃﾅ番号",
            "氏名",
            "ｶﾅ氏名",
            "生年月日",
            "性別",
            "郵便番号",
            "住所",
            "方書",
            "電話番号",
            "世帯区分",
            "要援護理由",
            "同意区分",
            "同意日",
        ],
    ],
)
def test_header_variants_ward_systems_export(header: list[str]) -> None:
    parsed = parse_roster(roster_bytes([row()], header=header))
    assert parsed.errors == []
    assert {"name", "name_kana", "birth_date", "address", "basis"} <= parsed.columns
    assert parsed.rows[0].name_kana == "スズキ ハナコ"


def test_unknown_columns_are_ignored_and_reported() -> None:
    parsed = parse_roster(roster_bytes([[*row(), "x"]], header=[*HEADER, "備考"]))
    assert parsed.errors == []
    assert parsed.ignored_headers == ["備考"]


def test_optional_columns_may_be_absent() -> None:
    header = ["氏名", "氏名カナ", "生年月日", "住所", "同意区分", "同意日"]
    parsed = parse_roster(
        roster_bytes(
            [["鈴木 花子", "スズキ ハナコ", "1940-04-01", "鶴見区矢向1-2-3", "同意", "2023-04-01"]],
            header=header,
        )
    )
    assert parsed.errors == []
    assert "phone" not in parsed.columns


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00\x00garbage\x81", "decode"),
        (b"PK\x03\x04rest-of-an-xlsx", "Excel"),
        (
            "宛名番号,氏名\r\n1,鈴木\r\n".encode(),
            "Required columns are missing: 氏名カナ, 生年月日, 住所, 同意区分",
        ),
        (b"a,b,c\r\n1,2,3\r\n", "not a roster CSV"),
        ("氏名,氏名カナ,生年月日,住所,同意区分,名前\r\n".encode(), "Two columns are headed 氏名"),
        ("氏名,氏名カナ\x00,生年月日,住所,同意区分\r\n".encode(), "NUL"),
    ],
)
def test_unusable_input_raises_the_module_error(data: bytes, fragment: str) -> None:
    with pytest.raises(RosterInputError) as caught:
        parse_roster(data)
    assert fragment in str(caught.value)
    assert caught.value.ja and caught.value.en


def test_undecodable_bytes_in_an_otherwise_cp932_file() -> None:
    data = roster_bytes([row()], "cp932") + b"\x81\x7f\xff,\r\n"
    with pytest.raises(RosterInputError, match="Cannot decode"):
        parse_roster(data)


def _messages(data: bytes) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in parse_roster(data).errors]


def test_impossible_dates_are_row_errors_with_row_and_column() -> None:
    problems = _messages(
        roster_bytes(
            [row(), row(number="2", born="平成31年5月1日"), row(number="3", born="2023-02-30")]
        )
    )
    assert [(r, c) for r, c, _m in problems] == [(3, "生年月日"), (4, "生年月日")]
    assert "平成" in problems[0][2] and "Heisei" in problems[0][2]
    assert "No such date" in problems[1][2]


def test_every_problem_of_a_row_is_reported_in_japanese_and_english() -> None:
    problems = _messages(
        roster_bytes(
            [row(name="", kana="Suzuki", sex="?", postal="12", phone="call me", basis="たぶん")]
        )
    )
    columns = [c for _r, c, _m in problems]
    assert columns == ["氏名", "氏名カナ", "性別", "郵便番号", "電話番号", "同意区分"]
    assert all(" / " in m for _r, _c, m in problems)


def test_consent_needs_its_date_and_refusal_keeps_the_request_date() -> None:
    parsed = parse_roster(
        roster_bytes([row(consent_on=""), row(number="2", basis="提供拒否", consent_on="R6.1.10")])
    )
    assert [(p.row, p.column) for p in parsed.errors] == [(2, "同意日")]
    (refused,) = parsed.rows
    assert refused.basis == Basis.OPT_OUT
    assert refused.removal_requested_on == datetime.date(2024, 1, 10)
    assert refused.consent_on is None


@pytest.mark.parametrize(
    ("word", "basis"),
    [
        ("同意", Basis.CONSENT),
        ("手上げ", Basis.HAND_RAISED),
        ("情報共有", Basis.OPT_OUT),
        ("見守り事業", Basis.WATCH_PROGRAMME),
        ("区のみ", Basis.WARD_ONLY),
        ("ward_only", Basis.WARD_ONLY),
    ],
)
def test_consent_category_maps_to_the_legal_basis(word: str, basis: Basis) -> None:
    (r,) = parse_roster(roster_bytes([row(basis=word)])).rows
    assert r.basis == basis


def test_ragged_rows_are_row_errors() -> None:
    short = row()[:5]
    long = [*row(number="3"), "extra"]
    trailing_blank = [*row(number="4"), ""]
    problems = _messages(roster_bytes([short, long, trailing_blank]))
    assert [(r, c) for r, c, _m in problems] == [(2, ""), (3, "")]
    assert "5 cells but the header has 13" in problems[0][2]


def test_blank_lines_are_skipped_but_still_counted() -> None:
    parsed = parse_roster(roster_bytes([[""] * 13, row(born="bad")]))
    assert [(p.row, p.column) for p in parsed.errors] == [(3, "生年月日")]


def test_formula_cells_are_stored_as_text() -> None:
    formula = '=HYPERLINK("http://example.invalid","click")'
    (r,) = parse_roster(roster_bytes([row(name=formula, reason="+SUM(1,2)")])).rows
    assert r.name == formula
    assert r.reason == "+SUM(1,2)"


def test_a_ten_megabyte_field_is_a_row_error_and_does_not_hang() -> None:
    data = roster_bytes([row(), row(number="2", address="横" * 10_000_000), row(number="3")])
    started = time.monotonic()
    parsed = parse_roster(data)
    assert time.monotonic() - started < 10
    assert [(p.row, p.column) for p in parsed.errors] == [(3, "")]
    assert "field larger than field limit" in parsed.errors[0].message


def test_a_long_field_under_the_csv_limit_is_a_length_error() -> None:
    problems = _messages(roster_bytes([row(address="横" * 301)]))
    assert problems == [(2, "住所", "300 文字を超えています / longer than 300 characters")]


def test_the_same_resident_number_twice_is_a_row_error() -> None:
    problems = _messages(roster_bytes([row(), row(name="別人")]))
    assert problems == [
        (
            3,
            "宛名番号",
            "宛名番号 1000001 は 2 行目にもあります / resident number 1000001 is also on row 2",
        )
    ]


def test_future_birth_dates_are_refused() -> None:
    problems = _messages(roster_bytes([row(born="2999-01-01")]))
    assert [(r, c) for r, c, _m in problems] == [(2, "生年月日")]


def test_multi_line_cells_count_as_one_row() -> None:
    problems = _messages(roster_bytes([row(detail="コーポ\n101"), row(number="2", born="x")]))
    assert [(r, c) for r, c, _m in problems] == [(3, "生年月日")]


def test_tab_separated_export_is_read() -> None:
    text = "\t".join(HEADER) + "\r\n" + "\t".join(row()) + "\r\n"
    parsed = parse_roster(text.encode("cp932"))
    assert parsed.errors == [] and len(parsed.rows) == 1


def test_a_repeated_value_is_checked_for_every_row_it_is_on() -> None:
    # The parser works out each distinct cell once per file; every row still gets its error.
    rows = [
        row(number=str(n), born="平成31年5月1日", sex="?", consent_on="令和5年4月1日")
        for n in (1, 2, 3)
    ]
    problems = _messages(roster_bytes(rows))
    assert [(r, c) for r, c, _m in problems] == [
        (r, c) for r in (2, 3, 4) for c in ("生年月日", "性別")
    ]
    assert len({m for r, c, m in problems if c == "生年月日"}) == 1
    parsed = parse_roster(roster_bytes([row(number="1"), row(number="2")]))
    first, second = parsed.rows
    assert (first.birth_date, first.match_kana, first.match_address) == (
        second.birth_date,
        second.match_kana,
        second.match_address,
    )
    assert first.match_address == "横浜市鶴見区矢向1-2-3"
