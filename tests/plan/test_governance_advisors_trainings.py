"""Advisor consultations and staff trainings: lists filtered by fiscal year, and recording."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ainet.core.models import AuditEvent, District, Municipality
from ainet.plan.models import AdvisorConsultation, StaffTraining
from tests.conftest import World

D = datetime.date


def _consultation(world: World, district: District | None, held_on: D, topic: str) -> None:
    AdvisorConsultation.objects.create(
        municipality=world.ward, district=district, advisor_name="アドバイザー",
        held_on=held_on, topic=topic, advice="小さな範囲から始める。",
    )  # fmt: skip


def _training(world: World, held_on: D, title: str, participants: int) -> None:
    StaffTraining.objects.create(
        municipality=world.ward, held_on=held_on, title=title, participants=participants
    )


def _page(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


# --- Advisor consultations --------------------------------------------------------------------


def test_the_advisor_list_filters_by_fiscal_year_and_district_scope(world: World) -> None:
    _consultation(world, world.district_a, D(2012, 5, 1), "矢向 2012年度")
    _consultation(world, world.district_a, D(2013, 5, 1), "矢向 2013年度")
    _consultation(world, world.district_b, D(2012, 5, 1), "市場 2012年度")
    _consultation(world, None, D(2012, 5, 1), "区全体 2012年度")
    client = world.client_for("staff_a")
    everything = _page(client.get(reverse("plan:advisor_list")))
    assert "矢向 2013年度" in everything and "区全体 2012年度" in everything
    assert "市場 2012年度" not in everything
    assert "平成25年度（2013年度）" in everything
    fy2012 = _page(client.get(reverse("plan:advisor_list"), {"fy": "2012"}))
    assert "矢向 2012年度" in fy2012 and "矢向 2013年度" not in fy2012
    committee = _page(world.client_for("committee").get(reverse("plan:advisor_list")))
    assert "区全体 2012年度" in committee and "矢向 2012年度" not in committee


def test_the_advisor_list_has_an_empty_state_and_refuses_a_bad_year(world: World) -> None:
    client = world.client_for("minsei")
    empty = client.get(reverse("plan:advisor_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 200
    assert "No advisor consultations match." in _page(empty)
    assert client.get(reverse("plan:advisor_list"), {"fy": "令和"}).status_code == 400


def test_staff_record_an_advisor_consultation_and_it_is_audited(world: World) -> None:
    response = world.client_for("shakyo").post(
        reverse("plan:advisor_create"),
        {"district": str(world.district_a.pk), "advisor_name": "山田 教授",
         "held_on": "R7.6.10", "topic": "支え合いマップ", "advice": "小さく始める"},
    )  # fmt: skip
    assert response.status_code == 302
    consultation = AdvisorConsultation.objects.get()
    assert (consultation.district, consultation.held_on) == (world.district_a, D(2025, 6, 10))
    assert consultation.municipality == world.ward
    assert AuditEvent.objects.filter(
        action="record.create", object_type="plan.AdvisorConsultation",
        object_id=str(consultation.pk), municipality=world.ward,
    ).exists()  # fmt: skip


@pytest.mark.parametrize(
    "changes",
    [
        {"topic": "x" * 201},
        {"advice": "y" * 10001},
        {"held_on": "2025-02-30"},
        {"advisor_name": ""},
        {"district": "OTHER_WARD"},
        {"district": "DISTRICT_A"},  # staff B cannot record for district A
    ],
)
def test_a_bad_consultation_is_refused_with_400(
    world: World, other_ward: Municipality, changes: dict[str, str]
) -> None:
    if changes.get("district") == "OTHER_WARD":
        changes["district"] = str(District.objects.get(municipality=other_ward).pk)
    elif changes.get("district") == "DISTRICT_A":
        changes["district"] = str(world.district_a.pk)
    data = {"district": "", "advisor_name": "山田", "held_on": "2025-06-10", "topic": "t",
            "advice": "", **changes}  # fmt: skip
    response = world.client_for("staff_b").post(reverse("plan:advisor_create"), data)
    assert response.status_code == 400
    assert not AdvisorConsultation.objects.exists()


@pytest.mark.parametrize("persona", ["minsei", "association", "committee"])
def test_readers_without_plan_record_cannot_record_consultations_or_trainings(
    world: World, persona: str
) -> None:
    client = world.client_for(persona)
    for name in ("plan:advisor_create", "plan:training_create"):
        assert client.get(reverse(name)).status_code == 403
        assert (
            client.post(reverse(name), {"title": "x", "held_on": "2025-06-10"}).status_code == 403
        )
    assert not AdvisorConsultation.objects.exists() and not StaffTraining.objects.exists()


# --- Staff trainings --------------------------------------------------------------------------


def test_the_training_list_filters_by_fiscal_year_and_counts_participants(world: World) -> None:
    _training(world, D(2012, 10, 20), "2012年度 研修", 41)
    _training(world, D(2013, 3, 1), "2012年度 追加研修", 9)
    _training(world, D(2013, 10, 20), "2013年度 研修", 55)
    client = world.client_for("committee")
    page = _page(client.get(reverse("plan:training_list"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "3 trainings, 105 participants in all" in page
    fy2012 = _page(
        client.get(reverse("plan:training_list"), {"fy": "2012"}, HTTP_ACCEPT_LANGUAGE="en")
    )
    assert "2 trainings, 50 participants in all" in fy2012
    assert "2013年度 研修" not in fy2012


def test_staff_record_a_training_and_it_is_audited(world: World) -> None:
    response = world.client_for("care_plaza").post(
        reverse("plan:training_create"),
        {"held_on": "2025-10-20", "title": "支援チーム職員研修", "organiser": "鶴見区役所",
         "participants": "48", "notes": ""},
    )  # fmt: skip
    assert response.status_code == 302
    training = StaffTraining.objects.get()
    assert (training.municipality, training.participants) == (world.ward, 48)
    assert AuditEvent.objects.filter(
        action="record.create", object_type="plan.StaffTraining", object_id=str(training.pk)
    ).exists()


@pytest.mark.parametrize(
    "changes",
    [{"participants": "-1"}, {"participants": "many"}, {"title": "x" * 201},
     {"notes": "n" * 10001}, {"held_on": ""}],
)  # fmt: skip
def test_a_bad_training_is_refused_with_400(world: World, changes: dict[str, str]) -> None:
    data = {"held_on": "2025-10-20", "title": "研修", "organiser": "", "participants": "10",
            "notes": "", **changes}  # fmt: skip
    response = world.client_for("staff_a").post(reverse("plan:training_create"), data)
    assert response.status_code == 400
    assert 'class="errorlist' in _page(response)
    assert not StaffTraining.objects.exists()
