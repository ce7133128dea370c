"""Registering groups, activity types and activities: rows and audit events when the input is
good; a 400 with the form's errors and nothing written when it is not."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ainet.community.models import Activity, ActivityType, Group
from ainet.core.models import AuditEvent, District, Municipality
from ainet.plan.models import Pillar, PlanPeriod, Theme
from tests.community.url_rules import activity_type, make_activity, make_group
from tests.conftest import World

NEW_GROUP = {
    "kind": "salon",
    "name": "矢向いきいきサロン",
    "name_kana": "やこういきいきさろん",
    "contact_name": "佐藤 花子",
    "contact_phone": "045-000-0000",
}


def _plan(world: World) -> tuple[Pillar, Theme, Pillar, Theme]:
    period = PlanPeriod.objects.create(
        municipality=world.ward, number=2, name="第2期鶴見・あいねっと", first_fy=2010, last_fy=2014
    )
    first = Pillar.objects.create(period=period, number=1, title="つながりづくり")
    second = Pillar.objects.create(period=period, number=2, title="支え合い")
    return (
        first,
        Theme.objects.create(pillar=first, number=1, title="あいさつ"),
        second,
        Theme.objects.create(pillar=second, number=1, title="見守り"),
    )


def _activity_post(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "name": "矢向 見守りの輪",
        "activity_type": activity_type(world).pk,
        "district": world.district_a.pk,
        "started_on": "平成24年5月1日",
        "description": "",
        **changes,
    }


def test_a_district_officer_registers_a_group_in_their_district(world: World) -> None:
    response = world.client_for("staff_a").post(
        reverse("community:group_create"), {**NEW_GROUP, "district": world.district_a.pk}
    )
    assert response.status_code == 302
    group = Group.objects.get(name="矢向いきいきサロン")
    assert group.district == world.district_a
    assert group.municipality == world.ward
    assert AuditEvent.objects.filter(
        action="record.create", object_type="community.Group", object_id=str(group.pk)
    ).exists()


def test_a_group_without_a_district_is_ward_wide(world: World) -> None:
    response = world.client_for("shakyo").post(reverse("community:group_create"), NEW_GROUP)
    assert response.status_code == 302
    assert Group.objects.get(name="矢向いきいきサロン").district is None


@pytest.mark.parametrize("which", ["other_district", "other_municipality", "garbage"])
def test_a_group_in_a_district_the_user_cannot_choose_is_refused(
    world: World, other_ward: Municipality, which: str
) -> None:
    district = {
        "other_district": world.district_b.pk,
        "other_municipality": District.objects.get(municipality=other_ward).pk,
        "garbage": "abc",
    }[which]
    response = world.client_for("staff_a").post(
        reverse("community:group_create"), {**NEW_GROUP, "district": district}
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not Group.objects.exists()
    assert not AuditEvent.objects.filter(object_type="community.Group").exists()


def test_a_group_name_already_registered_is_refused(world: World) -> None:
    make_group(world, name="矢向いきいきサロン")
    response = world.client_for("ward_admin").post(reverse("community:group_create"), NEW_GROUP)
    assert response.status_code == 400
    assert Group.objects.count() == 1


def test_staff_add_an_activity_type_and_a_taken_code_is_refused(world: World) -> None:
    activity_type(world)
    client = world.client_for("care_plaza")
    url = reverse("community:activity_type_create")
    new = {"code": "tea-party", "name": "お茶会", "name_en": "Tea party", "sort_order": "20"}
    assert client.post(url, new).status_code == 302
    made = ActivityType.objects.get(code="tea-party")
    assert made.municipality == world.ward
    assert AuditEvent.objects.filter(
        action="record.create", object_type="community.ActivityType", object_id=str(made.pk)
    ).exists()
    for bad in [{"code": "greeting"}, {"code": "お茶"}, {"code": ""}, {"name": ""}]:
        response = client.post(url, {**new, "code": "other", **bad})
        assert response.status_code == 400, bad
    assert ActivityType.objects.count() == 2


def test_an_activity_is_registered_with_its_pillar_theme_and_who_is_behind_it(
    world: World,
) -> None:
    first, first_theme, _second, _second_theme = _plan(world)
    group = make_group(world)
    organisation = world.organisation("矢向地区社会福祉協議会")
    response = world.client_for("staff_a").post(
        reverse("community:activity_create"),
        _activity_post(
            world,
            pillar=first.pk,
            theme=first_theme.pk,
            organisations=[organisation.pk],
            groups=[group.pk],
            ended_on="2014-03-31",
        ),
    )
    assert response.status_code == 302
    activity = Activity.objects.get(name="矢向 見守りの輪")
    assert (activity.pillar, activity.theme) == (first, first_theme)
    assert list(activity.organisations.all()) == [organisation]
    assert list(activity.groups.all()) == [group]
    assert str(activity.started_on) == "2012-05-01"
    assert AuditEvent.objects.filter(
        action="record.create", object_type="community.Activity", object_id=str(activity.pk)
    ).exists()


def test_a_theme_alone_brings_its_pillar(world: World) -> None:
    _first, _first_theme, second, second_theme = _plan(world)
    response = world.client_for("staff_a").post(
        reverse("community:activity_create"), _activity_post(world, theme=second_theme.pk)
    )
    assert response.status_code == 302
    assert Activity.objects.get().pillar == second


def test_a_theme_of_another_pillar_is_refused_and_nothing_is_saved(world: World) -> None:
    first, _first_theme, _second, second_theme = _plan(world)
    response = world.client_for("staff_a", lang="en").post(
        reverse("community:activity_create"),
        _activity_post(world, pillar=first.pk, theme=second_theme.pk),
    )
    assert response.status_code == 400
    assert "This theme belongs to another pillar." in response.content.decode()
    assert not Activity.objects.exists()
    assert not AuditEvent.objects.filter(object_type="community.Activity").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"ended_on": "2011-01-01"},
        {"started_on": "令和99年99月99日"},
        {"started_on": ""},
        {"activity_type": ""},
        {"name": "x" * 201},
    ],
)
def test_an_activity_with_bad_input_is_refused(world: World, changes: dict[str, str]) -> None:
    response = world.client_for("staff_a").post(
        reverse("community:activity_create"), _activity_post(world, **changes)
    )
    assert response.status_code == 400
    assert not Activity.objects.exists()


def test_an_activity_cannot_use_another_wards_type_or_district(
    world: World, other_ward: Municipality
) -> None:
    foreign_type = ActivityType.objects.create(municipality=other_ward, code="x", name="他区")
    client = world.client_for("ward_admin")
    url = reverse("community:activity_create")
    assert client.post(url, _activity_post(world, activity_type=foreign_type.pk)).status_code == 400
    foreign_district = District.objects.get(municipality=other_ward).pk
    assert client.post(url, _activity_post(world, district=foreign_district)).status_code == 400
    assert not Activity.objects.exists()


def test_editing_an_activity_records_what_changed(world: World) -> None:
    first, first_theme, _second, _second_theme = _plan(world)
    activity = make_activity(world)
    response = world.client_for("care_plaza").post(
        reverse("community:activity_edit", args=[activity.pk]),
        _activity_post(world, name="改名した活動", pillar=first.pk, theme=first_theme.pk),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.name == "改名した活動"
    assert activity.theme == first_theme
    event = AuditEvent.objects.get(action="record.update", object_id=str(activity.pk))
    assert {"name", "pillar", "theme"} <= set(event.details["changed"])


def test_an_edit_with_a_theme_of_another_pillar_changes_nothing(world: World) -> None:
    first, _first_theme, _second, second_theme = _plan(world)
    activity = make_activity(world, name="元の名前")
    response = world.client_for("staff_a").post(
        reverse("community:activity_edit", args=[activity.pk]),
        _activity_post(world, name="新しい名前", pillar=first.pk, theme=second_theme.pk),
    )
    assert response.status_code == 400
    activity.refresh_from_db()
    assert activity.name == "元の名前"
    assert not AuditEvent.objects.filter(action="record.update").exists()


def test_the_district_b_officer_cannot_edit_or_move_district_a_activities(world: World) -> None:
    activity = make_activity(world)
    client = world.client_for("staff_b")
    url = reverse("community:activity_edit", args=[activity.pk])
    assert client.post(url, _activity_post(world, name="乗っ取り")).status_code == 404
    activity.refresh_from_db()
    assert activity.name != "乗っ取り"
    mine = make_activity(world, world.district_b, name="市場の活動")
    response = client.post(
        reverse("community:activity_edit", args=[mine.pk]),
        _activity_post(world, district=world.district_a.pk),
    )
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.district == world.district_b
