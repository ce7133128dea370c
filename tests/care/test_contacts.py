"""Logging contacts: last contact kept, volunteers only for their people, follow-ups."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ainet.care import services
from ainet.care.models import Contact, ContactCategory, ContactMethod, SupporterKind
from ainet.core.dates import TOKYO
from tests.care.factories import make_person, supporter_for, tie
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_contact_moves_last_contact_forward_never_back(world: World) -> None:
    person = make_person(world)
    now = timezone.now()
    staff = world.users["staff_a"]
    services.record_contact(staff, person, at=now, method=ContactMethod.VISIT)
    assert person.last_contact_at == now
    services.record_contact(
        staff, person, at=now - datetime.timedelta(days=3), method=ContactMethod.PHONE
    )
    person.refresh_from_db()
    assert person.last_contact_at == now
    assert Contact.objects.filter(person=person).count() == 2


def test_a_volunteer_logs_contacts_only_for_people_assigned_to_them(world: World) -> None:
    mine, other = make_person(world, "担当"), make_person(world, "他人")
    own = supporter_for(world, "volunteer")
    tie(mine, own)
    volunteer = world.users["volunteer"]
    contact = services.record_contact(
        volunteer, mine, at=timezone.now(), method=ContactMethod.VISIT
    )
    assert contact.supporter == own  # their own supporter profile, without asking
    with pytest.raises(PermissionDenied):
        services.record_contact(volunteer, other, at=timezone.now(), method=ContactMethod.VISIT)
    url = reverse("care:contact_create", kwargs={"pk": other.pk})
    assert world.client_for("volunteer").get(url).status_code == 404


def test_contacts_cannot_be_in_the_future_or_in_an_unknown_category(world: World) -> None:
    person = make_person(world)
    staff = world.users["staff_a"]
    with pytest.raises(ValidationError):
        services.record_contact(
            staff, person, at=timezone.now() + datetime.timedelta(days=1), method="visit"
        )
    with pytest.raises(ValidationError):
        services.record_contact(staff, person, at=timezone.now(), method="visit", category="x")
    assert not Contact.objects.exists()


def test_logging_through_the_form_in_tokyo_time(world: World) -> None:
    person = make_person(world)
    minsei = supporter_for(world, "minsei", SupporterKind.MINSEI_IIN)
    response = world.client_for("minsei").post(
        reverse("care:contact_create", kwargs={"pk": person.pk}),
        {
            "at": "2024-05-10T10:30",
            "method": "visit",
            "category": ContactCategory.CONSULTATION,
            "noticed": "足が痛いとのこと",
            "follow_up_needed": "on",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.at == datetime.datetime(2024, 5, 10, 10, 30, tzinfo=TOKYO)
    assert contact.supporter == minsei and contact.follow_up_needed
    done = world.client_for("minsei").post(
        reverse("care:follow_up_done", kwargs={"pk": contact.pk}), {"on": "2024-05-11"}
    )
    assert done.status_code == 302
    contact.refresh_from_db()
    assert contact.follow_up_done_on == datetime.date(2024, 5, 11)


def test_a_bad_contact_form_answers_400_and_logs_nothing(world: World) -> None:
    person = make_person(world)
    response = world.client_for("staff_a").post(
        reverse("care:contact_create", kwargs={"pk": person.pk}),
        {"at": "someday", "method": "pigeon"},
    )
    assert response.status_code == 400
    assert not Contact.objects.exists()
