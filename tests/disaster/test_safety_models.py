"""The database itself refuses a second update under one idempotency key in a campaign and a
second latest-status row per person, whatever the code above it does."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ainet.disaster.models import SafetyLatest, SafetyStatus, SafetyUpdate
from tests.conftest import World
from tests.disaster.safety_people import make_campaign, make_person


def _update(world: World, campaign: object, person: object, key: str) -> SafetyUpdate:
    return SafetyUpdate.objects.create(
        campaign=campaign,
        person=person,
        idempotency_key=key,
        status=SafetyStatus.SAFE,
        observed_at=timezone.now(),
        recorded_by=world.users["minsei"],
    )


def test_one_key_is_stored_once_per_campaign(world: World) -> None:
    campaign = make_campaign(world)
    person = make_person(world)
    _update(world, campaign, person, "k" * 16)
    with pytest.raises(IntegrityError), transaction.atomic():
        _update(world, campaign, person, "k" * 16)
    assert SafetyUpdate.objects.count() == 1


def test_the_same_key_may_be_used_in_another_campaign(world: World) -> None:
    person = make_person(world)
    _update(world, make_campaign(world), person, "k" * 16)
    _update(world, make_campaign(world, title="二回目"), person, "k" * 16)
    assert SafetyUpdate.objects.count() == 2


def test_a_person_has_one_latest_row_per_campaign(world: World) -> None:
    campaign = make_campaign(world)
    person = make_person(world)
    first = _update(world, campaign, person, "a" * 16)
    SafetyLatest.objects.create(
        campaign=campaign,
        person=person,
        update=first,
        status=first.status,
        observed_at=first.observed_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyLatest.objects.create(
            campaign=campaign,
            person=person,
            update=first,
            status=first.status,
            observed_at=first.observed_at,
        )
