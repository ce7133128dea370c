"""Hours, attendance at community events, dementia-supporter courses and their graduates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ainet.community import services as community_services
from ainet.community.models import EventKind, Participation
from ainet.volunteers import services
from ainet.volunteers.models import DEMENTIA_SUPPORTER, CourseAttendee
from tests.conftest import World
from tests.volunteers.url_rules import make_course, make_request, make_volunteer

DAY = datetime.date(2026, 2, 1)


def test_hours_are_logged_for_an_assigned_request(world: World) -> None:
    volunteer, req = make_volunteer(world), make_request(world)
    services.assign(world.users["shakyo"], req, volunteer)
    entry = services.log_hours(
        world.users["shakyo"], volunteer, date=DAY, hours=Decimal("2.5"), request=req
    )
    assert entry.hours == Decimal("2.5")


def test_hours_out_of_range_or_for_someone_elses_request_are_refused(world: World) -> None:
    volunteer = make_volunteer(world)
    with pytest.raises(ValidationError) as caught:
        services.log_hours(
            world.users["shakyo"],
            volunteer,
            date=DAY,
            hours=Decimal("30"),
            request=make_request(world),
        )
    assert set(caught.value.message_dict) == {"hours", "request"}
    assert not volunteer.logs.exists()


def test_attendance_at_an_exchange_meeting_counts_as_participation(world: World) -> None:
    event = community_services.create_event(
        world.users["shakyo"],
        world.ward,
        kind=EventKind.FESTIVAL,
        title="交流会",
        date=DAY,
        district=world.district_a,
    )
    volunteer = make_volunteer(world)
    services.record_event_attendance(world.users["shakyo"], event, volunteer)
    assert Participation.objects.filter(event=event).count() == 1
    with pytest.raises(ValidationError):
        services.record_event_attendance(world.users["shakyo"], event, volunteer)
    assert Participation.objects.filter(event=event).count() == 1


def test_only_caravan_mates_teach_a_course(world: World) -> None:
    not_a_mate = make_volunteer(world)
    with pytest.raises(ValidationError):
        services.create_course(
            world.users["shakyo"],
            world.ward,
            title="講座",
            date=DAY,
            district=world.district_a,
            trainers=[not_a_mate],
        )


def test_a_course_is_a_community_training_event(world: World) -> None:
    course = make_course(world)
    assert course.event.kind == EventKind.TRAINING
    assert course.trainers.count() == 1


def test_graduates_count_and_volunteers_get_the_dementia_supporter_certificate(
    world: World,
) -> None:
    course = make_course(world)
    volunteer = make_volunteer(world)
    actor = world.users["shakyo"]
    resident = services.add_attendee(actor, course, name="住民 一郎")
    member = services.add_attendee(actor, course, name="", volunteer=volunteer)
    assert member.name == volunteer.name
    services.graduate(actor, resident)
    services.graduate(actor, member)
    assert CourseAttendee.objects.filter(course=course, graduated_on=course.event.date).count() == 2
    assert Participation.objects.filter(event=course.event).count() == 2
    assert volunteer.certificates.filter(certificate__code=DEMENTIA_SUPPORTER).exists()
    with pytest.raises(ValidationError):
        services.graduate(actor, resident)


def test_an_attendee_needs_a_name(world: World) -> None:
    with pytest.raises(ValidationError):
        services.add_attendee(world.users["shakyo"], make_course(world), name=" ")
