"""Normalisation the roster import relies on (care/kana.py additions) and the town lookup."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ainet.care import kana
from ainet.care.kana import address_key, kana_key, tidy, town_keys
from ainet.care.roster import TownIndex
from ainet.core.models import Town
from tests.conftest import World


def test_tidy_keeps_variant_kanji_but_normalises_width_and_spaces() -> None:
    assert tidy(" 髙橋　 ﾊﾅｺ  １２３ ") == "髙橋 ハナコ 123"


@pytest.mark.parametrize(
    "written",
    ["矢向一丁目2番3号", "矢向1丁目2-3", "矢向１－２－３", "矢向 1丁目 2番 3号", "矢向1ー2ー3"],
)
def test_chome_written_any_way_gives_one_key(written: str) -> None:
    assert address_key(written) == "矢向1-2-3"


def test_town_keys_cover_the_chome_with_and_without_a_house_number() -> None:
    assert town_keys("矢向一丁目") == ("矢向1丁目", "矢向1-")
    assert town_keys("江ヶ崎町") == ("江ケ崎町",)


def test_variant_kanji_in_kana_fields_do_not_matter() -> None:
    assert kana_key("ﾀｶﾊｼ ｲﾁﾛｰ") == kana_key("たかはし　いちろー")


@pytest.mark.parametrize(
    ("address", "town"),
    [
        ("横浜市鶴見区矢向一丁目2番3号", "矢向一丁目"),
        ("神奈川県横浜市鶴見区矢向1-2-3", "矢向一丁目"),
        ("鶴見区鶴見中央一丁目1番1号", "鶴見中央一丁目"),
        ("横浜市鶴見区鶴見1-1-1", "鶴見一丁目"),
        ("横浜市鶴見区江ヶ崎町4-5", "江ケ崎町"),
        ("横浜市鶴見区市場上町5-6", "市場上町"),
        ("横浜市鶴見区北寺尾7丁目", "北寺尾七丁目"),
    ],
)
def test_the_town_block_is_found_in_the_address(world: World, address: str, town: str) -> None:
    index = TownIndex(world.ward, Town.objects.filter(municipality=world.ward))
    found = index.find(address_key(address))
    assert found is not None and found.name == town


def test_an_address_outside_the_ward_finds_no_town(world: World) -> None:
    index = TownIndex(world.ward, Town.objects.filter(municipality=world.ward))
    assert index.find(address_key("東京都千代田区千代田1-1")) is None


# The regular-expression forms tidy, normalise and address_key had before they were made
# faster; the fast forms must give the same keys, or stored match keys would stop matching.
_SPACES = re.compile(r"[\s\u3000]+")


def _reference_normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(kana._VARIANTS)
    return _SPACES.sub(" ", text).strip()


def _reference_tidy(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()


def _reference_address_key(text: str) -> str:
    text = _reference_normalise(text).replace(" ", "")
    text = kana._CHOME.sub(lambda m: f"{kana._kanji_number(m.group(1))}丁目", text)
    text = text.replace("ヶ", "ケ").replace("ヵ", "ケ")
    text = kana._DASHES.sub("-", text)
    text = re.sub(r"(\d)丁目(\d)", r"\1-\2", text)
    text = re.sub(r"(\d)番地?(\d)", r"\1-\2", text)
    text = re.sub(r"(\d)号(\d)", r"\1-\2", text)
    return re.sub(r"(\d)(?:番地?|号)$", r"\1", text)


_PIECES = [
    *"0123456789０１２ \u3000\t\n-ー－‐ｰ―一二三四五六七八九十〇矢向ヶヵケ髙﨑濵邊ｱｲｳ①",
    *("丁目", "番", "番地", "号", "\u2028", "\x1c", "\xa0"),
]
_ADDRESS_TEXT = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@given(text=st.one_of(_ADDRESS_TEXT, st.text(max_size=40)))
@settings(max_examples=400, deadline=None)
def test_fast_normalisation_gives_the_keys_the_regular_expressions_gave(text: str) -> None:
    assert tidy(text) == _reference_tidy(text)
    assert kana.normalise(text) == _reference_normalise(text)
    assert address_key(text) == _reference_address_key(text)


def test_split_splits_on_exactly_the_spaces_the_old_pattern_matched() -> None:
    characters = [chr(c) for c in range(0x3100)]
    assert [c for c in characters if c.isspace()] == [c for c in characters if _SPACES.match(c)]
