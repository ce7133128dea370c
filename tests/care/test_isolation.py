"""Isolation analysis on a small hand-built network (care.isolation, its pages, indicators)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ainet.care import isolation
from ainet.care.indicators import isolated_people, listed_people, people_with_two_ties
from ainet.core.dates import today_tokyo
from ainet.core.indicators import Span
from ainet.core.models import AuditEvent
from tests.care.concern_factories import person, supporter, tie
from tests.conftest import World


@pytest.fixture
def network(world: World) -> dict[str, object]:
    """District A: 花子 (minsei + neighbour), 太郎 (minsei only), 次郎 (nobody; his only tie
    ended), 三郎 (tie with an inactive supporter only). District B: 四郎 (neighbour B)."""
    a, b = world.district_a, world.district_b
    minsei = supporter(world, a, "民生 委員", kind="minsei_iin")
    neighbour = supporter(world, a, "近所 さん")
    gone = supporter(world, a, "休止 さん", is_active=False)
    neighbour_b = supporter(world, b, "市場 近所")
    hanako = person(world, a, "花子")
    taro = person(world, a, "太郎")
    jiro = person(world, a, "次郎")
    saburo = person(world, a, "三郎")
    shiro = person(world, b, "四郎")
    tie(hanako, minsei)
    tie(hanako, neighbour)
    tie(taro, minsei)
    tie(jiro, neighbour, ended_on=datetime.date(2022, 1, 1))
    tie(saburo, gone)
    tie(shiro, neighbour_b)
    return {
        "minsei": minsei,
        "neighbour": neighbour,
        "hanako": hanako,
        "taro": taro,
        "jiro": jiro,
        "saburo": saburo,
        "shiro": shiro,
    }


def test_ward_figures_count_active_ties_by_kind(world: World, network: dict[str, object]) -> None:
    result = isolation.analyse(world.users["ward_admin"], today_tokyo())
    assert (result.listed, result.isolated, result.fragile) == (5, 2, 2)
    assert result.by_kind["minsei_iin"] == 2 and result.by_kind["neighbour"] == 2
    a = next(c for c in result.coverage if c.district_id == world.district_a.pk)
    assert (a.listed, a.with_one, a.with_two, a.isolated, a.fragile) == (4, 2, 1, 2, 1)


def test_only_people_the_user_may_see_are_counted(world: World, network: dict[str, object]) -> None:
    result = isolation.analyse(world.users["staff_b"], today_tokyo())
    assert (result.listed, result.isolated, result.fragile) == (1, 0, 1)


def test_overloaded_supporters_above_the_threshold(
    world: World, network: dict[str, object]
) -> None:
    loads = isolation.overloaded_supporters(world.users["ward_admin"], today_tokyo(), threshold=1)
    assert [(s.name, s.people) for s in loads] == [("民生 委員", 2)]
    assert isolation.overloaded_supporters(world.users["ward_admin"], today_tokyo()) == []


def test_what_if_lists_the_people_left_with_nobody(
    world: World, network: dict[str, object]
) -> None:
    admin, day = world.users["ward_admin"], today_tokyo()
    minsei = network["minsei"]
    left = isolation.left_with_nobody(admin, day, [minsei.pk])  # type: ignore[attr-defined]
    assert [p.name for p in left] == ["太郎"]
    assert isolation.left_with_one(admin, day, [minsei.pk]) == 1  # type: ignore[attr-defined]
    both = [minsei.pk, network["neighbour"].pk]  # type: ignore[attr-defined]
    assert sorted(p.name for p in isolation.left_with_nobody(admin, day, both)) == ["太郎", "花子"]


def test_what_if_ignores_supporters_the_user_may_not_see(
    world: World, network: dict[str, object]
) -> None:
    minsei = network["minsei"]
    left = isolation.left_with_nobody(world.users["staff_b"], today_tokyo(), [minsei.pk])  # type: ignore[attr-defined]
    assert list(left) == []


def test_coverage_indicators_per_district(world: World, network: dict[str, object]) -> None:
    fy = 2026 if today_tokyo() >= datetime.date(2027, 4, 1) else 2025
    span = [Span(1, 2020, fy)]
    districts = [world.district_a.pk, world.district_b.pk]
    assert listed_people(world.ward, span, districts)[(1, None)] == 5
    assert isolated_people(world.ward, span, districts)[(1, world.district_a.pk)] == 2
    assert people_with_two_ties(world.ward, span, districts)[(1, world.district_a.pk)] == 1
    # Before anyone was listed: zero, like every stock.
    assert listed_people(world.ward, [Span(2, 2010, 2014)], districts)[(2, None)] == 0


def test_the_pages_show_the_figures_and_the_what_if(
    world: World, network: dict[str, object]
) -> None:
    client = world.client_for("staff_a", "en")
    overview = client.get(reverse("care_analysis:overview")).content.decode()
    assert "Isolation analysis" in overview
    people = client.get(reverse("care_analysis:people"), {"which": "isolated"}).content.decode()
    assert "次郎" in people and "三郎" in people and "花子" not in people
    minsei = network["minsei"]
    what_if = client.get(reverse("care_analysis:what_if"), {"supporter": minsei.pk})  # type: ignore[attr-defined]
    assert "太郎" in what_if.content.decode()
    supporters = client.get(reverse("care_analysis:supporters"), {"threshold": 1})
    assert "民生 委員" in supporters.content.decode()
    assert client.get(reverse("care_analysis:overview"), {"threshold": "-3"}).status_code == 400


def test_the_csv_export_is_audited_and_neutralises_formulas(
    world: World, network: dict[str, object]
) -> None:
    person(world, world.district_a, "=HYPERLINK(1)")
    response = world.client_for("staff_a").get(reverse("care_analysis:people_csv"))
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "花子" in text and "四郎" not in text
    assert AuditEvent.objects.filter(action="export", actor=world.users["staff_a"]).exists()


def test_the_threshold_box_shows_the_threshold_in_force(world: World) -> None:
    client = world.client_for("staff_a")
    overview = client.get(reverse("care_analysis:overview")).content.decode()
    assert 'name="threshold" value="10"' in overview
    chosen = client.get(reverse("care_analysis:overview"), {"threshold": "3"}).content.decode()
    assert 'name="threshold" value="3"' in chosen
    supporters = client.get(reverse("care_analysis:supporters")).content.decode()
    assert 'name="threshold" value="10"' in supporters
