"""Requests, the coordinator's workflow (state machine) and assignments in services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ainet.core.dates import today_tokyo
from ainet.volunteers import services
from ainet.volunteers.models import RequestState, VolunteerRequest
from tests.conftest import World
from tests.volunteers.url_rules import make_request, make_volunteer, skill, town_in

DAY = datetime.date(2026, 1, 10)


def test_a_request_is_received_with_its_first_step(world: World) -> None:
    req = services.create_request(
        world.users["shakyo"],
        world.ward,
        title="買い物",
        requester_kind="resident",
        requester_name="依頼 花子",
        town=town_in(world.district_a),
        skills=[skill(world)],
        slot="mon-am",
    )
    assert req.state == RequestState.RECEIVED
    assert req.coordinator == world.users["shakyo"]
    assert list(req.transitions.values_list("to_state", flat=True)) == ["received"]


def test_a_request_with_bad_fields_is_not_saved(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_request(
            world.users["shakyo"],
            world.ward,
            title="",
            requester_kind="alien",
            requester_name="x",
            slot="mon-night",
            language="xx",
            priority=101,
        )
    assert {"title", "requester_kind", "slot", "language", "priority", "district"} <= set(
        caught.value.message_dict
    )
    assert not VolunteerRequest.objects.exists()


def test_the_workflow_runs_through_every_step(world: World) -> None:
    req = make_request(world)
    actor = world.users["shakyo"]
    services.assign(actor, req, make_volunteer(world), on=DAY)
    req.refresh_from_db()
    assert req.state == RequestState.COORDINATING
    for step in ("introduced", "accompanied", "active", "review", "closed"):
        services.transition(actor, req, step, DAY, note=f"{step} note")
    req.refresh_from_db()
    assert req.state == RequestState.CLOSED
    assert req.closed_on == DAY
    assert not req.assignments.current().exists()
    steps = list(req.transitions.values_list("to_state", flat=True))
    assert steps == ["coordinating", "introduced", "accompanied", "active", "review", "closed"]


def test_an_illegal_step_is_refused_in_both_languages_and_changes_nothing(world: World) -> None:
    req = make_request(world)
    for lang, words in (("ja", "移れません"), ("en", "cannot move")):
        with translation.override(lang), pytest.raises(ValidationError) as caught:
            services.transition(world.users["shakyo"], req, "active", DAY)
        assert words in " ".join(caught.value.messages)
    req.refresh_from_db()
    assert req.state == RequestState.RECEIVED
    assert req.transitions.count() == 0


def test_introducing_needs_an_assigned_volunteer(world: World) -> None:
    req = make_request(world, state=RequestState.COORDINATING)
    with pytest.raises(ValidationError):
        services.transition(world.users["shakyo"], req, "introduced", DAY)


def test_steps_cannot_go_back_in_time_or_into_the_future(world: World) -> None:
    req = make_request(world)
    with pytest.raises(ValidationError):
        services.transition(world.users["shakyo"], req, "coordinating", datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.transition(
            world.users["shakyo"], req, "coordinating", today_tokyo() + datetime.timedelta(days=1)
        )


def test_going_back_to_coordinating_ends_the_assignment(world: World) -> None:
    req = make_request(world)
    actor = world.users["shakyo"]
    services.assign(actor, req, make_volunteer(world), on=DAY)
    services.transition(actor, req, "introduced", DAY)
    services.transition(actor, req, "coordinating", DAY, note="断られた")
    assert not req.assignments.current().exists()


def test_assignment_respects_status_consent_and_capacity(world: World) -> None:
    actor = world.users["shakyo"]
    paused = make_volunteer(world, status="paused")
    silent = make_volunteer(world, consent=False)
    busy = make_volunteer(world, capacity=1)
    services.assign(actor, make_request(world), busy)
    for volunteer in (paused, silent, busy):
        with pytest.raises(ValidationError):
            services.assign(actor, make_request(world), volunteer)


def test_the_same_volunteer_cannot_be_assigned_twice(world: World) -> None:
    req, volunteer = make_request(world), make_volunteer(world)
    services.assign(world.users["shakyo"], req, volunteer)
    with pytest.raises(ValidationError):
        services.assign(world.users["shakyo"], req, volunteer)


def test_staff_of_another_district_cannot_move_a_request(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.transition(world.users["staff_b"], make_request(world), "coordinating", DAY)


def test_ending_an_assignment(world: World) -> None:
    req = make_request(world)
    assignment = services.assign(world.users["shakyo"], req, make_volunteer(world))
    services.end_assignment(world.users["shakyo"], assignment)
    assignment.refresh_from_db()
    assert assignment.ended_on == today_tokyo()
    with pytest.raises(ValidationError):
        services.end_assignment(world.users["shakyo"], assignment)
