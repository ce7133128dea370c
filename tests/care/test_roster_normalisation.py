"""Normalisation the roster import relies on (care/kana.py additions) and the town lookup."""

from __future__ import annotations

import pytest

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
