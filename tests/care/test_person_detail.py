"""The person record: which fields each persona sees, 404 outside scope, every read audited,
disaster-mode reads audited as unlocks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ainet.care.models import Basis, DisasterDeclaration, ListKind
from ainet.core.models import AuditEvent, District
from tests.care.factories import make_person, need, sign_agreement, supporter_for, tie
from tests.conftest import World

pytestmark = pytest.mark.django_db

SPECIAL = ("視覚障害（テスト）", "糖尿病（テスト）", "特記事項（テスト）")
STANDARD_ONLY = ("1940-05-03", "同意")  # date of birth, the legal basis


def page(world: World, persona: str, pk: int) -> str:
    response = world.client_for(persona).get(reverse("care:person_detail", kwargs={"pk": pk}))
    assert response.status_code == 200, persona
    return response.content.decode()


def test_ward_and_care_plaza_staff_see_special_care_fields(world: World) -> None:
    person = make_person(world, list_kind=ListKind.WATCH, basis=Basis.WATCH_PROGRAMME)
    person.needs.add(need(world, "dialysis", special=True))
    for persona in ("ward_admin", "staff_a", "care_plaza"):
        html = page(world, persona, person.pk)
        for text in (*SPECIAL, "ニーズ dialysis", "1940-05-03"):
            assert text in html, (persona, text)


def test_commissioner_and_shakyo_see_standard_fields_without_special_care(world: World) -> None:
    person = make_person(world, list_kind=ListKind.WATCH, basis=Basis.WATCH_PROGRAMME)
    person.needs.add(need(world, "dialysis", special=True), need(world, "alone-75"))
    for persona in ("minsei", "shakyo"):
        html = page(world, persona, person.pk)
        assert "1940-05-03" in html and "ニーズ alone-75" in html, persona
        for text in (*SPECIAL, "ニーズ dialysis"):
            assert text not in html, (persona, text)


def test_association_manager_sees_consented_people_without_special_care(world: World) -> None:
    person = make_person(world)
    url = reverse("care:person_detail", kwargs={"pk": person.pk})
    assert world.client_for("association").get(url).status_code == 404
    sign_agreement(world)
    html = page(world, "association", person.pk)
    assert "1940-05-03" in html
    assert not any(text in html for text in SPECIAL)


def test_volunteer_sees_only_the_minimal_fields_of_people_assigned_to_them(world: World) -> None:
    person = make_person(world)
    url = reverse("care:person_detail", kwargs={"pk": person.pk})
    assert world.client_for("volunteer").get(url).status_code == 404
    tie(person, supporter_for(world, "volunteer"))
    html = page(world, "volunteer", person.pk)
    assert "045-000-0000" in html and "試験 花子" in html
    for text in (*SPECIAL, *STANDARD_ONLY):
        assert text not in html, text


def test_another_districts_person_is_404_for_every_persona_without_that_district(
    world: World,
) -> None:
    sign_agreement(world)
    terao = District.objects.get(municipality=world.ward, code="terao")
    person = make_person(world, district=terao)
    url = reverse("care:person_detail", kwargs={"pk": person.pk})
    for persona in ("staff_a", "staff_b", "shakyo", "minsei", "care_plaza", "association"):
        assert world.client_for(persona).get(url).status_code == 404, persona
    assert world.client_for("volunteer").get(url).status_code == 404
    assert world.client_for("ward_admin").get(url).status_code == 200
    ichiba = make_person(world, district=world.district_b)
    url = reverse("care:person_detail", kwargs={"pk": ichiba.pk})
    assert world.client_for("staff_a").get(url).status_code == 404
    assert world.client_for("staff_b").get(url).status_code == 200


def test_partner_company_sees_nobody(world: World) -> None:
    person = make_person(world)
    url = reverse("care:person_detail", kwargs={"pk": person.pk})
    assert world.client_for("partner").get(url).status_code == 403
    assert world.client_for("partner").get(reverse("care:person_list")).status_code == 403


def test_every_read_is_audited_with_the_field_level(world: World) -> None:
    person = make_person(world)
    page(world, "minsei", person.pk)
    event = AuditEvent.objects.get(action="record.view", object_id=str(person.pk))
    assert event.actor == world.users["minsei"]
    assert event.details == {"level": "standard"}


def test_a_read_only_disaster_mode_allows_is_audited_as_an_unlock(world: World) -> None:
    person = make_person(world, basis=Basis.WARD_ONLY)
    url = reverse("care:person_detail", kwargs={"pk": person.pk})
    assert world.client_for("minsei").get(url).status_code == 404
    declaration = DisasterDeclaration.objects.create(
        municipality=world.ward,
        reason="test",
        declared_by=world.users["ward_admin"],
        expires_at=timezone.now() + timedelta(hours=1),
    )
    declaration.districts.set([world.district_a])
    html = page(world, "minsei", person.pk)
    assert "災害" in html  # the page says the record is open because of disaster mode
    event = AuditEvent.objects.get(action="record.view", object_id=str(person.pk))
    assert event.details == {"level": "standard", "disaster_mode": True}


def test_the_preferred_language_is_named_not_coded(world: World) -> None:
    japanese = make_person(world, "日本 花子")
    portuguese = make_person(world, "葡萄 太郎", preferred_language="pt")
    unknown = make_person(world, "不明 次郎", preferred_language="xx")
    assert "<dd>日本語</dd>" in page(world, "staff_a", japanese.pk)
    assert "<dd>ポルトガル語</dd>" in page(world, "staff_a", portuguese.pk)
    assert "<dd>xx</dd>" in page(world, "staff_a", unknown.pk)  # a code we do not know
    english = world.client_for("staff_a", lang="en").get(
        reverse("care:person_detail", kwargs={"pk": portuguese.pk})
    )
    assert "<dd>Portuguese</dd>" in english.content.decode()
