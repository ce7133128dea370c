"""The district year page, the district index and team notes, on the demo ward with its
FY2005–FY2014 history (built once for this module by `history_ward`)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ainet.community.models import Activity
from ainet.core.models import AuditEvent, District, User
from ainet.plan.models import Meeting, MeetingBody, TeamNote
from ainet.reports import selectors

pytestmark = pytest.mark.usefixtures("db")

FY2014 = (datetime.date(2014, 4, 1), datetime.date(2015, 3, 31))


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def year_url(code: str = "yako", fy: object = 2014) -> str:
    return f"{reverse('reports:district_year', args=[code])}?fy={fy}"


def test_the_page_shows_yakos_fy2014_meetings_activities_and_plan(history_ward: Any) -> None:
    response = client_for("staff-yako").get(year_url())
    page = response.content.decode()
    assert response.status_code == 200
    meetings = Meeting.objects.filter(
        district__code="yako", body=MeetingBody.SUPPORT_TEAM, held_on__range=FY2014
    )
    assert meetings.count() == 2
    data = response.context["data"]
    assert [m.pk for m in data.team_meetings] == [m.pk for m in meetings.order_by("held_on")]
    activities = Activity.objects.filter(district__code="yako", started_on__lte=FY2014[1])
    assert activities.exists()
    for activity in activities:
        assert activity.name in page
        assert activity.activity_type.name in page
    assert "矢向地区あいねっと推進会議" in page  # founded 2008-06-01
    assert "矢向地区 第2期地区別計画" in page
    assert data.stage is not None and data.stage.stage == "own_organisation"
    # From FY2012 the team has a section-chief lead, general affairs and public works.
    assert [m.position for m in data.team_members][:3] == [
        "lead",
        "general_affairs",
        "public_works",
    ]
    assert len(data.events) == 2 and all(row.participants > 0 for row in data.events)


def test_before_fy2012_the_team_has_no_section_chief(history_ward: Any) -> None:
    data = client_for("staff-yako").get(year_url(fy=2011)).context["data"]
    assert "lead" not in {m.position for m in data.team_members}
    assert data.stage.stage == "own_organisation"  # founded in June 2008


def test_another_districts_page_is_not_found(history_ward: Any) -> None:
    assert client_for("staff-ichiba").get(year_url()).status_code == 404
    assert client_for("committee-member").get(year_url()).status_code == 404
    assert client_for("volunteer").get(year_url()).status_code == 403


@pytest.mark.parametrize("fy", ["1800", "abc", "2100", "9" * 30, "平成99年度", ""])
def test_an_invalid_fiscal_year_is_a_clear_404(history_ward: Any, fy: str) -> None:
    response = client_for("staff-yako").get(year_url(fy=fy))
    if fy == "":
        assert response.status_code == 200  # no year given: the current one
        return
    assert response.status_code == 404
    page = response.content.decode()
    assert "平成17〜21年度" in page  # the plan periods are listed
    assert 'role="alert"' in page


def test_the_year_can_be_given_in_the_japanese_era(history_ward: Any) -> None:
    response = client_for("staff-yako").get(year_url(fy="平成26年度"))
    assert response.status_code == 200
    assert response.context["fy"] == 2014


def test_the_year_selector_offers_every_year_of_the_plan_periods(history_ward: Any) -> None:
    response = client_for("staff-yako").get(year_url())
    years = [fy for fy, _label in response.context["year_options"]]
    assert set(range(2005, 2020)) <= set(years)
    assert selectors.current_fiscal_year() in years


def test_the_page_reads_with_a_bounded_number_of_queries(history_ward: Any) -> None:
    client = client_for("ward-admin")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(year_url()).status_code == 200
    assert len(queries) <= 30, [q["sql"] for q in queries.captured_queries]


def test_eighteen_districts_cost_the_same_queries_as_one(history_ward: Any) -> None:
    districts = list(District.objects.filter(municipality=history_ward).order_by("sort_order"))
    assert len(districts) == 18

    def queries_for(chosen: list[District]) -> int:
        with CaptureQueriesContext(connection) as queries:
            years = selectors.district_years(None, history_ward, chosen, 2014)
            for year in years.values():  # touch what the booklet reads
                _ = [(a.activity_type.name, a.pillar, a.theme) for g in year.activity_groups
                     for a in g.activities]  # fmt: skip
                _ = [p.programme.name for p in year.funded_projects]
        return len(queries)

    one, all_ = queries_for(districts[:1]), queries_for(districts)
    assert one == all_ <= 15


def test_the_user_scoped_read_hides_other_districts(history_ward: Any) -> None:
    staff = User.objects.get(username="staff-ichiba")
    yako = District.objects.get(code="yako")
    assert selectors.district_years(staff, history_ward, [yako], 2014) == {}


def test_the_index_lists_the_users_districts_with_links_and_the_booklet(
    history_ward: Any,
) -> None:
    response = client_for("staff-yako").get(reverse("reports:district_index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert [d.code for d, _summary in response.context["rows"]] == ["yako"]
    fy = selectors.current_fiscal_year()
    assert f"{reverse('reports:district_year', args=['yako'])}?fy={fy}" in page
    assert reverse("reports:booklet") in page
    # The booklet is offered for the last plan year with records (the demo ends in FY2014).
    assert f"{reverse('reports:booklet')}?fy=2014" in page

    admin = client_for("ward-admin").get(reverse("reports:district_index"), {"fy": "2014"})
    assert len(admin.context["rows"]) == 18
    assert all(summary.team_meetings for _d, summary in admin.context["rows"])


# --- team notes ----------------------------------------------------------------------------


def note_url(code: str = "yako") -> str:
    return reverse("reports:add_team_note", args=[code])


def test_staff_add_a_note_and_it_is_audited(history_ward: Any) -> None:
    client = client_for("staff-yako")
    response = client.post(note_url(), {"text": "  次回は防災マップの確認から  ", "fy": "2014"})
    assert response.status_code == 302
    assert response["Location"].endswith("?fy=2014#notes")
    note = TeamNote.objects.get()
    assert note.text == "次回は防災マップの確認から"
    assert note.team.district.code == "yako"
    event = AuditEvent.objects.get(action="record.create", object_type="plan.TeamNote")
    assert event.actor_username == "staff-yako"
    assert event.municipality == history_ward
    assert event.details == {"district": "yako", "length": len(note.text)}
    # The note shows on the page of the current year (it was written today).
    page = client.get(year_url(fy=selectors.current_fiscal_year())).content.decode()
    assert "次回は防災マップの確認から" in page


@pytest.mark.parametrize("text", ["", "   \n ", "あ" * 5001])
def test_an_empty_or_overlong_note_is_refused(history_ward: Any, text: str) -> None:
    response = client_for("staff-yako").post(note_url(), {"text": text, "fy": "2014"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not TeamNote.objects.exists()
    assert not AuditEvent.objects.filter(object_type="plan.TeamNote").exists()


def test_a_note_of_exactly_5000_characters_is_kept(history_ward: Any) -> None:
    response = client_for("staff-yako").post(note_url(), {"text": "あ" * 5000})
    assert response.status_code == 302
    assert len(TeamNote.objects.get().text) == 5000


def test_notes_are_refused_outside_the_district_or_without_the_capability(
    history_ward: Any,
) -> None:
    assert client_for("staff-ichiba").post(note_url(), {"text": "x"}).status_code == 404
    assert client_for("minsei-yako").post(note_url(), {"text": "x"}).status_code == 403
    assert client_for("committee-member").post(note_url(), {"text": "x"}).status_code == 403
    assert client_for("staff-yako").get(note_url()).status_code == 405
    assert not TeamNote.objects.exists()


def test_the_service_checks_scope_itself(history_ward: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from ainet.plan.team_services import add_team_note

    with pytest.raises(PermissionDenied):
        add_team_note(
            User.objects.get(username="staff-ichiba"), District.objects.get(code="yako"), "x"
        )
    assert not TeamNote.objects.exists()
