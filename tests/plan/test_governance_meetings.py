"""Meetings of any body: the filtered list, recording a meeting, the detail page and its
attendance."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ainet.core.models import AuditEvent, District, Municipality
from ainet.plan import governance_services as services
from ainet.plan.models import Meeting, MeetingAttendance, MeetingBody
from tests.conftest import World
from tests.plan.url_rules import make_committee, make_meeting_a

D = datetime.date


def _meeting(
    world: World, district: District | None, held_on: D, title: str, **kw: object
) -> Meeting:
    body = kw.pop("body", MeetingBody.SUPPORT_TEAM if district else MeetingBody.OTHER)
    return Meeting.objects.create(
        municipality=world.ward, body=body, district=district, held_on=held_on, title=title, **kw
    )


def _new_meeting(world: World, **changes: str) -> dict[str, str]:
    return {"body": "support_team", "district": str(world.district_a.pk),
            "held_on": "令和7年5月20日", "title": "矢向地区 支援チーム会議（5月）",
            "place": "矢向地区センター", "agenda": "夏祭りの見守り", "minutes": "",
            "decisions": "", **changes}  # fmt: skip


def _titles(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


# --- List --------------------------------------------------------------------------------------


def test_the_meeting_list_filters_by_body_district_and_fiscal_year(world: World) -> None:
    committee = make_committee(world)
    _meeting(world, world.district_a, D(2012, 6, 1), "矢向 2012年度")
    _meeting(world, world.district_a, D(2013, 3, 31), "矢向 2012年度末")
    _meeting(world, world.district_a, D(2013, 4, 1), "矢向 2013年度")
    _meeting(world, world.district_b, D(2012, 6, 1), "市場 2012年度")
    _meeting(world, None, D(2012, 9, 1), "推進委員会 2012年度", body=MeetingBody.COMMITTEE,
             committee=committee)  # fmt: skip
    client = world.client_for("ward_admin")
    url = reverse("plan:meeting_list")

    everything = _titles(client.get(url))
    assert all(t in everything for t in ["矢向 2013年度", "市場 2012年度", "推進委員会 2012年度"])
    assert "平成24年度（2012年度）" in everything  # the fiscal-year choices, 和暦 and Western

    fy2012 = _titles(client.get(url, {"fy": "2012", "district": world.district_a.pk}))
    assert "矢向 2012年度" in fy2012 and "矢向 2012年度末" in fy2012
    assert "矢向 2013年度" not in fy2012 and "市場 2012年度" not in fy2012

    committees = _titles(client.get(url, {"body": "committee"}))
    assert "推進委員会 2012年度" in committees and "矢向 2012年度" not in committees


def test_staff_see_their_districts_and_ward_wide_meetings_only(world: World) -> None:
    _meeting(world, world.district_a, D(2012, 6, 1), "矢向の会議")
    _meeting(world, world.district_b, D(2012, 6, 1), "市場の会議")
    _meeting(world, None, D(2012, 6, 1), "区全体の会議")
    page = _titles(world.client_for("staff_b").get(reverse("plan:meeting_list")))
    assert "市場の会議" in page and "区全体の会議" in page
    assert "矢向の会議" not in page
    committee_page = _titles(world.client_for("committee").get(reverse("plan:meeting_list")))
    assert "区全体の会議" in committee_page
    assert "矢向の会議" not in committee_page and "市場の会議" not in committee_page


def test_the_meeting_list_has_an_empty_state(world: World) -> None:
    response = world.client_for("staff_a").get(
        reverse("plan:meeting_list"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "No meetings match." in response.content.decode()
    assert "0 meetings" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"fy": "abc"}, {"fy": "99999999999999999999"}, {"body": "x" * 5000}, {"district": "-1"}],
)
def test_a_bad_filter_is_a_clear_error_with_status_400(world: World, query: dict[str, str]) -> None:
    _meeting(world, world.district_a, D(2012, 6, 1), "矢向の会議")
    response = world.client_for("staff_a").get(reverse("plan:meeting_list"), query)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert "矢向の会議" not in response.content.decode()


def test_another_districts_id_in_the_filter_is_refused(world: World) -> None:
    response = world.client_for("staff_b").get(
        reverse("plan:meeting_list"), {"district": world.district_a.pk}
    )
    assert response.status_code == 400


# --- Recording ---------------------------------------------------------------------------------


def test_staff_record_a_district_meeting_and_it_is_audited(world: World) -> None:
    response = world.client_for("staff_a").post(reverse("plan:meeting_create"), _new_meeting(world))
    meeting = Meeting.objects.get(title="矢向地区 支援チーム会議（5月）")
    assert response.status_code == 302
    assert response["Location"] == reverse("plan:meeting_detail", args=[meeting.pk])
    assert (meeting.district, meeting.held_on, meeting.municipality) == (
        world.district_a, D(2025, 5, 20), world.ward
    )  # fmt: skip
    assert AuditEvent.objects.filter(
        action="record.create", object_type="plan.Meeting", object_id=str(meeting.pk),
        actor=world.users["staff_a"],
    ).exists()  # fmt: skip


def test_a_ward_wide_other_meeting_needs_no_district(world: World) -> None:
    response = world.client_for("care_plaza").post(
        reverse("plan:meeting_create"), _new_meeting(world, body="other", district="")
    )
    assert response.status_code == 302
    assert Meeting.objects.get().district is None


def test_the_district_choices_are_the_users_districts(world: World) -> None:
    page = _titles(world.client_for("staff_b").get(reverse("plan:meeting_create")))
    assert f'value="{world.district_b.pk}"' in page
    assert f'value="{world.district_a.pk}"' not in page
    assert 'value="committee"' not in page  # committee meetings are the administrator's


@pytest.mark.parametrize(
    ("persona", "changes"),
    [
        ("staff_a", {"district": ""}),  # a support team meeting needs its district
        ("staff_b", {}),  # district A is not staff B's
        ("staff_a", {"title": "x" * 201}),
        ("staff_a", {"minutes": "議" * 10001}),
        ("staff_a", {"held_on": "令和7年13月1日"}),
        ("staff_a", {"body": "committee", "district": ""}),  # only plan.manage
        ("staff_a", {"body": "board"}),
    ],
)
def test_a_bad_meeting_is_refused_with_400_and_nothing_is_saved(
    world: World, persona: str, changes: dict[str, str]
) -> None:
    response = world.client_for(persona).post(
        reverse("plan:meeting_create"), _new_meeting(world, **changes)
    )
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Meeting.objects.exists()
    assert not AuditEvent.objects.filter(object_type="plan.Meeting").exists()


def test_a_district_of_another_municipality_is_refused(
    world: World, other_ward: Municipality
) -> None:
    foreign = District.objects.get(municipality=other_ward)
    response = world.client_for("ward_admin").post(
        reverse("plan:meeting_create"), _new_meeting(world, district=str(foreign.pk))
    )
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_the_ward_administrator_records_a_committee_meeting(world: World) -> None:
    committee = make_committee(world)
    client = world.client_for("ward_admin")
    data = _new_meeting(world, body="committee", district="", committee=str(committee.pk))
    assert client.post(reverse("plan:meeting_create"), data).status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.body, meeting.committee, meeting.district) == ("committee", committee, None)


@pytest.mark.parametrize(
    "changes",
    [
        {"committee": ""},
        {"district": "DISTRICT_A"},  # a committee meeting is ward-wide
        {"held_on": "2009-06-01"},  # before the committee was set up
    ],
)
def test_a_bad_committee_meeting_is_refused(world: World, changes: dict[str, str]) -> None:
    committee = make_committee(world)
    if changes.get("district") == "DISTRICT_A":
        changes["district"] = str(world.district_a.pk)
    data = {**_new_meeting(world, body="committee", district=""), "committee": str(committee.pk)}
    response = world.client_for("ward_admin").post(
        reverse("plan:meeting_create"), {**data, **changes}
    )
    assert response.status_code == 400
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("persona", ["minsei", "association", "committee"])
def test_readers_without_plan_record_cannot_record_meetings(world: World, persona: str) -> None:
    client = world.client_for(persona)
    assert client.get(reverse("plan:meeting_create")).status_code == 403
    assert client.post(reverse("plan:meeting_create"), _new_meeting(world)).status_code == 403
    assert not Meeting.objects.exists()


def test_the_service_refuses_a_district_the_user_does_not_see(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_meeting(
            world.users["staff_b"], world.ward, body="support_team", district=world.district_a,
            held_on=D(2025, 5, 1), title="x",
        )  # fmt: skip
    assert not Meeting.objects.exists()


# --- Detail and attendance ---------------------------------------------------------------------


def test_the_detail_page_shows_agenda_minutes_decisions_and_attendance(world: World) -> None:
    meeting = _meeting(
        world, world.district_a, D(2012, 6, 1), "矢向地区 支援チーム会議",
        agenda="地区の情報交換", minutes="行事と課題を共有した。", decisions="見守りを強化する。",
    )  # fmt: skip
    MeetingAttendance.objects.create(
        meeting=meeting, name="佐藤 花子", organisation_name="矢向地域ケアプラザ"
    )
    response = world.client_for("minsei").get(reverse("plan:meeting_detail", args=[meeting.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ["地区の情報交換", "行事と課題を共有した。", "見守りを強化する。", "佐藤 花子",
                 "矢向地域ケアプラザ", "平成24年度（2012年度）"]:  # fmt: skip
        assert text in page
    assert page.count("<h1>") == 1
    assert 'name="name"' not in page  # a welfare commissioner reads but does not record


def test_staff_of_another_district_get_404_on_the_meeting(world: World) -> None:
    meeting = make_meeting_a(world)
    url = reverse("plan:meeting_detail", args=[meeting.pk])
    assert world.client_for("staff_b").get(url).status_code == 404
    assert world.client_for("staff_b").post(url, {"name": "x"}).status_code == 404
    assert not MeetingAttendance.objects.exists()


def test_attendance_is_added_on_the_detail_page_and_audited(world: World) -> None:
    meeting = make_meeting_a(world)
    url = reverse("plan:meeting_detail", args=[meeting.pk])
    response = world.client_for("shakyo").post(
        url, {"name": "田中 誠", "organisation_name": "鶴見区社会福祉協議会"}
    )
    assert response.status_code == 302
    row = MeetingAttendance.objects.get(meeting=meeting)
    assert (row.name, row.organisation_name) == ("田中 誠", "鶴見区社会福祉協議会")
    assert AuditEvent.objects.filter(
        action="record.create", object_type="plan.MeetingAttendance", object_id=str(row.pk),
        municipality=world.ward,
    ).exists()  # fmt: skip


@pytest.mark.parametrize(
    "data", [{"name": ""}, {"name": "x" * 101}, {"name": "a", "organisation_name": "y" * 201}]
)
def test_bad_attendance_is_refused_with_400(world: World, data: dict[str, str]) -> None:
    meeting = make_meeting_a(world)
    response = world.client_for("staff_a").post(
        reverse("plan:meeting_detail", args=[meeting.pk]), data
    )
    assert response.status_code == 400
    assert not MeetingAttendance.objects.exists()


def test_readers_without_plan_record_cannot_add_attendance(world: World) -> None:
    meeting = make_meeting_a(world)
    response = world.client_for("minsei").post(
        reverse("plan:meeting_detail", args=[meeting.pk]), {"name": "田中 誠"}
    )
    assert response.status_code == 403
    assert not MeetingAttendance.objects.exists()


def test_committee_meeting_attendance_is_kept_by_the_ward_administrator(world: World) -> None:
    committee = make_committee(world)
    meeting = _meeting(world, None, D(2012, 7, 15), "推進委員会", body=MeetingBody.COMMITTEE,
                       committee=committee)  # fmt: skip
    url = reverse("plan:meeting_detail", args=[meeting.pk])
    staff = world.client_for("staff_a")
    assert staff.get(url).status_code == 200  # ward-wide: every plan reader sees it
    assert staff.post(url, {"name": "田中 誠"}).status_code == 403
    assert world.client_for("ward_admin").post(url, {"name": "田中 誠"}).status_code == 302
    assert MeetingAttendance.objects.filter(meeting=meeting).count() == 1
