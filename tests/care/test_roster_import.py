"""Matching roster rows to people, the diff and applying it all-or-nothing (`import_roster`)."""

from __future__ import annotations

import datetime

import pytest

from ainet.care.kana import address_key, kana_key
from ainet.care.models import Basis, ConsentEvent, ConsentEventKind, ListEntry, ListKind, Person
from ainet.care.roster import RosterInputError, import_roster, parse_roster, plan_roster
from ainet.core.dates import today_tokyo
from ainet.core.models import AuditEvent, Town
from tests.care.roster_files import roster_bytes, row
from tests.conftest import World

EVAC = ListKind.EVACUATION


def _import(world: World, rows: list[list[str]], **kwargs: object) -> dict[str, object]:
    return import_roster(
        world.users["ward_admin"],
        world.ward,
        kwargs.pop("list_kind", EVAC),
        roster_bytes(rows),
        **kwargs,  # type: ignore[arg-type]
    )


def _person(world: World, name: str = "鈴木 花子", **fields: object) -> Person:
    values: dict[str, object] = {
        "name_kana": "スズキ ハナコ",
        "birth_date": datetime.date(1940, 4, 1),
        "address": "横浜市鶴見区矢向一丁目2番3号",
        **fields,
    }
    person = Person.objects.create(
        municipality=world.ward,
        name=name,
        match_kana=kana_key(str(values["name_kana"])),
        match_address=address_key(str(values["address"])),
        **values,
    )
    return person


def test_new_rows_create_people_with_town_district_point_and_match_keys(world: World) -> None:
    report = _import(
        world,
        [
            row(),
            row(
                number="2",
                name="髙橋 太郎",
                kana="タカハシ タロウ",
                address="横浜市鶴見区市場上町5-6",
                basis="手上げ",
                consent_on="",
            ),
        ],
    )
    assert report["new"] == 2 and report["errors"] == [] and report["applied"] is True
    suzuki = Person.objects.get(resident_number="1000001")
    town = Town.objects.get(municipality=world.ward, name="矢向一丁目")
    assert suzuki.town == town and suzuki.district == world.district_a
    assert (suzuki.lat, suzuki.lng) == (town.lat, town.lng)
    assert suzuki.match_kana == "すずきはなこ"
    assert suzuki.match_address == "横浜市鶴見区矢向1-2-3"
    takahashi = Person.objects.get(resident_number="2")
    assert takahashi.district == world.district_b
    entry = ListEntry.objects.get(person=suzuki, list_kind=EVAC)
    assert entry.basis == Basis.CONSENT and entry.consent_on == datetime.date(2023, 4, 1)
    assert entry.joined_on == today_tokyo() and entry.left_on is None
    assert entry.reason == "ひとり暮らし高齢者"
    assert ConsentEvent.objects.filter(person=suzuki, kind=ConsentEventKind.ADDED).count() == 1
    assert ListEntry.objects.get(person=takahashi).basis == Basis.HAND_RAISED


def test_the_longest_town_name_wins(world: World) -> None:
    _import(world, [row(address="横浜市鶴見区鶴見中央一丁目1番1号")])
    assert Person.objects.get().town.name == "鶴見中央一丁目"  # type: ignore[union-attr]


def test_an_address_without_a_town_block_imports_with_a_warning(world: World) -> None:
    report = _import(world, [row(address="東京都千代田区千代田1-1")])
    assert report["new"] == 1
    assert report["warnings"][0]["column"] == "住所"  # type: ignore[index]
    assert Person.objects.get().district is None


def test_matching_by_resident_number_updates_the_person(world: World) -> None:
    person = _person(world, resident_number="1000001", phone="045-999-9999")
    ListEntry.objects.create(
        person=person,
        list_kind=EVAC,
        basis=Basis.CONSENT,
        consent_on=datetime.date(2023, 4, 1),
        joined_on=datetime.date(2020, 1, 1),
        reason="ひとり暮らし高齢者",
    )
    report = _import(world, [row(kana="スズキ ハナ")])
    assert (report["new"], report["changed"], report["unchanged"]) == (0, 1, 0)
    person.refresh_from_db()
    assert person.phone == "045-000-0001"
    assert person.name_kana == "スズキ ハナ" and person.match_kana == "すずきはな"
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "kana", "address"),
    [
        ("高橋 一郎", "タカハシ イチロウ", "横浜市鶴見区矢向一丁目2番3号"),
        ("髙橋 一郎", "ﾀｶﾊｼ ｲﾁﾛｳ", "横浜市鶴見区矢向１－２－３"),
        ("髙橋　一郎", "たかはし　いちろう", "横浜市 鶴見区 矢向1丁目2-3"),
    ],
)
def test_matching_without_a_number_tolerates_variants_and_spacing(
    world: World, name: str, kana: str, address: str
) -> None:
    person = _person(world, name="髙橋 一郎", name_kana="タカハシ イチロウ")
    report = _import(world, [row(number="", name=name, kana=kana, address=address)])
    assert report["new"] == 1  # new on the list, but the same person
    assert Person.objects.count() == 1
    assert ListEntry.objects.get().person == person


