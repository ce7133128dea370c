"""The community pages render for everyone who holds community.view, show only what each one
may see, and refuse the others."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ainet.community.models import ActivityType, EventKind
from tests.community.url_rules import make_activity, make_event, make_group, make_registration
from tests.conftest import World
from tests.matrix import HOLDERS

VIEWERS = sorted(HOLDERS["community.view"])
MANAGERS = sorted(HOLDERS["community.manage"])
LIST_PAGES = [
    "community:home",
    "community:group_list",
    "community:activity_type_list",
    "community:activity_list",
    "community:event_list",
    "community:forum_list",
]


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined, no-any-return]


def _populate(world: World) -> dict[str, int]:
    group = make_group(world)
    activity = make_activity(world)
    activity.groups.add(group)
    event = make_event(world)
    event.activity = activity
    event.save()
    forum = make_event(
        world,
        ward_wide=True,
        kind=EventKind.FORUM,
        capacity=500,
        date=datetime.date(2014, 2, 22),
        title="2013年度 推進フォーラム（テスト）",
    )
    make_registration(forum)
    return {"group": group.pk, "activity": activity.pk, "event": event.pk, "forum": forum.pk}


@pytest.mark.parametrize("persona", VIEWERS)
def test_every_page_renders_with_one_heading_and_a_way_back_to_the_hub(
    world: World, persona: str
) -> None:
    ids = _populate(world)
    client = world.client_for(persona)
    urls = [reverse(name) for name in LIST_PAGES]
    if persona != "staff_b":  # district A's records
        urls += [
            reverse("community:group_detail", args=[ids["group"]]),
            reverse("community:activity_detail", args=[ids["activity"]]),
            reverse("community:event_detail", args=[ids["event"]]),
        ]
    urls.append(reverse("community:event_detail", args=[ids["forum"]]))
    hub = reverse("community:home")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        assert text.count("<h1") == 1, url
        assert f'href="{hub}"' in text or url == hub, url


@pytest.mark.parametrize("persona", MANAGERS)
def test_the_forms_render_for_those_who_manage_community_records(
    world: World, persona: str
) -> None:
    client = world.client_for(persona)
    for name in [
        "community:group_create",
        "community:activity_type_create",
        "community:activity_create",
        "community:event_create",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert 'method="post"' in _text(response)
    if persona != "staff_b":
        url = reverse("community:activity_edit", args=[make_activity(world).pk])
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", ["volunteer", "partner", "committee", "auditor"])
def test_personas_without_community_access_are_refused(world: World, persona: str) -> None:
    ids = _populate(world)
    client = world.client_for(persona)
    for url in [
        reverse("community:home"),
        reverse("community:event_detail", args=[ids["event"]]),
        reverse("community:forum_list"),
    ]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["minsei", "association"])
def test_viewers_who_do_not_manage_cannot_open_the_forms_or_post(
    world: World, persona: str
) -> None:
    ids = _populate(world)
    client = world.client_for(persona)
    assert client.get(reverse("community:group_create")).status_code == 403
    response = client.post(
        reverse("community:walk_ins_record", args=[ids["event"]]), {"walk_in-count": "3"}
    )
    assert response.status_code == 403


def test_the_district_b_officer_gets_404_on_district_a_records(world: World) -> None:
    ids = _populate(world)
    client = world.client_for("staff_b")
    for name, pk in [
        ("community:group_detail", ids["group"]),
        ("community:activity_detail", ids["activity"]),
        ("community:activity_edit", ids["activity"]),
        ("community:event_detail", ids["event"]),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name


def test_lists_show_ward_wide_rows_to_all_and_district_rows_to_their_districts(
    world: World,
) -> None:
    make_group(world, world.district_a, name="矢向の会")
    make_group(world, world.district_b, name="市場の会")
    make_event(world, world.district_a, title="矢向の催し")
    make_event(world, ward_wide=True, title="区全体の催し")
    staff_b = world.client_for("staff_b")
    groups = _text(staff_b.get(reverse("community:group_list")))
    assert "市場の会" in groups and "矢向の会" not in groups
    events = _text(staff_b.get(reverse("community:event_list")))
    assert "区全体の催し" in events and "矢向の催し" not in events
    admin_events = _text(world.client_for("ward_admin").get(reverse("community:event_list")))
    assert "区全体の催し" in admin_events and "矢向の催し" in admin_events


def test_the_hub_counts_what_the_user_can_see(world: World) -> None:
    make_group(world, world.district_a)
    make_group(world, world.district_b)
    response = world.client_for("staff_a").get(reverse("community:home"))
    assert response.context["group_count"] == 1
    assert world.client_for("ward_admin").get(reverse("community:home")).context["group_count"] == 2


def test_empty_lists_say_so(world: World) -> None:
    client = world.client_for("staff_a", lang="en")
    assert "No groups match." in _text(client.get(reverse("community:group_list")))
    assert "No activities match." in _text(client.get(reverse("community:activity_list")))
    assert "No events match." in _text(client.get(reverse("community:event_list")))
    assert "No activity types yet." in _text(client.get(reverse("community:activity_type_list")))
    assert "No promotion forums are recorded yet." in _text(
        client.get(reverse("community:forum_list"))
    )


def test_group_list_filters_by_kind_and_district(world: World) -> None:
    make_group(world, world.district_a, name="矢向サロン")
    make_group(world, world.district_b, name="市場サロン")
    client = world.client_for("ward_admin")
    url = reverse("community:group_list")
    by_district = _text(client.get(url, {"district": world.district_b.pk}))
    assert "市場サロン" in by_district and "矢向サロン" not in by_district
    assert "サロン" not in _text(client.get(url, {"kind": "npo"})).split("<tbody>")[1]
    assert client.get(url, {"kind": "x" * 10000}).status_code == 400
    assert client.get(url, {"district": "999999"}).status_code == 400


def test_activity_list_filters_by_type_pillar_district_and_fiscal_year(world: World) -> None:
    make_activity(
        world,
        world.district_a,
        name="終わった活動",
        started_on=datetime.date(2011, 4, 1),
        ended_on=datetime.date(2013, 6, 30),
    )
    make_activity(world, world.district_b, name="続く活動", started_on=datetime.date(2014, 1, 1))
    other_type = ActivityType.objects.create(
        municipality=world.ward, code="walk", name="まちあるき"
    )
    client = world.client_for("ward_admin")
    url = reverse("community:activity_list")
    fy2013 = client.get(url, {"fy": "2013"})
    assert fy2013.status_code == 200
    assert "終わった活動" in _text(fy2013) and "続く活動" in _text(fy2013)
    assert fy2013.context["fy_label"] == "平成25年度（2013年度）"
    fy2014 = _text(client.get(url, {"fy": "2014"}))
    assert "終わった活動" not in fy2014 and "続く活動" in fy2014
    assert "続く活動" not in _text(client.get(url, {"activity_type": other_type.pk}))
    assert "終わった活動" not in _text(client.get(url, {"district": world.district_b.pk}))
    assert client.get(url, {"fy": "1800"}).status_code == 400
    assert client.get(url, {"pillar": "abc"}).status_code == 400


def test_event_list_filters_by_kind_district_and_fiscal_year(world: World) -> None:
    make_event(world, world.district_a, title="秋の地区フォーラム", date=datetime.date(2013, 10, 1))
    make_event(
        world,
        world.district_a,
        kind=EventKind.SALON,
        title="春のサロン",
        date=datetime.date(2014, 3, 20),
    )
    make_event(world, world.district_b, title="市場の催し", date=datetime.date(2014, 5, 1))
    client = world.client_for("ward_admin")
    url = reverse("community:event_list")
    fy2013 = _text(client.get(url, {"fy": "2013"}))
    assert "秋の地区フォーラム" in fy2013 and "春のサロン" in fy2013 and "市場の催し" not in fy2013
    salons = _text(client.get(url, {"kind": "salon"}))
    assert "春のサロン" in salons and "秋の地区フォーラム" not in salons
    b_only = _text(client.get(url, {"district": world.district_b.pk}))
    assert "市場の催し" in b_only and "春のサロン" not in b_only
    ward_only = _text(client.get(url, {"district": "ward"}))
    assert "市場の催し" not in ward_only
    assert client.get(url, {"fy": "R5x"}).status_code == 400


def test_group_detail_lists_its_activities(world: World) -> None:
    group = make_group(world)
    activity = make_activity(world, name="サロンの見守り")
    activity.groups.add(group)
    text = _text(world.client_for("minsei").get(reverse("community:group_detail", args=[group.pk])))
    assert "サロンの見守り" in text
    assert reverse("community:activity_detail", args=[activity.pk]) in text


def test_activity_detail_lists_its_events_with_counts(world: World) -> None:
    activity = make_activity(world)
    event = make_event(world, title="見守りの集い")
    event.activity = activity
    event.save()
    make_registration(event)
    response = world.client_for("association").get(
        reverse("community:activity_detail", args=[activity.pk])
    )
    assert "見守りの集い" in _text(response)
    assert response.context["events"][0].registration_count == 1
