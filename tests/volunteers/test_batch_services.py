"""Batch matching through services: the solver's proposal is stored, then applied (audited)
through `assign`, all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ainet.core.models import AuditEvent
from ainet.volunteers import services
from ainet.volunteers.models import AssignmentSource, MatchRunStatus, RequestState
from tests.conftest import World
from tests.volunteers.url_rules import make_request, make_volunteer, town_in


def test_the_solver_serves_as_many_requests_as_possible(world: World) -> None:
    # v1 can serve both requests, v2 only r1: the optimum gives r1 to v2 and r2 to v1.
    v1 = make_volunteer(world, name="v1", capacity=1, availability="mon-am,tue-am")
    v2 = make_volunteer(world, name="v2", capacity=1, availability="mon-am")
    r1 = make_request(world, title="r1", slot="mon-am")
    r2 = make_request(world, title="r2", slot="tue-am")
    run = services.run_batch(world.users["shakyo"], world.ward, 1500)
    assert run.served == 2
    assert {(p["request"], p["volunteer"]) for p in run.proposal} == {
        (r1.pk, v2.pk),
        (r2.pk, v1.pk),
    }
    made = services.apply_run(world.users["shakyo"], run, [r1.pk, r2.pk])
    assert len(made) == 2
    assert all(a.source == AssignmentSource.BATCH for a in made)
    r1.refresh_from_db()
    assert r1.state == RequestState.COORDINATING
    run.refresh_from_db()
    assert run.status == MatchRunStatus.APPLIED
    assert AuditEvent.objects.filter(object_type="volunteers.MatchRun").count() == 2
    with pytest.raises(ValidationError):
        services.apply_run(world.users["shakyo"], run, [r1.pk])


def test_unservable_requests_are_listed(world: World) -> None:
    make_volunteer(world, availability="sun-eve")
    req = make_request(world, slot="mon-am")
    run = services.run_batch(world.users["shakyo"], world.ward, 1500)
    assert run.served == 0
    assert run.unassigned == [req.pk]


def test_applying_a_stale_proposal_assigns_nothing(world: World) -> None:
    volunteer = make_volunteer(world, capacity=1)
    r1 = make_request(world, title="r1")
    run = services.run_batch(world.users["shakyo"], world.ward, 1500)
    other = make_request(world, title="other")
    services.assign(world.users["shakyo"], other, volunteer)  # the volunteer is now full
    with pytest.raises(ValidationError):
        services.apply_run(world.users["shakyo"], run, [r1.pk])
    assert not r1.assignments.exists()


def test_choosing_requests_outside_the_proposal_is_refused(world: World) -> None:
    make_volunteer(world)
    make_request(world)
    run = services.run_batch(world.users["shakyo"], world.ward, 1500)
    with pytest.raises(ValidationError):
        services.apply_run(world.users["shakyo"], run, [999_999])


def test_bad_distance_and_missing_capability_are_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        services.run_batch(world.users["shakyo"], world.ward, 0)
    with pytest.raises(PermissionDenied):
        services.run_batch(world.users["care_plaza"], world.ward, 1500)


def test_requests_of_other_districts_are_left_out_of_a_users_run(world: World) -> None:
    make_volunteer(world, world.district_b, town=town_in(world.district_b))
    make_request(world, world.district_b, town=town_in(world.district_b))
    run = services.run_batch(world.users["staff_a"], world.ward, 1500)
    assert run.request_count == 0