def test_a_different_resident_number_is_a_different_person(world: World) -> None:
    _person(world, resident_number="999")
    _import(world, [row(number="1000001")])
    assert Person.objects.count() == 2


def test_a_number_fills_in_for_a_person_matched_by_identity(world: World) -> None:
    person = _person(world)
    _import(world, [row(number="1000001")])
    person.refresh_from_db()
    assert person.resident_number == "1000001"


def test_diff_kinds_new_changed_moved_removed_unchanged(world: World) -> None:
    first = [
        row(number="1"),
        row(number="2", name="佐藤 次郎", kana="サトウ ジロウ"),
        row(number="3", name="田中 三郎", kana="タナカ サブロウ"),
        row(number="4", name="山田 四郎", kana="ヤマダ シロウ"),
    ]
    _import(world, first)
    second = [
        row(number="1"),  # unchanged
        row(number="2", name="佐藤 次郎", kana="サトウ ジロウ", phone="045-111-1111"),  # changed
        row(
            number="3", name="田中 三郎", kana="タナカ サブロウ", address="横浜市鶴見区市場上町1-1"
        ),  # moved
        row(number="5", name="伊藤 五郎", kana="イトウ ゴロウ"),  # new
    ]  # 4 is no longer on the list
    parsed = parse_roster(roster_bytes(second))
    plan = plan_roster(world.ward, EVAC, parsed)
    by_row = {c.row: c for c in plan.changes}
    assert by_row[2].kind == "unchanged"
    assert by_row[3].kind == "changed" and by_row[3].fields == ["phone"]
    assert by_row[4].kind == "changed" and by_row[4].moved
    assert {"address", "town_id", "district_id", "lat", "lng"} <= set(by_row[4].fields)
    assert by_row[5].kind == "new"
    assert [r.name for r in plan.removals] == ["山田 四郎"]
    report = _import(world, second)
    assert {k: report[k] for k in ("new", "changed", "removed", "unchanged", "moved")} == {
        "new": 1,
        "changed": 2,
        "removed": 1,
        "unchanged": 1,
        "moved": 1,
    }
    yamada = Person.objects.get(resident_number="4")
    entry = ListEntry.objects.get(person=yamada)
    assert entry.left_on == today_tokyo()  # left the list, not deleted
    assert ConsentEvent.objects.filter(person=yamada, kind=ConsentEventKind.REMOVED).exists()
    tanaka = Person.objects.get(resident_number="3")
    assert tanaka.district == world.district_b
    assert _import(world, second)["unchanged"] == 4


def test_the_other_list_is_left_alone(world: World) -> None:
    _import(world, [row(number="1"), row(number="2", name="佐藤 次郎", kana="サトウ ジロウ")])
    report = _import(
        world, [row(number="1", basis="見守り事業", consent_on="")], list_kind=ListKind.WATCH
    )
    assert report["removed"] == 0
    assert ListEntry.objects.filter(list_kind=EVAC, left_on__isnull=True).count() == 2


def test_basis_changes_write_consent_events(world: World) -> None:
    _import(world, [row(basis="情報共有", consent_on="")])
    _import(world, [row(basis="同意", consent_on="R6.4.1")])
    _import(world, [row(basis="提供拒否", consent_on="R6.6.1")])
    person = Person.objects.get()
    kinds = list(
        ConsentEvent.objects.filter(person=person)
        .order_by("recorded_at", "id")
        .values_list("kind", "on")
    )
    assert kinds == [
        (ConsentEventKind.ADDED, today_tokyo()),
        (ConsentEventKind.CONSENT_GIVEN, datetime.date(2024, 4, 1)),
        (ConsentEventKind.REMOVAL_REQUESTED, datetime.date(2024, 6, 1)),
    ]
    entry = ListEntry.objects.get(person=person)
    assert entry.basis == Basis.OPT_OUT and entry.removal_requested_on == datetime.date(2024, 6, 1)


def test_invalid_rows_apply_nothing(world: World) -> None:
    _import(world, [row(number="1")])
    before = (Person.objects.count(), ListEntry.objects.count(), ConsentEvent.objects.count())
    report = _import(
        world,
        [
            row(number="2", name="佐藤 次郎", kana="サトウ ジロウ"),
            row(number="3", born="平成31年5月1日"),
        ],
    )
    assert report["applied"] is False
    assert report["errors"] == [
        {"row": 3, "column": "生年月日", "message": report["errors"][0]["message"]}
    ]  # type: ignore[index]
    assert (
        Person.objects.count(),
        ListEntry.objects.count(),
        ConsentEvent.objects.count(),
    ) == before
    assert ListEntry.objects.get().left_on is None


