"""Events: registering them, and the actions on the event page (registrations, cancellation,
attendance, walk-ins), each all-or-nothing; names of registered people only for those who
manage community records, and every showing of them audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from ainet.community.models import Event, Participation, Registration
from ainet.core.models import AuditEvent, District, Municipality
from tests.community.url_rules import make_activity, make_event, make_registration
from tests.conftest import World

NEW_EVENT = {
    "kind": "district_forum",
    "title": "矢向地区フォーラム2025",
    "date": "令和7年10月5日",
    "start_time": "13:30",
    "end_time": "16:00",
    "place": "矢向地区センター",
    "capacity": "60",
}


def _event_post(world: World, **changes: Any) -> dict[str, Any]:
    return {**NEW_EVENT, "district": world.district_a.pk, **changes}


def _detail(event: Event) -> str:
    return reverse("community:event_detail", args=[event.pk])


def _register(world: World, event: Event, persona: str = "staff_a", **fields: Any) -> Any:
    data = {"registration-name": "鈴木 一郎", "registration-name_kana": "すずき いちろう"}
    data.update({f"registration-{k}": v for k, v in fields.items()})
    return world.client_for(persona, lang="en").post(
        reverse("community:registration_add", args=[event.pk]), data
    )


def _walk_ins(
    world: World, event: Event, count: object, persona: str = "staff_a", **more: Any
) -> Any:
    data = {"walk_in-count": count, **{f"walk_in-{k}": v for k, v in more.items()}}
    return world.client_for(persona).post(
        reverse("community:walk_ins_record", args=[event.pk]), data
    )


# --- Registering events -------------------------------------------------------------


def test_an_event_is_registered_and_audited(world: World) -> None:
    response = world.client_for("staff_a").post(
        reverse("community:event_create"), _event_post(world)
    )
    assert response.status_code == 302
    event = Event.objects.get(title="矢向地区フォーラム2025")
    assert (event.district, event.capacity, str(event.date)) == (world.district_a, 60, "2025-10-05")
    assert response["Location"] == _detail(event)
    assert AuditEvent.objects.filter(
        action="record.create", object_type="community.Event", object_id=str(event.pk)
    ).exists()


def test_an_event_of_a_district_activity_takes_the_activitys_district(world: World) -> None:
    activity = make_activity(world)
    response = world.client_for("ward_admin").post(
        reverse("community:event_create"),
        {**NEW_EVENT, "activity": activity.pk},
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.activity, event.district) == (activity, world.district_a)


@pytest.mark.parametrize(
    "changes",
    [
        {"end_time": "12:00"},
        {"capacity": "0"},
        {"capacity": "-5"},
        {"date": "2025-02-30"},
        {"kind": "party"},
        {"title": ""},
        {"district": "999999999"},
    ],
)
def test_an_event_with_bad_input_is_refused(world: World, changes: dict[str, str]) -> None:
    response = world.client_for("staff_a").post(
        reverse("community:event_create"), _event_post(world, **changes)
    )
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_an_event_in_another_municipalitys_district_is_refused(
    world: World, other_ward: Municipality
) -> None:
    foreign = District.objects.get(municipality=other_ward)
    response = world.client_for("ward_admin").post(
        reverse("community:event_create"), _event_post(world, district=foreign.pk)
    )
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_an_event_cannot_sit_in_another_district_than_its_activity(world: World) -> None:
    activity = make_activity(world)
    response = world.client_for("ward_admin").post(
        reverse("community:event_create"),
        _event_post(world, activity=activity.pk, district=world.district_b.pk),
    )
    assert response.status_code == 400
    assert not Event.objects.exists()


# --- Names of registered people -------------------------------------------------------


@pytest.mark.parametrize("persona", ["minsei", "association"])
def test_viewers_who_do_not_manage_see_counts_but_no_names(world: World, persona: str) -> None:
    event = make_event(world)
    make_registration(event, name="山田 太郎")
    make_registration(event, name="田中 花子")
    response = world.client_for(persona).get(_detail(event))
    assert response.status_code == 200
    text = response.content.decode()
    assert "山田 太郎" not in text and "田中 花子" not in text
    assert response.context["active_registrations"] == 2
    assert not AuditEvent.objects.filter(action="record.view").exists()


def test_managers_see_the_names_and_the_reading_is_audited(world: World) -> None:
    event = make_event(world)
    make_registration(event, name="山田 太郎")
    response = world.client_for("staff_a").get(_detail(event))
    assert "山田 太郎" in response.content.decode()
    viewed = AuditEvent.objects.get(action="record.view")
    assert viewed.actor == world.users["staff_a"]
    assert (viewed.object_type, viewed.object_id) == ("community.Event", str(event.pk))
    assert viewed.details == {"registrations_shown": 1}


def test_an_empty_registration_list_is_not_audited(world: World) -> None:
    event = make_event(world)
    response = world.client_for("staff_a", lang="en").get(_detail(event))
    assert "Nobody has registered yet." in response.content.decode()
    assert not AuditEvent.objects.filter(action="record.view").exists()


# --- Registrations --------------------------------------------------------------------


def test_a_registration_is_added_and_audited_without_the_name(world: World) -> None:
    event = make_event(world)
    response = _register(world, event, district=world.district_b.pk, organisation_name="町内会")
    assert response.status_code == 302
    registration = Registration.objects.get(event=event)
    assert (registration.name, registration.district) == ("鈴木 一郎", world.district_b)
    created = AuditEvent.objects.get(action="record.create", object_id=str(event.pk))
    assert created.details == {"registration_added": registration.pk}
    assert "鈴木" not in created.object_repr


def test_a_registration_beyond_capacity_is_refused(world: World) -> None:
    event = make_event(world, capacity=1)
    make_registration(event)
    response = _register(world, event)
    assert response.status_code == 400
    assert "The event is full" in response.content.decode()
    assert Registration.objects.filter(event=event).count() == 1


def test_a_cancelled_registration_frees_its_place(world: World) -> None:
    event = make_event(world, capacity=1)
    registration = make_registration(event)
    url = reverse("community:registration_cancel", args=[event.pk, registration.pk])
    assert world.client_for("staff_a").post(url).status_code == 302
    registration.refresh_from_db()
    assert registration.cancelled_on is not None
    assert AuditEvent.objects.filter(
        action="record.update", details__registration_cancelled=registration.pk
    ).exists()
    assert _register(world, event).status_code == 302
    assert world.client_for("staff_a").post(url).status_code == 400  # cancelled twice


@pytest.mark.parametrize("bad", [{"name": ""}, {"name": "x" * 101}, {"district": "abc"}])
def test_a_registration_with_bad_input_is_refused(world: World, bad: dict[str, str]) -> None:
    event = make_event(world)
    assert _register(world, event, **bad).status_code == 400
    assert not Registration.objects.exists()


def test_a_registrant_from_another_municipality_posted_by_id_is_refused(
    world: World, other_ward: Municipality
) -> None:
    event = make_event(world)
    foreign = District.objects.get(municipality=other_ward)
    assert _register(world, event, district=foreign.pk).status_code == 400
    assert not Registration.objects.exists()


def test_another_districts_officer_gets_404_and_a_viewer_gets_403_on_the_actions(
    world: World,
) -> None:
    event = make_event(world)
    registration = make_registration(event)
    actions = [
        reverse("community:registration_add", args=[event.pk]),
        reverse("community:registration_cancel", args=[event.pk, registration.pk]),
        reverse("community:attendance_record", args=[event.pk, registration.pk]),
        reverse("community:walk_ins_record", args=[event.pk]),
    ]
    data = {"registration-name": "侵入 者", "walk_in-count": "3"}
    for url in actions:
        assert world.client_for("staff_b").post(url, data).status_code == 404, url
        assert world.client_for("minsei").post(url, data).status_code == 403, url
    assert Registration.objects.count() == 1 and not Participation.objects.exists()
    registration.refresh_from_db()
    assert registration.cancelled_on is None


def test_a_registration_of_another_event_is_not_found(world: World) -> None:
    event = make_event(world)
    other = make_registration(make_event(world, title="別の催し"))
    url = reverse("community:attendance_record", args=[event.pk, other.pk])
    assert world.client_for("staff_a").post(url).status_code == 404
    assert not Participation.objects.exists()


# --- Attendance and walk-ins ----------------------------------------------------------


def test_attendance_creates_one_participation_and_twice_is_refused(world: World) -> None:
    event = make_event(world)
    registration = make_registration(event, district=world.district_a)
    url = reverse("community:attendance_record", args=[event.pk, registration.pk])
    client = world.client_for("care_plaza", lang="en")
    assert client.post(url).status_code == 302
    participation = Participation.objects.get()
    assert (participation.registration, participation.district) == (registration, world.district_a)
    assert AuditEvent.objects.filter(action="record.create", details__attendance=registration.pk)
    again = client.post(url)
    assert again.status_code == 400
    assert "already recorded" in again.content.decode()
    assert Participation.objects.count() == 1


def test_an_attended_registration_cannot_be_cancelled_and_a_cancelled_one_cannot_attend(
    world: World,
) -> None:
    event = make_event(world)
    attended, cancelled = make_registration(event), make_registration(event, name="取消 花子")
    client = world.client_for("staff_a")
    client.post(reverse("community:attendance_record", args=[event.pk, attended.pk]))
    cancel = reverse("community:registration_cancel", args=[event.pk, attended.pk])
    assert client.post(cancel).status_code == 400
    client.post(reverse("community:registration_cancel", args=[event.pk, cancelled.pk]))
    attend = reverse("community:attendance_record", args=[event.pk, cancelled.pk])
    assert client.post(attend).status_code == 400
    assert Participation.objects.count() == 1


def test_walk_ins_create_one_participation_each(world: World) -> None:
    event = make_event(world)
    response = _walk_ins(world, event, "25", district=world.district_b.pk)
    assert response.status_code == 302
    assert Participation.objects.filter(event=event, district=world.district_b).count() == 25
    logged = AuditEvent.objects.get(action="record.create", object_id=str(event.pk))
    assert logged.details == {"walk_ins": 25, "district": "ichiba"}
    detail = world.client_for("minsei").get(_detail(event))
    assert (detail.context["participants"], detail.context["walk_ins"]) == (25, 25)


@pytest.mark.parametrize("count", ["0", "-1", "5001", "100000", "abc", ""])
def test_walk_ins_outside_one_to_five_thousand_are_refused(world: World, count: str) -> None:
    event = make_event(world)
    response = _walk_ins(world, event, count)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not Participation.objects.exists()
    assert not AuditEvent.objects.filter(action="record.create").exists()


def test_the_largest_walk_in_count_is_accepted(world: World) -> None:
    event = make_event(world, capacity=None)
    assert _walk_ins(world, event, "5000").status_code == 302
    assert Participation.objects.count() == 5000


def test_walk_ins_from_another_municipality_are_refused(
    world: World, other_ward: Municipality
) -> None:
    event = make_event(world)
    foreign = District.objects.get(municipality=other_ward)
    assert _walk_ins(world, event, "3", district=foreign.pk).status_code == 400
    assert not Participation.objects.exists()


def test_the_event_page_shows_capacity_use(world: World) -> None:
    event = make_event(world, capacity=4)
    make_registration(event)
    make_registration(event, name="二人目")
    make_registration(event, name="取消", cancelled_on=event.date)
    response = world.client_for("association").get(_detail(event))
    assert response.context["capacity_use"] == 50
    assert response.context["places_left"] == 2
    assert response.context["cancelled_registrations"] == 1
    assert "令和" in response.context["fy_label"] or "平成" in response.context["fy_label"]


def test_the_event_page_speaks_english_with_the_japanese_year_too(world: World) -> None:
    event = make_event(world)
    client = world.client_for("staff_a")
    client.cookies["ainet_language"] = "en"
    response = client.get(_detail(event))
    assert response.context["fy_label"] == "FY2013 (平成25年度)"


def test_registered_names_are_escaped_on_the_page(world: World) -> None:
    event = make_event(world)
    make_registration(event, name="<script>alert(1)</script>")
    text = world.client_for("staff_a").get(_detail(event)).content.decode()
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_event_list_shows_a_dash_for_no_capacity_and_groups_digits(world: World) -> None:
    make_event(world, capacity=None, title="定員なしのフォーラム")
    make_event(world, capacity=1200, title="大きなフォーラム")
    page = world.client_for("staff_a").get(reverse("community:event_list")).content.decode()
    assert '<td class="number">—</td>' in page and '<td class="number">1,200</td>' in page
    assert "None" not in page
