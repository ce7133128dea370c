"""Lists and their legal basis change only through services, each change writing the consent
history and an audit event; the history shows on the person's page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ainet.care import services
from ainet.care.models import Basis, ConsentEvent, ListEntry, ListKind
from ainet.core.models import AuditEvent
from tests.care.factories import make_person
from tests.conftest import World

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 6, 1)


def kinds(person_id: int) -> list[str]:
    return list(
        ConsentEvent.objects.filter(person_id=person_id)
        .order_by("recorded_at", "id")
        .values_list("kind", flat=True)
    )


def test_adding_with_consent_writes_added_and_consent_given(world: World) -> None:
    person = make_person(world, list_kind=None)
    entry = services.add_to_list(
        world.users["ward_admin"],
        person,
        list_kind=ListKind.EVACUATION,
        basis=Basis.CONSENT,
        joined_on=DAY,
        consent_on=DAY,
        consent_scope="町内会への提供",
    )
    assert kinds(person.pk) == ["added", "consent_given"]
    assert AuditEvent.objects.filter(action="record.create", object_id=str(entry.pk)).exists()


def test_basis_changes_need_care_manage_basis(world: World) -> None:
    person = make_person(world, list_kind=None)
    for persona in ("staff_a", "care_plaza", "minsei"):
        with pytest.raises(PermissionDenied):
            services.add_to_list(
                world.users[persona],
                person,
                list_kind=ListKind.WATCH,
                basis=Basis.WATCH_PROGRAMME,
                joined_on=DAY,
            )
    assert not ListEntry.objects.exists()


def test_consent_needs_its_date_and_each_list_allows_its_own_bases(world: World) -> None:
    person = make_person(world, list_kind=None)
    admin = world.users["ward_admin"]
    with pytest.raises(ValidationError):
        services.add_to_list(
            admin, person, list_kind=ListKind.EVACUATION, basis=Basis.CONSENT, joined_on=DAY
        )
    with pytest.raises(ValidationError):
        services.add_to_list(
            admin, person, list_kind=ListKind.WATCH, basis=Basis.OPT_OUT, joined_on=DAY
        )
    assert not ConsentEvent.objects.exists()


def test_withdrawing_consent_moves_to_ward_only_and_hides_the_person_from_supporters(
    world: World,
) -> None:
    person = make_person(world)
    entry = person.list_entries.get()
    services.change_basis(world.users["ward_admin"], entry, basis=Basis.WARD_ONLY, on=DAY)
    assert kinds(person.pk)[-1] == "consent_withdrawn"
    url = reverse("care:person_detail", kwargs={"pk": person.pk})
    assert world.client_for("minsei").get(url).status_code == 404


def test_a_removal_request_stops_sharing_an_opt_out_entry(world: World) -> None:
    person = make_person(world, basis=Basis.OPT_OUT)
    url = reverse("care:person_detail", kwargs={"pk": person.pk})
    assert world.client_for("minsei").get(url).status_code == 200
    entry = person.list_entries.get()
    response = world.client_for("staff_a").post(
        reverse("care:list_entry_removal_request", kwargs={"pk": entry.pk}), {"on": "2024-06-01"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.removal_requested_on == DAY
    assert kinds(person.pk) == ["removal_requested"]
    assert world.client_for("minsei").get(url).status_code == 404


def test_a_post_about_another_districts_entry_is_404(world: World) -> None:
    entry = make_person(world, basis=Basis.OPT_OUT).list_entries.get()
    response = world.client_for("staff_b").post(
        reverse("care:list_entry_removal_request", kwargs={"pk": entry.pk}), {"on": "2024-06-01"}
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.removal_requested_on is None


def test_leaving_a_list_keeps_the_entry_and_shows_in_the_history(world: World) -> None:
    person = make_person(world)
    entry = person.list_entries.get()
    services.leave_list(world.users["ward_admin"], entry, on=DAY, note="転出")
    entry.refresh_from_db()
    assert entry.left_on == DAY
    html = (
        world.client_for("ward_admin")
        .get(reverse("care:person_detail", kwargs={"pk": person.pk}))
        .content.decode()
    )
    assert kinds(person.pk) == ["removed"]
    assert "転出" in html  # the note, in the consent history table


def test_the_basis_form_refuses_an_impossible_date_and_changes_nothing(world: World) -> None:
    entry = make_person(world).list_entries.get()
    response = world.client_for("ward_admin").post(
        reverse("care:list_entry_change", kwargs={"pk": entry.pk}),
        {"basis": "ward_only", "on": "平成31年5月1日"},
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.basis == Basis.CONSENT
    assert not ConsentEvent.objects.exists()
