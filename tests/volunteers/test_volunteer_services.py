"""Volunteer writes in services: staff entry, public registration, confirmation, status,
certificates, the audited read."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ainet.core.dates import today_tokyo
from ainet.core.models import AuditEvent
from ainet.volunteers import services
from ainet.volunteers.models import Volunteer, VolunteerStatus
from tests.conftest import World
from tests.volunteers.url_rules import certificate, make_volunteer, skill, town_in


def _fields(world: World, **extra: object) -> dict[str, object]:
    return {
        "name": "新規 ボランティア",
        "town": town_in(world.district_a),
        "skills": [skill(world)],
        "languages": ["ja", "pt"],
        "availability": ["wed-pm", "mon-am"],
        "contact_consent": True,
        "capacity": 2,
        **extra,
    }


def test_staff_entry_registers_an_active_volunteer_with_the_town_point(world: World) -> None:
    volunteer = services.create_volunteer(world.users["shakyo"], world.ward, **_fields(world))
    town = town_in(world.district_a)
    assert volunteer.status == VolunteerStatus.ACTIVE
    assert volunteer.registered_on == today_tokyo()
    assert volunteer.district == world.district_a
    assert (volunteer.lat, volunteer.lng) == (town.lat, town.lng)
    assert volunteer.languages == "ja,pt"
    assert volunteer.availability == "mon-am,wed-pm"
    assert volunteer.contact_consent_on == today_tokyo()
    assert AuditEvent.objects.filter(action="record.create", object_id=str(volunteer.pk)).exists()


def test_staff_entry_outside_the_actors_districts_is_refused(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_volunteer(world.users["staff_b"], world.ward, **_fields(world))
    assert not Volunteer.objects.filter(name="新規 ボランティア").exists()


def test_care_plaza_staff_may_not_register_volunteers(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_volunteer(world.users["care_plaza"], world.ward, **_fields(world))


def test_bad_fields_are_all_reported_and_nothing_is_saved(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_volunteer(
            world.users["ward_admin"],
            world.ward,
            **_fields(world, name=" ", town=None, languages=["xx"], availability=["mon-night"]),
        )
    assert set(caught.value.message_dict) == {"name", "district", "languages", "availability"}
    assert not Volunteer.objects.filter(municipality=world.ward).exists()


def test_public_registration_is_pending_until_a_coordinator_confirms(world: World) -> None:
    volunteer = services.register_publicly(world.ward, **_fields(world))
    assert volunteer.status == VolunteerStatus.PENDING
    assert volunteer.registered_on is None
    services.confirm_registration(world.users["shakyo"], volunteer)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE
    assert volunteer.registered_on == today_tokyo()
    with pytest.raises(ValidationError):
        services.confirm_registration(world.users["shakyo"], volunteer)


def test_public_registration_needs_consent(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.register_publicly(world.ward, **_fields(world, contact_consent=False))
    assert "contact_consent" in caught.value.message_dict
    assert not Volunteer.objects.exists()


def test_pause_resume_and_end_follow_the_allowed_changes(world: World) -> None:
    volunteer = make_volunteer(world)
    actor = world.users["ward_admin"]
    day = datetime.date(2025, 5, 1)
    services.change_status(actor, volunteer, VolunteerStatus.PAUSED, day)
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.paused_on) == (VolunteerStatus.PAUSED, day)
    services.change_status(actor, volunteer, VolunteerStatus.ACTIVE, day)
    services.change_status(actor, volunteer, VolunteerStatus.ENDED, day, note="転居")
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.ended_on) == (VolunteerStatus.ENDED, day)
    assert "転居" in volunteer.notes
    with pytest.raises(ValidationError):
        services.change_status(actor, volunteer, VolunteerStatus.ACTIVE, day)


def test_a_status_change_before_registration_is_refused(world: World) -> None:
    volunteer = make_volunteer(world)
    with pytest.raises(ValidationError):
        services.change_status(
            world.users["ward_admin"], volunteer, VolunteerStatus.PAUSED, datetime.date(2020, 1, 1)
        )


def test_certificates_are_added_with_their_dates(world: World) -> None:
    volunteer = make_volunteer(world)
    holding = services.add_certificate(
        world.users["shakyo"], volunteer, certificate(world), datetime.date(2025, 4, 1)
    )
    assert holding.valid_on(datetime.date(2025, 4, 2))
    with pytest.raises(ValidationError):
        services.add_certificate(
            world.users["shakyo"],
            volunteer,
            certificate(world),
            datetime.date(2025, 4, 1),
            datetime.date(2025, 3, 1),
        )


def test_update_keeps_consent_date_and_drops_it_with_consent(world: World) -> None:
    volunteer = make_volunteer(world, consent=False)
    actor = world.users["shakyo"]
    services.update_volunteer(actor, volunteer, **_fields(world))
    volunteer.refresh_from_db()
    assert volunteer.contact_consent_on == today_tokyo()
    services.update_volunteer(actor, volunteer, **_fields(world, contact_consent=False))
    volunteer.refresh_from_db()
    assert volunteer.contact_consent_on is None


def test_reading_a_volunteer_is_audited(world: World) -> None:
    volunteer = make_volunteer(world)
    services.read_volunteer(world.users["care_plaza"], volunteer)
    assert AuditEvent.objects.filter(action="record.view", object_id=str(volunteer.pk)).exists()
