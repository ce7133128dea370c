"""District plans: every visible district × its plan for a period, a plan's stages over time,
and the founding of the district's own plan organisation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ainet.core.dates import fiscal_year, today_tokyo
from ainet.core.models import AuditEvent, District, Municipality
from ainet.plan import governance_services as services
from ainet.plan.models import (
    DistrictOrganisation,
    DistrictPlan,
    DistrictPlanStage,
    PlanPeriod,
    PlanStage,
)
from tests.conftest import World
from tests.plan.url_rules import make_period, make_plan_a

D = datetime.date


def _stage(plan: DistrictPlan, stage: str, day: D) -> DistrictPlanStage:
    return DistrictPlanStage.objects.create(plan=plan, stage=stage, started_on=day)


def _page(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


# --- The table --------------------------------------------------------------------------------


def test_the_table_shows_each_visible_district_with_the_stage_at_the_periods_end(
    world: World,
) -> None:
    plan = make_plan_a(world)  # period 2, FY2010–2014, long over
    _stage(plan, PlanStage.ACTIVITIES, D(2010, 4, 1))
    _stage(plan, PlanStage.OWN_ORGANISATION, D(2014, 6, 1))
    DistrictOrganisation.objects.create(
        district=world.district_a, name="矢向地区あいねっと推進会議", founded_on=D(2014, 6, 1)
    )
    DistrictPlan.objects.create(district=world.district_b, period=plan.period, title="市場の計画")
    response = world.client_for("staff_a").get(
        reverse("plan:district_plan_list"), {"period": "2"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    page = _page(response)
    assert response.status_code == 200
    assert "Stage on 2015-03-31" in page
    assert "Own organisation" in page
    assert "矢向地区あいねっと推進会議" in page and "2014-06-01" in page
    assert reverse("plan:district_plan_detail", args=[plan.pk]) in page
    assert "市場の計画" not in page  # staff A sees district A only
    assert "1 of 1 district has a plan for this period." in page


def test_the_ward_administrator_sees_every_district_with_or_without_a_plan(world: World) -> None:
    make_plan_a(world)
    response = world.client_for("ward_admin").get(
        reverse("plan:district_plan_list"), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = _page(response)
    districts = District.objects.filter(municipality=world.ward)
    assert all(d.name in page for d in districts)
    assert f"1 of {districts.count()} districts have a plan for this period." in page
    assert "No plan recorded" in page


def test_a_running_period_shows_todays_stage(world: World) -> None:
    today = today_tokyo()
    fy = fiscal_year(today)
    period = PlanPeriod.objects.create(
        municipality=world.ward, number=5, name="第5期", first_fy=fy - 1, last_fy=fy + 3
    )
    plan = DistrictPlan.objects.create(district=world.district_a, period=period)
    _stage(plan, PlanStage.FORUM, D(fy - 1, 4, 1))
    if today < D(fy + 3, 4, 1):
        _stage(plan, PlanStage.DISCUSSION, D(fy + 3, 4, 1))  # later than today
    page = _page(
        world.client_for("staff_a").get(
            reverse("plan:district_plan_list"), {"period": "5"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    )
    assert f"Stage on {today.isoformat()}" in page
    assert "District forum" in page
    assert "Continuous discussion" not in page


def test_without_any_period_the_page_says_so(world: World) -> None:
    response = world.client_for("committee").get(
        reverse("plan:district_plan_list"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "No plan period is recorded yet." in _page(response)


@pytest.mark.parametrize("period", ["9", "abc", "x" * 3000])
def test_an_unknown_period_is_a_clear_error_with_400(world: World, period: str) -> None:
    make_period(world)
    response = world.client_for("staff_a").get(
        reverse("plan:district_plan_list"), {"period": period}
    )
    assert response.status_code == 400
    assert 'class="errorlist' in _page(response)


# --- The plan page ----------------------------------------------------------------------------


def test_the_plan_page_shows_the_stages_over_time_and_the_organisations(world: World) -> None:
    plan = make_plan_a(world)
    _stage(plan, PlanStage.ACTIVITIES, D(2010, 4, 1))
    _stage(plan, PlanStage.OWN_ORGANISATION, D(2012, 6, 1))
    DistrictOrganisation.objects.create(
        district=world.district_a, name="矢向地区あいねっと推進会議", founded_on=D(2008, 6, 1)
    )
    response = world.client_for("association").get(
        reverse("plan:district_plan_detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = _page(response)
    assert response.status_code == 200
    assert page.count("<h1>") == 1
    assert page.index("2010-04-01") < page.index("2012-05-31") < page.index("2012-06-01")
    assert "矢向地区あいねっと推進会議" in page
    assert 'name="stage"' not in page  # an association manager reads only


def test_staff_of_another_district_get_404_on_the_plan_and_its_forms(world: World) -> None:
    plan = make_plan_a(world)
    client = world.client_for("staff_b")
    assert client.get(reverse("plan:district_plan_detail", args=[plan.pk])).status_code == 404
    stage_url = reverse("plan:district_plan_stage_add", args=[plan.pk])
    assert client.post(stage_url, {"stage": "forum", "started_on": "2011-04-01"}).status_code == 404
    organisation_url = reverse("plan:district_organisation_add", args=[plan.pk])
    assert (
        client.post(organisation_url, {"name": "x", "founded_on": "2011-04-01"}).status_code == 404
    )
    assert not plan.stages.exists() and not DistrictOrganisation.objects.exists()


# --- Stages -----------------------------------------------------------------------------------


def test_adding_a_stage_records_it_and_is_audited(world: World) -> None:
    plan = make_plan_a(world)
    response = world.client_for("care_plaza").post(
        reverse("plan:district_plan_stage_add", args=[plan.pk]),
        {"stage": "discussion", "started_on": "平成23年4月1日"},
    )
    assert response.status_code == 302
    stage = plan.stages.get()
    assert (stage.stage, stage.started_on) == ("discussion", D(2011, 4, 1))
    assert AuditEvent.objects.filter(
        action="record.create", object_type="plan.DistrictPlanStage", object_id=str(stage.pk),
        municipality=world.ward,
    ).exists()  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        {"stage": "forum", "started_on": "2010-03-31"},  # the day before the period
        {"stage": "forum", "started_on": "2015-04-01"},  # the day after
        {"stage": "forum", "started_on": "2012-06-01"},  # a stage already starts that day
        {"stage": "founded", "started_on": "2011-04-01"},
        {"stage": "forum", "started_on": "2011-02-29"},
    ],
)
def test_a_bad_stage_is_refused_with_400_and_nothing_is_saved(
    world: World, data: dict[str, str]
) -> None:
    plan = make_plan_a(world)
    _stage(plan, PlanStage.ACTIVITIES, D(2012, 6, 1))
    response = world.client_for("staff_a").post(
        reverse("plan:district_plan_stage_add", args=[plan.pk]), data
    )
    assert response.status_code == 400
    assert 'class="errorlist' in _page(response)
    assert plan.stages.count() == 1
    assert not AuditEvent.objects.filter(object_type="plan.DistrictPlanStage").exists()


def test_the_service_also_refuses_a_stage_outside_the_period_or_on_a_taken_date(
    world: World,
) -> None:
    plan = make_plan_a(world)
    _stage(plan, PlanStage.FORUM, D(2010, 4, 1))
    actor = world.users["staff_a"]
    for day in (D(2009, 4, 1), D(2010, 4, 1)):
        with pytest.raises(ValidationError):
            services.add_plan_stage(actor, plan, stage="discussion", started_on=day)
    assert plan.stages.count() == 1


@pytest.mark.parametrize("persona", ["minsei", "association", "committee"])
def test_readers_without_plan_record_cannot_add_stages_or_organisations(
    world: World, persona: str
) -> None:
    plan = make_plan_a(world)
    client = world.client_for(persona)
    stage = client.post(
        reverse("plan:district_plan_stage_add", args=[plan.pk]),
        {"stage": "forum", "started_on": "2011-04-01"},
    )
    organisation = client.post(
        reverse("plan:district_organisation_add", args=[plan.pk]),
        {"name": "推進会議", "founded_on": "2011-04-01"},
    )
    assert (stage.status_code, organisation.status_code) == (403, 403)
    assert not plan.stages.exists() and not DistrictOrganisation.objects.exists()
    with pytest.raises(PermissionDenied):
        services.add_plan_stage(world.users[persona], plan, stage="forum", started_on=D(2011, 4, 1))


# --- Organisations ----------------------------------------------------------------------------


def test_recording_a_founding_creates_the_organisation_and_is_audited(world: World) -> None:
    plan = make_plan_a(world)
    response = world.client_for("staff_a").post(
        reverse("plan:district_organisation_add", args=[plan.pk]),
        {"name": "矢向地区あいねっと推進会議", "founded_on": "H20.6.1"},
    )
    assert response.status_code == 302
    organisation = DistrictOrganisation.objects.get()
    assert (organisation.district, organisation.founded_on) == (world.district_a, D(2008, 6, 1))
    assert AuditEvent.objects.filter(
        action="record.create", object_type="plan.DistrictOrganisation",
        object_id=str(organisation.pk),
    ).exists()  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x" * 201, "founded_on": "2010-04-01"},
        {"name": "", "founded_on": "2010-04-01"},
        {"name": "推進会議", "founded_on": "2999-04-01"},  # in the future
        {"name": "既存の推進会議", "founded_on": "2012-04-01"},  # the name is taken
    ],
)
def test_a_bad_founding_is_refused_with_400(world: World, data: dict[str, str]) -> None:
    plan = make_plan_a(world)
    DistrictOrganisation.objects.create(
        district=world.district_a, name="既存の推進会議", founded_on=D(2009, 4, 1)
    )
    response = world.client_for("staff_a").post(
        reverse("plan:district_organisation_add", args=[plan.pk]), data
    )
    assert response.status_code == 400
    assert DistrictOrganisation.objects.count() == 1


# --- Recording a plan -------------------------------------------------------------------------


def test_staff_record_a_district_plan_for_a_period(world: World) -> None:
    period = make_period(world)
    client = world.client_for("staff_b")
    assert client.get(reverse("plan:district_plan_create"), {"period": "2"}).status_code == 200
    response = client.post(
        reverse("plan:district_plan_create"),
        {"period": str(period.pk), "district": str(world.district_b.pk), "title": "市場の計画"},
    )
    plan = DistrictPlan.objects.get()
    assert response.status_code == 302
    assert (plan.district, plan.period, plan.title) == (world.district_b, period, "市場の計画")
    assert AuditEvent.objects.filter(
        object_type="plan.DistrictPlan", object_id=str(plan.pk)
    ).exists()


def test_a_second_plan_for_the_same_district_and_period_is_refused(world: World) -> None:
    plan = make_plan_a(world)
    response = world.client_for("staff_a").post(
        reverse("plan:district_plan_create"),
        {"period": str(plan.period.pk), "district": str(world.district_a.pk)},
    )
    assert response.status_code == 400
    assert DistrictPlan.objects.count() == 1


@pytest.mark.parametrize("which", ["other_district", "other_ward"])
def test_a_plan_for_a_district_the_user_cannot_see_is_refused(
    world: World, other_ward: Municipality, which: str
) -> None:
    period = make_period(world)
    district = (
        world.district_a
        if which == "other_district"
        else District.objects.get(municipality=other_ward)
    )
    response = world.client_for("staff_b").post(
        reverse("plan:district_plan_create"),
        {"period": str(period.pk), "district": str(district.pk)},
    )
    assert response.status_code == 400
    assert not DistrictPlan.objects.exists()


def test_a_stage_replaced_on_its_first_day_shows_no_backwards_span(world: World) -> None:
    # The demo history records two stages from 2010-04-01 for districts organised earlier.
    plan = make_plan_a(world)
    _stage(plan, PlanStage.ACTIVITIES, D(2010, 4, 1))
    _stage(plan, PlanStage.OWN_ORGANISATION, D(2010, 4, 1))
    page = _page(
        world.client_for("staff_a").get(
            reverse("plan:district_plan_detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    )
    assert "2010-03-31" not in page
    assert "Stage on 2015-03-31</dt><dd>Own organisation" in page
