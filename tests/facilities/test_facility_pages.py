"""Each facility's page, and corrections and additions by hand (a welfare shelter designated
by agreement, its capacity, a closing date), paged list. ALL data is synthetic."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from ainet.core.models import AuditEvent, Municipality
from ainet.facilities.models import EvacuationSite, Facility
from tests.conftest import World

SHELTER = {
    "kind": "welfare_shelter",
    "name": "テスト福祉避難所",
    "name_kana": "てすとふくしひなんじょ",
    "address": "横浜市鶴見区矢向一丁目1-1",
    "lat": "35.5415",
    "lng": "139.6830",
    "capacity": "30",
    "opened_on": "令和2年4月1日",
    "site-earthquake": "on",
    "site-flood": "on",
}


def post(world: World, url: str, data: dict[str, Any], persona: str = "ward_admin") -> Any:
    return world.client_for(persona).post(url, data)


def test_a_welfare_shelter_is_added_with_its_capacity_and_designations(world: World) -> None:
    response = post(world, reverse("facilities:create"), SHELTER)
    assert response.status_code == 302
    shelter = Facility.objects.get(name="テスト福祉避難所")
    assert response["Location"] == reverse("facilities:detail", args=[shelter.pk])
    assert (shelter.capacity, shelter.dataset, shelter.opened_on.isoformat()) == (
        30,
        "manual",
        "2020-04-01",
    )
    assert shelter.district is not None  # from the nearest town block
    site = EvacuationSite.objects.get(facility=shelter)
    assert site.earthquake and site.flood and not site.tsunami
    event = AuditEvent.objects.get(object_type="facilities.Facility", object_id=str(shelter.pk))
    assert event.action == "record.create" and "capacity" in event.details["facility_fields"]
    page = world.client_for("staff_a").get(response["Location"]).content.decode()
    assert "30" in page and "地震" in page and "福祉避難所" in page


def test_a_correction_changes_only_what_was_sent_and_is_audited(world: World) -> None:
    post(world, reverse("facilities:create"), SHELTER)
    shelter = Facility.objects.get(name="テスト福祉避難所")
    changed = {**SHELTER, "capacity": "45", "closed_on": "2027-03-31"}
    response = post(world, reverse("facilities:edit", args=[shelter.pk]), changed)
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert shelter.capacity == 45 and shelter.closed_on.isoformat() == "2027-03-31"
    event = AuditEvent.objects.filter(action="record.update", object_id=str(shelter.pk)).get()
    assert event.details["facility_fields"] == ["capacity", "closed_on"]


def test_bad_input_is_refused_with_reasons_and_changes_nothing(world: World) -> None:
    post(world, reverse("facilities:create"), SHELTER)
    shelter = Facility.objects.get(name="テスト福祉避難所")
    for bad in (
        {"lng": ""},  # a latitude without a longitude
        {"lat": "135.5"},  # outside Japan
        {"closed_on": "2019-04-01"},  # before it opened
        {"capacity": "-3"},
        {"opened_on": "令和2年13月1日"},
        {"kind": "castle"},
    ):
        response = post(world, reverse("facilities:edit", args=[shelter.pk]), {**SHELTER, **bad})
        assert response.status_code == 400, bad
        assert (
            'role="alert"' in response.content.decode() or "errorlist" in response.content.decode()
        )
    shelter.refresh_from_db()
    assert shelter.capacity == 30 and shelter.closed_on is None


def test_only_the_ward_administrator_edits_and_other_wards_facilities_are_not_found(
    world: World, other_ward: Municipality
) -> None:
    post(world, reverse("facilities:create"), SHELTER)
    shelter = Facility.objects.get(name="テスト福祉避難所")
    for persona in ("staff_a", "care_plaza", "minsei"):
        response = post(world, reverse("facilities:edit", args=[shelter.pk]), SHELTER, persona)
        assert response.status_code == 403
    elsewhere = Facility.objects.create(municipality=other_ward, kind="aed", name="他区のAED")
    client = world.client_for("ward_admin")
    assert client.get(reverse("facilities:detail", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("facilities:edit", args=[elsewhere.pk])).status_code == 404


def test_the_list_links_each_facility_and_pages_through_many(world: World) -> None:
    Facility.objects.bulk_create(
        Facility(municipality=world.ward, kind="aed", name=f"AED {i:03d}", name_kana=f"{i:03d}")
        for i in range(130)
    )
    client = world.client_for("staff_a")
    first = client.get(reverse("facilities:list"), {"kind": "aed"}).content.decode()
    assert first.count('href="/staff/facilities/') >= 100 and "AED 000" in first
    assert "AED 120" not in first and "page=2" in first
    second = client.get(reverse("facilities:list"), {"kind": "aed", "page": "2"}).content.decode()
    assert "AED 120" in second and "AED 000" not in second
