"""Reviewers score against the round's criteria; a declared conflict hides the application
(404) and its scores do not count; a decision meeting records decisions with reasons; an award
becomes a funded project the outcome table counts; letters print as Japanese A4 PDF."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from ainet.core.indicators import Span
from ainet.grants import services
from ainet.grants.indicators import grant_funded_projects, grant_funded_projects_by_programme
from ainet.grants.models import (
    Application,
    ApplicationStatus,
    Criterion,
    DecisionMeeting,
    FundedProject,
    Review,
)
from tests.conftest import World
from tests.grants.url_rules import demo_programme, open_round, submitted_a


def score_data(application: Application, value: int) -> dict[str, str]:
    data = {f"criterion_{c.pk}": str(value) for c in application.round.criteria.all()}
    data["comment"] = "良い計画"
    return data


def test_an_assigned_reviewer_scores_every_criterion(world: World) -> None:
    application = submitted_a(world)
    client = world.client_for("committee")
    url = reverse("grants:review", args=[application.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, score_data(application, 4)).status_code == 302
    review = Review.objects.get(application=application, reviewer=world.users["committee"])
    assert sorted(s.score for s in review.scores.all()) == [4, 4, 4]
    # Scoring again replaces the scores.
    client.post(url, score_data(application, 2))
    assert sorted(s.score for s in review.scores.all()) == [2, 2, 2]


def test_a_score_above_the_criterion_maximum_is_refused_and_nothing_saved(world: World) -> None:
    application = submitted_a(world)
    response = world.client_for("committee").post(
        reverse("grants:review", args=[application.pk]), score_data(application, 6)
    )
    assert response.status_code == 400
    assert not Review.objects.filter(application=application).exists()


def test_a_reviewer_not_assigned_to_the_round_finds_nothing(world: World) -> None:
    application = submitted_a(world)
    response = world.client_for("care_plaza").get(reverse("grants:review", args=[application.pk]))
    assert response.status_code == 404


def test_after_declaring_a_conflict_the_reviewer_cannot_see_or_score_it(world: World) -> None:
    application = submitted_a(world)
    shakyo = world.client_for("shakyo")
    shakyo.post(reverse("grants:review", args=[application.pk]), score_data(application, 5))
    response = shakyo.post(
        reverse("grants:conflict_declare", args=[application.pk]), {"reason": "会の役員です"}
    )
    assert response.status_code == 302
    assert shakyo.get(reverse("grants:review", args=[application.pk])).status_code == 404
    assert (
        shakyo.post(
            reverse("grants:review", args=[application.pk]), score_data(application, 5)
        ).status_code
        == 404
    )
    # Not through the staff pages either, although 区社協 sees district A.
    detail = reverse("grants:application_detail", args=[application.pk])
    assert shakyo.get(detail).status_code == 404
    assert application.title not in shakyo.get(reverse("grants:review_list")).content.decode()
    with pytest.raises(Application.DoesNotExist):
        services.score_application(world.users["shakyo"], application, scores={})
    # The scores given before the declaration do not count.
    ranking = services.rankings([application])[0]
    assert ranking.reviews == 0 and ranking.total is None
    # Others still see it.
    assert world.client_for("ward_admin").get(detail).status_code == 200


def test_rankings_average_the_reviewers_totals(world: World) -> None:
    application = submitted_a(world)
    for persona, value in (("committee", 5), ("shakyo", 3)):
        world.client_for(persona).post(
            reverse("grants:review", args=[application.pk]), score_data(application, value)
        )
    ranking = services.rankings([application])[0]
    assert (ranking.reviews, ranking.total) == (2, 12.0)


def test_criteria_cannot_change_once_scoring_began(world: World) -> None:
    application = submitted_a(world)
    world.client_for("committee").post(
        reverse("grants:review", args=[application.pk]), score_data(application, 3)
    )
    response = world.client_for("shakyo").post(
        reverse("grants:criterion_add", args=[application.round_id]),
        {"title": "新しい項目", "max_score": "5"},
    )
    assert response.status_code == 400
    assert Criterion.objects.filter(round_id=application.round_id).count() == 3


def meeting(world: World) -> DecisionMeeting:
    response = world.client_for("shakyo").post(
        reverse("grants:meeting_create", args=[open_round(world).pk]),
        {"held_on": "2026-12-20", "title": "第1回審査会", "members": "委員A、委員B"},
    )
    assert response.status_code == 302
    return DecisionMeeting.objects.get(title="第1回審査会")


def decide(world: World, m: DecisionMeeting, application: Application, **data: str) -> object:
    prefix = f"a{application.pk}"
    return world.client_for("shakyo").post(
        reverse("grants:decision_record", args=[m.pk, application.pk]),
        {f"{prefix}-{k}": v for k, v in data.items()},
    )


def test_an_award_becomes_a_funded_project_counted_per_period_district_and_programme(
    world: World,
) -> None:
    application = submitted_a(world)
    m = meeting(world)
    fy_span = Span(1, 2026, 2026)
    before = grant_funded_projects(world.ward, [fy_span], [world.district_a.pk])
    response = decide(world, m, application, outcome="award", amount_yen="45000", reason="必要性")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.AWARDED
    project = FundedProject.objects.get(application=application)
    assert (project.amount_yen, project.district, project.programme) == (
        45_000,
        world.district_a,
        demo_programme(world),
    )
    after = grant_funded_projects(world.ward, [fy_span], [world.district_a.pk])
    assert after[(1, world.district_a.pk)] == (before[(1, world.district_a.pk)] or 0) + 1
    assert after[(1, None)] == (before[(1, None)] or 0) + 1
    by_programme = grant_funded_projects_by_programme(world.ward, fy_span)
    assert by_programme["zenni-grant"] >= 1
    # Decided once only.
    response = decide(world, m, application, outcome="reject", reason="x")
    assert response.status_code in (400, 404)
    assert FundedProject.objects.filter(application=application).count() == 1


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"outcome": "award", "amount_yen": "50001", "reason": "x"}, "申請額（50,000円）"),
        ({"outcome": "award", "amount_yen": "", "reason": "x"}, "助成決定額を入力してください"),
        ({"outcome": "reject", "reason": ""}, "このフィールドは必須です"),
        ({"outcome": "maybe", "reason": "x"}, "正しく選択してください"),
    ],
)
def test_a_bad_decision_is_refused_and_nothing_recorded(
    world: World, data: dict[str, str], fragment: str
) -> None:
    application = submitted_a(world)
    response = decide(world, meeting(world), application, **data)
    assert response.status_code == 400
    assert fragment in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not FundedProject.objects.filter(application=application).exists()


def test_ward_office_staff_cannot_decide_a_programme_run_by_the_shakyo(world: World) -> None:
    application = submitted_a(world)
    m = meeting(world)
    with pytest.raises(Exception) as raised:
        services.record_decision(
            world.users["staff_a"], m, application, outcome="reject", reason="x"
        )
    assert raised.type.__name__ == "PermissionDenied"


def pdf_text(data: bytes) -> str:
    return "".join(
        "".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages
    )


@pytest.mark.parametrize(
    ("outcome", "title"), [("award", "助成決定通知書"), ("reject", "助成不採択通知書")]
)
def test_the_letter_is_a_japanese_a4_pdf_with_the_reason(
    world: World, outcome: str, title: str
) -> None:
    application = submitted_a(world)
    m = meeting(world)
    decide(world, m, application, outcome=outcome, amount_yen="40000", reason="地域の必要性が高い")
    decision = application.decision
    response = world.client_for("staff_a").get(reverse("grants:letter", args=[decision.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = pdf_text(response.content)
    assert title in text and "地域の必要性が高い" in text and application.group_name in text
    assert ("40,000円" in text) == (outcome == "award")
    for font in page["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    # Another district's staff finds no letter.
    response = world.client_for("staff_b").get(reverse("grants:letter", args=[decision.pk]))
    assert response.status_code == 404


def test_a_draft_cannot_be_decided(world: World) -> None:
    draft = Application.objects.get(round=open_round(world), status=ApplicationStatus.DRAFT)
    with pytest.raises((ValidationError, Exception)):
        services.record_decision(
            world.users["ward_admin"], meeting(world), draft, outcome="reject", reason="x"
        )
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
