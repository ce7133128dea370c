"""The governance pages over the demo ward's full plan history (FY2005–FY2014)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ainet.demo.history import build_history
from ainet.plan.models import DistrictPlan, Meeting, MeetingBody
from tests.conftest import World


@pytest.fixture
def history(world: World) -> World:
    build_history(world.ward)
    return world


def test_every_list_page_renders_the_history_in_a_bounded_number_of_queries(
    history: World, django_assert_max_num_queries: object
) -> None:
    client = history.client_for("ward_admin")
    client.get(reverse("plan:committee"))  # warm the session and caches
    for name in (
        "plan:committee",
        "plan:meeting_list",
        "plan:district_plan_list",
        "plan:advisor_list",
        "plan:training_list",
    ):
        with django_assert_max_num_queries(40):  # type: ignore[operator]
            response = client.get(reverse(name))
        assert response.status_code == 200, name


def test_the_committee_page_shows_the_demo_committee_and_its_ten_meetings(
    history: World,
) -> None:
    page = history.client_for("committee").get(reverse("plan:committee")).content.decode()
    assert "鶴見・あいねっと推進委員会" in page
    assert (
        page.count("推進委員会</a>") == Meeting.objects.filter(body=MeetingBody.COMMITTEE).count()
    )


def test_the_second_periods_table_shows_the_founded_organisations(history: World) -> None:
    page = (
        history.client_for("ward_admin")
        .get(reverse("plan:district_plan_list"), {"period": "2"})
        .content.decode()
    )
    assert "矢向地区あいねっと推進会議" in page
    assert "2008-06-01" in page
    plan = DistrictPlan.objects.get(district=history.district_a, period__number=2)
    detail = history.client_for("staff_a").get(reverse("plan:district_plan_detail", args=[plan.pk]))
    assert detail.status_code == 200
