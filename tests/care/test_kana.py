from __future__ import annotations

import pytest

from ainet.care.kana import address_key, kana_key, normalise


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ｽｽﾞｷ ﾊﾅｺ", "すずき　はなこ"),
        ("タカハシ　タロウ", "たかはしたろう"),
        ("ヤマダ  イチロー", "やまだいちろー"),
    ],
)
def test_kana_written_differently_matches(a: str, b: str) -> None:
    assert kana_key(a) == kana_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("鶴見区矢向一丁目２番３号", "鶴見区矢向1丁目2-3"),
        ("鶴見区江ヶ崎町 ４－５", "鶴見区江ケ崎町4-5"),
        ("鶴見区豊岡町１２番地の", "鶴見区豊岡町12番地の"),
        ("鶴見区市場東中町１０ー１", "鶴見区市場東中町10-1"),
        ("鶴見区下末吉二丁目１番１号", "鶴見区下末吉2丁目1-1"),
    ],
)
def test_addresses_written_differently_match(a: str, b: str) -> None:
    assert address_key(a) == address_key(b)


def test_variant_kanji_fold() -> None:
    assert normalise("髙橋") == normalise("高橋")
    assert normalise("濵田") == "浜田"


def test_different_people_stay_different() -> None:
    assert kana_key("すずき はなこ") != kana_key("すずき はるこ")
    assert address_key("矢向1丁目2-3") != address_key("矢向1丁目2-4")


def test_twenty_three_chome() -> None:
    assert address_key("二十三丁目") == "23丁目"
    assert address_key("十丁目") == "10丁目"
