"""The whole-ward isolation figures (`care.isolation.analyse`) on edge cases: which ties count
(ended, not yet started, inactive supporter, the same pair twice), whose ties count (people off
every list, outside the user's scope, in another ward), supporters' loads, users who see
nobody, and agreement with the per-person counts of the people page and with the what-if."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from ainet.care import isolation
from ainet.care.models import ListEntry, Person, Supporter
from ainet.core.dates import today_tokyo
from ainet.core.models import District, Municipality, Town
from tests.care.concern_factories import person, supporter, tie
from tests.conftest import World

DAY = today_tokyo()
TOMORROW = DAY + datetime.timedelta(days=1)


@pytest.fixture
def tangle(world: World) -> dict[str, object]:
    """District A:
    - 一郎: minsei + neighbour, and a second active tie to the same neighbour (counts once);
    - 二郎: a tie that starts tomorrow (not yet active) → isolated;
    - 三郎: a tie that ended today (gone) and one that ends tomorrow (still active) → fragile;
    - 四郎: family, tie without a start date (active) → fragile;
    - 五郎: on no list any more (left), tied to the neighbour → not counted at all.
    District B:
    - 六郎: the district-A neighbour and a district-B volunteer → two ties."""
    a, b = world.district_a, world.district_b
    minsei = supporter(world, a, "民生 一", kind="minsei_iin")
    neighbour = supporter(world, a, "近所 一")
    family = supporter(world, a, "家族 一", kind="family")
    volunteer_b = supporter(world, b, "ボランティア 二", kind="volunteer")
    ichiro = person(world, a, "一郎")
    jiro = person(world, a, "二郎")
    saburo = person(world, a, "三郎")
    shiro = person(world, a, "四郎")
    goro = person(world, a, "五郎")
    rokuro = person(world, b, "六郎")
    tie(ichiro, minsei)
    tie(ichiro, neighbour)
    tie(ichiro, neighbour, since=datetime.date(2023, 5, 1))
    tie(jiro, minsei, since=TOMORROW)
    tie(saburo, minsei, ended_on=DAY)
    tie(saburo, neighbour, ended_on=TOMORROW)
    tie(shiro, family, since=None)
    ListEntry.objects.filter(person=goro).update(left_on=DAY)
    tie(goro, neighbour)
    tie(rokuro, neighbour)
    tie(rokuro, volunteer_b)
    return {"minsei": minsei, "neighbour": neighbour, "volunteer_b": volunteer_b}


def _district(result: isolation.WardAnalysis, district: District) -> isolation.Coverage:
    return next(c for c in result.coverage if c.district_id == district.pk)


def test_only_ties_in_force_with_active_supporters_count_once_per_pair(
    world: World, tangle: dict[str, object]
) -> None:
    result = isolation.analyse(world.users["ward_admin"], DAY)
    assert (result.listed, result.isolated, result.fragile) == (5, 1, 2)
    assert result.by_kind == {
        "minsei_iin": 1,
        "neighbour": 3,  # 一郎 (once), 三郎, 六郎
        "volunteer": 1,
        "association": 0,
        "care_plaza": 0,
        "family": 1,
        "company": 0,
    }
    assert result.people_with_kind["neighbour"] == 3
    assert result.people_with_kind["minsei_iin"] == 1
    a = _district(result, world.district_a)
    assert (a.listed, a.with_one, a.with_two, a.isolated, a.fragile) == (4, 3, 1, 1, 2)
    b = _district(result, world.district_b)
    assert (b.listed, b.with_one, b.with_two, b.isolated, b.fragile) == (1, 1, 1, 0, 0)


def test_an_inactive_supporter_supports_nobody(world: World, tangle: dict[str, object]) -> None:
    Supporter.objects.filter(pk=tangle["neighbour"].pk).update(is_active=False)  # type: ignore[attr-defined]
    result = isolation.analyse(world.users["ward_admin"], DAY)
    # 一郎 keeps the commissioner, 三郎 is left with nobody, 六郎 keeps the volunteer.
    assert (result.listed, result.isolated, result.fragile) == (5, 2, 3)
    assert result.by_kind["neighbour"] == 0 and result.people_with_kind["neighbour"] == 0


def test_ties_of_people_outside_the_scope_count_neither_for_people_nor_for_loads(
    world: World, tangle: dict[str, object]
) -> None:
    result = isolation.analyse(world.users["staff_b"], DAY, overload_threshold=0)
    assert (result.listed, result.isolated, result.fragile) == (1, 0, 0)
    assert result.by_kind["neighbour"] == 1 and result.by_kind["minsei_iin"] == 0
    assert [c.district_id for c in result.coverage] == [world.district_b.pk]
    # The district-A neighbour carries 六郎 for staff B, but staff B may not see them: only
    # the district-B volunteer is listed, with the one person staff B sees.
    assert [(s.name, s.people) for s in result.overloaded] == [("ボランティア 二", 1)]


def test_people_of_another_ward_are_not_counted(
    world: World, tangle: dict[str, object], other_ward: Municipality
) -> None:
    district = District.objects.get(municipality=other_ward)
    town = Town.objects.create(
        municipality=other_ward, district=district, name="X", lat=35.47, lng=139.62
    )
    someone = Person.objects.create(
        municipality=other_ward, name="他区", name_kana="タク", district=district, town=town
    )
    ListEntry.objects.create(
        person=someone, list_kind="watch", basis="watch_programme", joined_on=DAY
    )
    helper = Supporter.objects.create(municipality=other_ward, kind="neighbour", name="他区 近所")
    tie(someone, helper)
    result = isolation.analyse(world.users["ward_admin"], DAY)
    assert (result.listed, result.by_kind["neighbour"]) == (5, 3)


def test_the_district_filter_limits_people_and_supporters(
    world: World, tangle: dict[str, object]
) -> None:
    admin = world.users["ward_admin"]
    result = isolation.analyse(admin, DAY, district_ids=[world.district_b.pk], overload_threshold=0)
    assert (result.listed, result.isolated, result.fragile) == (1, 0, 0)
    assert [s.name for s in result.overloaded] == ["ボランティア 二"]
    assert isolation.analyse(admin, DAY, district_ids=[]).listed == 0


@pytest.mark.parametrize("persona", ["ward_admin", "staff_a", "staff_b"])
@pytest.mark.parametrize("threshold", [0, 1, 2])
def test_the_overloaded_supporters_agree_with_their_own_query(
    world: World, tangle: dict[str, object], persona: str, threshold: int
) -> None:
    user = world.users[persona]
    result = isolation.analyse(user, DAY, overload_threshold=threshold)
    expected = isolation.overloaded_supporters(user, DAY, threshold=threshold)
    # The same supporters and loads; the order of equal names may differ by DB collation.
    assert sorted(result.overloaded, key=repr) == sorted(expected, key=repr)
    assert [s.people for s in result.overloaded] == [s.people for s in expected]


def test_a_user_who_sees_nobody_gets_zeros(world: World, tangle: dict[str, object]) -> None:
    result = isolation.analyse(world.users["partner"], DAY, overload_threshold=0)
    assert (result.listed, result.isolated, result.fragile) == (0, 0, 0)
    assert set(result.by_kind.values()) == {0} and result.coverage == []
    assert result.overloaded == []


def test_the_figures_agree_with_the_people_page_and_the_what_if(
    world: World, tangle: dict[str, object]
) -> None:
    """Without a pair tied twice, the analysis and the per-person counts of the people page
    (`with_tie_counts`) agree person by person; with every supporter unavailable, the what-if
    leaves exactly the people with a tie with nobody."""
    admin = world.users["ward_admin"]
    Person.objects.get(name="一郎").ties.filter(since=datetime.date(2023, 5, 1)).delete()
    result = isolation.analyse(admin, DAY)
    rows = isolation.with_tie_counts(isolation.people_in_scope(admin, DAY), DAY)
    totals = [p.ties_total for p in rows]
    assert result.listed == len(totals)
    assert result.isolated == totals.count(0) and result.fragile == totals.count(1)
    for kind in isolation.KINDS:
        counts = [getattr(p, f"ties_{kind}") for p in rows]
        assert result.by_kind[kind] == sum(counts)
        assert result.people_with_kind[kind] == sum(1 for n in counts if n)
    everyone = Supporter.objects.filter(municipality=world.ward).values_list("pk", flat=True)
    left = isolation.left_with_nobody(admin, DAY, everyone)
    assert left.count() == result.listed - result.isolated


def test_sparse_ids_are_looked_up_by_search(world: World, tangle: dict[str, object]) -> None:
    """Ids far apart (here a person id of 10^9) take the binary-search path."""
    far = person(world, world.district_a, "七郎", pk=10**9)
    tie(far, Supporter.objects.get(name="近所 一"))
    result = isolation.analyse(world.users["ward_admin"], DAY)
    assert (result.listed, result.isolated, result.fragile) == (6, 1, 3)
    assert result.by_kind["neighbour"] == 4


@pytest.mark.parametrize("keys", [[3, 5, 9], [3, 5, 10**12]])
def test_positions_by_table_and_by_search(keys: list[int]) -> None:
    values = np.array([5, 1, keys[-1], 10**13, 3, 4], dtype=np.int64)
    at, found = isolation._positions(np.array(keys, dtype=np.int64), values)
    assert found.tolist() == [True, False, True, False, True, False]
    assert at[found].tolist() == [1, 2, 0]
    empty_at, empty_found = isolation._positions(np.array([], dtype=np.int64), values)
    assert not empty_found.any() and len(empty_at) == len(values)


def test_a_kind_outside_the_choices_is_counted_under_its_own_name(
    world: World, tangle: dict[str, object]
) -> None:
    """A kind the choices do not list (e.g. a row from an older import) still counts."""
    legacy = supporter(world, world.district_a, "旧 区分", kind="legacy")
    supporter(world, world.district_a, "旧 区分 二", kind="older")  # tied to nobody
    tie(Person.objects.get(name="二郎"), legacy)
    result = isolation.analyse(world.users["ward_admin"], DAY)
    assert result.by_kind["legacy"] == 1 and result.people_with_kind["legacy"] == 1
    assert "older" not in result.by_kind and result.isolated == 0
