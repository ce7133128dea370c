"""Request pages: receive, edit, the detail with the ranked volunteers, assign, the next step."""

from __future__ import annotations

from django.urls import reverse

from ainet.volunteers.models import RequestState, VolunteerRequest
from tests.conftest import World
from tests.volunteers.url_rules import make_request, make_volunteer, skill, town_in


def test_receiving_a_request_from_the_form(world: World) -> None:
    response = world.client_for("shakyo").post(
        reverse("volunteers:request_create"),
        {
            "title": "買い物の付き添い",
            "requester_kind": "resident",
            "requester_name": "依頼 花子",
            "town": town_in(world.district_a).pk,
            "skills": [skill(world).pk],
            "slot": "mon-am",
            "frequency": "weekly",
            "priority": "10",
        },
    )
    assert response.status_code == 302
    assert VolunteerRequest.objects.get().state == RequestState.RECEIVED


def test_a_bad_request_form_saves_nothing(world: World) -> None:
    response = world.client_for("shakyo").post(
        reverse("volunteers:request_create"), {"title": "x", "slot": "mon-am", "priority": "500"}
    )
    assert response.status_code == 400
    assert not VolunteerRequest.objects.exists()


def test_the_detail_ranks_suitable_volunteers_with_reasons(world: World) -> None:
    make_volunteer(world, name="適任者")
    make_volunteer(world, name="不適任", availability="sun-eve")
    req = make_request(world)
    page = world.client_for("care_plaza", "en").get(
        reverse("volunteers:request_detail", args=[req.pk])
    )
    text = page.content.decode()
    assert "適任者" in text and "不適任" not in text
    assert "Free on Monday morning" in text
    assert "Assign" not in text  # care plaza staff read only


def test_a_bad_distance_answers_400(world: World) -> None:
    req = make_request(world)
    response = world.client_for("shakyo").get(
        reverse("volunteers:request_detail", args=[req.pk]), {"max_distance_m": "-5"}
    )
    assert response.status_code == 400


def test_assigning_from_the_ranked_list(world: World) -> None:
    volunteer, req = make_volunteer(world), make_request(world)
    response = world.client_for("shakyo").post(
        reverse("volunteers:request_assign", args=[req.pk]), {"volunteer": volunteer.pk}
    )
    assert response.status_code == 302
    assert req.assignments.get().volunteer == volunteer


def test_assigning_a_volunteer_of_another_district_is_404(world: World) -> None:
    volunteer = make_volunteer(world, world.district_b, town=town_in(world.district_b))
    req = make_request(world)
    response = world.client_for("staff_a").post(
        reverse("volunteers:request_assign", args=[req.pk]), {"volunteer": volunteer.pk}
    )
    assert response.status_code == 404
    assert not req.assignments.exists()


def test_an_illegal_step_from_the_form_answers_400_and_changes_nothing(world: World) -> None:
    req = make_request(world)
    response = world.client_for("shakyo").post(
        reverse("volunteers:request_transition", args=[req.pk]),
        {"to_state": "closed", "on": "2020-01-01"},
    )
    assert response.status_code == 400
    req.refresh_from_db()
    assert req.state == RequestState.RECEIVED


def test_a_step_from_the_board_returns_to_the_board(world: World) -> None:
    req = make_request(world)
    response = world.client_for("shakyo").post(
        reverse("volunteers:request_transition", args=[req.pk]),
        {"to_state": "coordinating", "on": "2026-01-06", "next": "board"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("volunteers:board"))
    req.refresh_from_db()
    assert req.state == RequestState.COORDINATING


def test_editing_a_request(world: World) -> None:
    req = make_request(world)
    response = world.client_for("staff_a").post(
        reverse("volunteers:request_edit", args=[req.pk]),
        {
            "title": "新しい題",
            "requester_kind": "family",
            "requester_name": "家族",
            "district": world.district_a.pk,
            "slot": "fri-pm",
            "frequency": "once",
            "priority": "0",
        },
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.title, req.slot, req.lat) == ("新しい題", "fri-pm", None)


def test_the_request_list_filters_by_state(world: World) -> None:
    make_request(world, title="受付中")
    make_request(world, title="終了済み", state="closed")
    client = world.client_for("shakyo")
    page = client.get(reverse("volunteers:request_list"), {"state": "open"}).content.decode()
    assert "受付中" in page and "終了済み" not in page
    assert client.get(reverse("volunteers:request_list"), {"state": "bogus"}).status_code == 400


def test_ending_an_assignment_from_the_page(world: World) -> None:
    volunteer, req = make_volunteer(world), make_request(world)
    client = world.client_for("shakyo")
    client.post(reverse("volunteers:request_assign", args=[req.pk]), {"volunteer": volunteer.pk})
    assignment = req.assignments.get()
    client.post(reverse("volunteers:assignment_end", args=[req.pk, assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.ended_on is not None


def test_reading_a_request_is_audited(world: World) -> None:
    from ainet.core.models import AuditEvent

    req = make_request(world)
    world.client_for("care_plaza").get(reverse("volunteers:request_detail", args=[req.pk]))
    assert AuditEvent.objects.filter(
        action="record.view", object_type="volunteers.VolunteerRequest", object_id=str(req.pk)
    ).exists()


def test_a_filter_matching_nothing_says_so(world: World) -> None:
    VolunteerRequest.objects.filter(state=RequestState.REVIEW).delete()
    page = world.client_for("shakyo").get(
        reverse("volunteers:request_list"), {"state": RequestState.REVIEW}
    )
    assert page.status_code == 200 and "該当する依頼はありません" in page.content.decode()
