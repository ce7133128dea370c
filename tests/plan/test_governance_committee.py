"""The promotion committee page: members by term, committee meetings; the ward administrator
adds members and ends terms."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ainet.core.dates import today_tokyo
from ainet.core.models import AuditEvent, Municipality, Organisation, OrganisationKind
from ainet.plan import governance_services as services
from ainet.plan.models import Committee, CommitteeMember, Meeting, MeetingAttendance, MeetingBody
from tests.conftest import World
from tests.plan.url_rules import make_committee

D = datetime.date


def _member(committee: Committee, name: str, start: D, end: D | None) -> CommitteeMember:
    return CommitteeMember.objects.create(
        committee=committee, name=name, organisation_name="鶴見区町内会連合会",
        term_start=start, term_end=end,
    )  # fmt: skip


def _new_member(**changes: str) -> dict[str, str]:
    return {"name": "鈴木 太郎", "name_kana": "すずき たろう", "term_start": "2024-04-01",
            "term_end": "令和8年3月31日", "organisation_name": "鶴見区老人クラブ連合会",
            **changes}  # fmt: skip


def test_the_committee_page_shows_current_and_past_members_and_its_meetings(
    world: World,
) -> None:
    committee = make_committee(world)
    today = today_tokyo()
    _member(committee, "現任 花子", today - datetime.timedelta(days=30), None)
    _member(committee, "前任 太郎", D(2010, 4, 1), D(2012, 3, 31))
    meeting = Meeting.objects.create(
        municipality=world.ward, body=MeetingBody.COMMITTEE, committee=committee,
        held_on=D(2012, 7, 15), title="2012年度 第1回 推進委員会",
    )  # fmt: skip
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=meeting, name=f"出席者{i}") for i in range(9)
    )
    response = world.client_for("committee").get(reverse("plan:committee"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1>") == 1
    assert page.index("現任 花子") < page.index("前任 太郎")  # current before past
    assert "鶴見区町内会連合会" in page
    assert "2010-04-01 – 2012-03-31" in page
    assert "2012年度 第1回 推進委員会" in page
    assert '<td class="number">9</td>' in page
    assert reverse("plan:committee_member_add", args=[committee.pk]) not in page
    assert reverse("plan:overview") in page  # breadcrumb back to the plan


def test_the_ward_administrator_sees_the_add_and_end_controls(world: World) -> None:
    committee = make_committee(world)
    member = _member(committee, "現任 花子", D(2024, 4, 1), None)
    page = world.client_for("ward_admin").get(reverse("plan:committee")).content.decode()
    assert reverse("plan:committee_member_add", args=[committee.pk]) in page
    assert reverse("plan:committee_member_end", args=[member.pk]) in page


def test_the_committee_page_says_so_when_no_committee_is_recorded(world: World) -> None:
    response = world.client_for("staff_a").get(reverse("plan:committee"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No promotion committee is recorded yet." in response.content.decode()


def test_the_ward_administrator_adds_a_member_and_it_is_audited(world: World) -> None:
    committee = make_committee(world)
    organisation = Organisation.objects.filter(
        municipality=world.ward, kind=OrganisationKind.WARD_SHAKYO
    ).get()
    response = world.client_for("ward_admin").post(
        reverse("plan:committee_member_add", args=[committee.pk]),
        _new_member(organisation=str(organisation.pk), organisation_name=""),
    )
    assert response.status_code == 302
    member = CommitteeMember.objects.get(name="鈴木 太郎")
    assert member.organisation == organisation
    assert (member.term_start, member.term_end) == (D(2024, 4, 1), D(2026, 3, 31))
    assert AuditEvent.objects.filter(
        action="record.create", object_type="plan.CommitteeMember", object_id=str(member.pk),
        municipality=world.ward,
    ).exists()  # fmt: skip


@pytest.mark.parametrize(
    "changes",
    [
        {"term_start": "2026-04-01", "term_end": "2024-03-31"},  # reversed
        {"term_start": "2009-04-01"},  # before the committee was set up
        {"name": "x" * 101},
        {"organisation_name": "y" * 201},
        {"term_start": "令和7年2月30日"},
        {"name": ""},
    ],
)
def test_a_bad_member_is_refused_with_400_and_nothing_is_saved(
    world: World, changes: dict[str, str]
) -> None:
    committee = make_committee(world)
    response = world.client_for("ward_admin").post(
        reverse("plan:committee_member_add", args=[committee.pk]), _new_member(**changes)
    )
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not CommitteeMember.objects.exists()
    assert not AuditEvent.objects.filter(object_type="plan.CommitteeMember").exists()


def test_an_organisation_of_another_ward_cannot_be_chosen(
    world: World, other_ward: Municipality
) -> None:
    committee = make_committee(world)
    foreign = Organisation.objects.create(
        municipality=other_ward, kind=OrganisationKind.WARD_SHAKYO, name="神奈川区社会福祉協議会"
    )
    response = world.client_for("ward_admin").post(
        reverse("plan:committee_member_add", args=[committee.pk]),
        _new_member(organisation=str(foreign.pk), organisation_name=""),
    )
    assert response.status_code == 400
    assert not CommitteeMember.objects.exists()


def test_a_committee_of_another_ward_is_not_found(world: World, other_ward: Municipality) -> None:
    foreign = Committee.objects.create(
        municipality=other_ward, name="神奈川区推進委員会", established_on=D(2010, 4, 1)
    )
    response = world.client_for("ward_admin").post(
        reverse("plan:committee_member_add", args=[foreign.pk]), _new_member()
    )
    assert response.status_code == 404
    assert not CommitteeMember.objects.exists()


@pytest.mark.parametrize("persona", ["staff_a", "shakyo", "committee"])
def test_only_the_ward_administrator_adds_members_and_ends_terms(
    world: World, persona: str
) -> None:
    committee = make_committee(world)
    member = _member(committee, "現任 花子", D(2024, 4, 1), None)
    client = world.client_for(persona)
    add = reverse("plan:committee_member_add", args=[committee.pk])
    end = reverse("plan:committee_member_end", args=[member.pk])
    assert client.post(add, _new_member()).status_code == 403
    assert client.post(end, {"term_end": "2025-03-31"}).status_code == 403
    member.refresh_from_db()
    assert member.term_end is None
    assert CommitteeMember.objects.count() == 1


def test_ending_a_term_moves_the_member_to_past_members_and_is_audited(world: World) -> None:
    committee = make_committee(world)
    member = _member(committee, "現任 花子", D(2020, 4, 1), None)
    client = world.client_for("ward_admin")
    url = reverse("plan:committee_member_end", args=[member.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"term_end": "令和6年3月31日"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.term_end == D(2024, 3, 31)
    event = AuditEvent.objects.get(action="record.update", object_type="plan.CommitteeMember")
    assert event.details["term_end"] == "2024-03-31"
    page = client.get(reverse("plan:committee"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.index("Past members") < page.index("現任 花子")


@pytest.mark.parametrize("day", ["2020-03-31", "2031-01-01", "not a date"])
def test_a_term_cannot_end_before_it_starts_or_be_extended(world: World, day: str) -> None:
    committee = make_committee(world)
    member = _member(committee, "現任 花子", D(2020, 4, 1), D(2030, 3, 31))
    response = world.client_for("ward_admin").post(
        reverse("plan:committee_member_end", args=[member.pk]), {"term_end": day}
    )
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.term_end == D(2030, 3, 31)
    assert not AuditEvent.objects.filter(object_type="plan.CommitteeMember").exists()


def test_the_services_refuse_anyone_but_the_wards_administrator(world: World) -> None:
    committee = make_committee(world)
    member = _member(committee, "現任 花子", D(2020, 4, 1), None)
    with pytest.raises(PermissionDenied):
        services.add_committee_member(
            world.users["staff_a"], committee, name="x", term_start=D(2024, 4, 1)
        )
    with pytest.raises(PermissionDenied):
        services.end_committee_term(world.users["committee"], member, term_end=D(2024, 4, 1))