def test_a_dry_run_changes_nothing_but_reports_the_diff(world: World) -> None:
    report = _import(world, [row()], dry_run=True)
    assert report["new"] == 1 and report["applied"] is False
    assert Person.objects.count() == 0


def test_two_rows_for_one_person_are_a_duplicate_error(world: World) -> None:
    _person(world)
    report = _import(world, [row(number=""), row(number="", name="鈴木 花子（再掲）")])
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "")]  # type: ignore[index, union-attr]
    assert "duplicate row" in report["errors"][0]["message"]  # type: ignore[index]


def test_two_people_with_the_same_identity_need_a_number(world: World) -> None:
    _person(world)
    _person(world, name="鈴木 花子（同姓同名）")
    report = _import(world, [row(number="")])
    assert report["errors"][0]["column"] == "氏名カナ"  # type: ignore[index]


def test_every_import_is_audited(world: World) -> None:
    _import(world, [row()], dry_run=True)
    _import(world, [row()])
    actions = list(
        AuditEvent.objects.filter(action__startswith="roster.")
        .values_list("action", flat=True)
        .order_by("id")
    )
    assert actions == ["roster.preview", "roster.import"]
    event = AuditEvent.objects.get(action="roster.import")
    assert event.details["new"] == 1 and event.actor == world.users["ward_admin"]


def test_an_unknown_list_is_unusable_input(world: World) -> None:
    with pytest.raises(RosterInputError):
        _import(world, [row()], list_kind="nonsense")


def test_no_query_per_row(world: World) -> None:
    # Set-based: a few queries per key kind and per bulk batch (SQLite caps a batch at 999
    # parameters, about 30 people), never one per row.
    rows = [
        row(
            number=str(n),
            name=f"人 {n}",
            kana="テスト",
            born=f"1940-01-{n % 28 + 1:02d}",
            address=f"横浜市鶴見区矢向1-{n}-1",
        )
        for n in range(1, 301)
    ]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _import(world, rows[:30])
    with CaptureQueriesContext(connection) as captured:
        report = _import(world, rows)
    assert (report["new"], report["unchanged"]) == (270, 30)
    assert len(captured) < len(rows) // 10


def test_many_new_people_get_their_own_entries_and_history(world: World) -> None:
    # The bulk insert hands out the new people's ids (SQLite: above the old maximum;
    # PostgreSQL: from the sequence, then COPY); each entry and event must be its own row's.
    rows = [
        row(number=f"9{n:04d}", name=f"新規 {n}", reason=f"理由{n}", consent_on=f"2024-01-{n:02d}")
        for n in range(1, 26)
    ]
    report = _import(world, rows)
    assert report["new"] == 25 and report["applied"] is True
    for n in range(1, 26):
        person = Person.objects.get(resident_number=f"9{n:04d}")
        assert person.name == f"新規 {n}" and person.match_kana == "すずきはなこ"
        entry = ListEntry.objects.get(person=person, list_kind=EVAC)
        assert entry.reason == f"理由{n}" and entry.consent_on == datetime.date(2024, 1, n)
        event = ConsentEvent.objects.get(person=person)
        assert (event.kind, event.on) == (ConsentEventKind.ADDED, datetime.date(2024, 1, n))
        assert event.recorded_by == world.users["ward_admin"]
        assert person.created_at == person.updated_at == event.recorded_at
    # A later person still gets a fresh id from the table's own sequence.
    later = _person(world, name="後から")
    assert later.pk > max(Person.objects.exclude(pk=later.pk).values_list("pk", flat=True))


def test_a_column_prepares_each_distinct_value_once_and_alike() -> None:
    from decimal import Decimal

    from django.db import connection

    from ainet.care.roster import _db_column

    lat = Person._meta.get_field("lat")
    values = [Decimal("35.5"), None, Decimal("35.500000"), Decimal("35.5"), Decimal("1.25")]
    assert _db_column(lat, values) == [lat.get_db_prep_save(v, connection) for v in values]
    born = Person._meta.get_field("birth_date")
    dates = [datetime.date(1940, 4, 1), None, datetime.date(1940, 4, 1)]
    assert _db_column(born, dates) == [born.get_db_prep_save(v, connection) for v in dates]
    name = Person._meta.get_field("name")
    assert _db_column(name, ["a", "b"]) == ["a", "b"]


def test_the_collector_is_paused_for_an_import_and_restored_after() -> None:
    import gc

    from ainet.care.roster import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError), gc_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()
