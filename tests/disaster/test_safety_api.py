"""POST /api/v1/disaster/campaigns/{id}/updates and the reads beside it: status codes, bodies
with reasons in Japanese and English, replays, 409, CSRF, scoping."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.test import Client
from django.urls import reverse

from ainet.care.models import Basis
from ainet.core.models import AuditEvent
from ainet.disaster.models import SafetyCampaign, SafetyLatest, SafetyStatus, SafetyUpdate
from tests.conftest import World
from tests.disaster.safety_people import declare_disaster, make_campaign, make_person


def url(campaign: SafetyCampaign) -> str:
    return reverse("api-v1:safety_updates", kwargs={"campaign_id": campaign.pk})


def post(client: Client, campaign: SafetyCampaign, body: dict[str, Any]) -> Any:
    return client.post(url(campaign), data=json.dumps(body), content_type="application/json")


def body(person_id: int, **kw: Any) -> dict[str, Any]:
    return {
        "idempotency_key": str(uuid.uuid4()),
        "person": person_id,
        "status": "safe",
        "observed_at": "2026-01-17T05:46:00+09:00",
        **kw,
    }


def test_an_update_is_created_then_replayed_with_the_same_answer(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    client = world.client_for("minsei")
    sent = body(person.pk, note="無事を確認")
    first = post(client, campaign, sent)
    assert first.status_code == 201
    again = post(client, campaign, sent)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["observed_at"] == "2026-01-17T05:46:00+09:00"
    assert SafetyUpdate.objects.count() == 1


def test_a_replayed_key_with_other_content_is_a_409_and_stores_nothing(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    client = world.client_for("minsei")
    sent = body(person.pk)
    post(client, campaign, sent)
    conflict = post(client, campaign, {**sent, "status": "needs_help"})
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "key_reused"
    assert " / " in conflict.json()["detail"]  # Japanese / English
    assert SafetyUpdate.objects.count() == 1
    assert SafetyLatest.objects.get().status == SafetyStatus.SAFE


def test_bad_keys_and_statuses_are_422_with_a_reason(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    client = world.client_for("minsei")
    for sent, code in [
        (body(person.pk, idempotency_key="abc"), "invalid_key"),
        (body(person.pk, idempotency_key="../../etc/passwd-xx"), "invalid_key"),
        (body(person.pk, status="fine"), "invalid_status"),
        (body(person.pk, status="evacuated"), "where_required"),
    ]:
        response = post(client, campaign, sent)
        assert response.status_code == 422, sent
        assert response.json()["code"] == code
        assert response.json()["detail"]
    missing = post(client, campaign, {"person": person.pk})
    assert missing.status_code == 422
    not_a_time = post(client, campaign, body(person.pk, observed_at="yesterday"))
    assert not_a_time.status_code == 422
    assert not SafetyUpdate.objects.exists()


def test_a_null_character_or_an_unset_clock_is_a_422_not_a_server_error(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    client = world.client_for("minsei")
    for field in ("note", "evacuated_to"):
        sent = {**body(person.pk, status="evacuated", evacuated_to="公民館"), field: "a\x00b"}
        response = post(client, campaign, sent)
        assert response.status_code == 422
        assert "NUL" in json.dumps(response.json(), ensure_ascii=False)
    old = post(client, campaign, body(person.pk, observed_at="0001-01-01T00:00:00+09:00"))
    assert old.status_code == 422 and old.json()["code"] == "observed_too_old"
    assert not SafetyUpdate.objects.exists()


def test_evacuated_with_where_is_stored(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    response = post(
        world.client_for("minsei"),
        campaign,
        body(person.pk, status="evacuated", evacuated_to="矢向小学校"),
    )
    assert response.status_code == 201
    assert response.json()["evacuated_to"] == "矢向小学校"


def test_people_outside_the_users_scope_or_campaign_are_404_or_422(world: World) -> None:
    campaign = make_campaign(world, districts=[world.district_a])
    elsewhere = make_person(world, world.district_b)
    client = world.client_for("minsei")
    response = post(client, campaign, body(elsewhere.pk))
    assert response.status_code == 404
    assert response.json()["code"] == "person_not_found"
    staff = world.client_for("ward_admin")
    outside = post(staff, campaign, body(elsewhere.pk))
    assert outside.status_code == 422
    assert outside.json()["code"] == "not_in_campaign"
    assert not SafetyUpdate.objects.exists()


def test_a_campaign_of_another_ward_is_404(world: World, other_ward: Any) -> None:
    campaign = SafetyCampaign.objects.create(
        municipality=other_ward, title="他区", opened_by=world.users["ward_admin"]
    )
    person = make_person(world)
    response = post(world.client_for("minsei"), campaign, body(person.pk))
    assert response.status_code == 404


def test_personas_without_the_capability_get_403(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    response = post(world.client_for("partner"), campaign, body(person.pk))
    assert response.status_code == 403
    assert post(world.client_for("anonymous"), campaign, body(person.pk)).status_code == 401


def test_session_posts_need_the_csrf_token(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["minsei"])
    assert post(client, campaign, body(person.pk)).status_code == 403
    client.get(reverse("safety:campaign_list"))  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        url(campaign),
        data=json.dumps(body(person.pk)),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201


def test_people_list_shows_latest_status_and_only_visible_people(world: World) -> None:
    campaign = make_campaign(world)
    mine = make_person(world, name="矢向 花子（架空）")
    make_person(world, world.district_b, name="市場 次郎（架空）")
    client = world.client_for("minsei")
    post(client, campaign, body(mine.pk, status="not_home"))
    response = client.get(reverse("api-v1:safety_people", kwargs={"campaign_id": campaign.pk}))
    assert response.status_code == 200
    rows = response.json()
    assert [(r["name"], r["status"], r["update_count"]) for r in rows] == [
        ("矢向 花子（架空）", "not_home", 1)
    ]


def test_history_lists_every_update_newest_first(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    client = world.client_for("minsei")
    post(
        client,
        campaign,
        body(person.pk, status="needs_help", observed_at="2026-01-17T06:00:00+09:00"),
    )
    post(client, campaign, body(person.pk, status="safe", observed_at="2026-01-17T07:00:00+09:00"))
    response = client.get(url(campaign), {"person": person.pk})
    assert [u["status"] for u in response.json()] == ["safe", "needs_help"]
    other = make_person(world, world.district_b)
    assert client.get(url(campaign), {"person": other.pk}).status_code == 404


def test_campaign_list(world: World) -> None:
    campaign = make_campaign(world, districts=[world.district_a])
    response = world.client_for("volunteer").get(reverse("api-v1:safety_campaigns"))
    assert response.json()[0]["id"] == campaign.pk
    assert response.json()[0]["districts"] == ["yako"]


def test_disaster_mode_reads_through_the_api_are_audited(world: World) -> None:
    campaign = make_campaign(world)
    hidden = make_person(world, basis=Basis.WARD_ONLY)
    client = world.client_for("minsei")
    people = reverse("api-v1:safety_people", kwargs={"campaign_id": campaign.pk})
    assert client.get(people).json() == []
    declare_disaster(world)
    assert [r["id"] for r in client.get(people).json()] == [hidden.pk]
    event = AuditEvent.objects.filter(details__disaster_mode=True).get()
    assert event.details["people"] == [hidden.pk]


def test_a_second_factor_asked_for_between_two_updates_refuses_the_next(world: World) -> None:
    """The second-factor check's SQL is compiled once per worker; its rows are read on every
    request, so a policy or an enrolled device counts from the next request on."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ainet.core.models import RolePolicy
    from ainet.core.roles import Role

    campaign, person = make_campaign(world), make_person(world)
    client = world.client_for("minsei")
    assert post(client, campaign, body(person.pk)).status_code == 201
    policy = RolePolicy.objects.create(
        municipality=world.ward, role=Role.MINSEI_IIN, require_otp=True
    )
    assert post(client, campaign, body(person.pk)).status_code == 401
    policy.delete()
    assert post(client, campaign, body(person.pk)).status_code == 201
    TOTPDevice.objects.create(user=world.users["minsei"], name="phone", confirmed=True)
    assert post(client, campaign, body(person.pk)).status_code == 401
    assert SafetyUpdate.objects.filter(person=person).count() == 2


def test_a_district_taken_away_between_two_updates_refuses_the_next(world: World) -> None:
    campaign, person = make_campaign(world), make_person(world)
    client = world.client_for("minsei")
    assert post(client, campaign, body(person.pk)).status_code == 201
    world.users["minsei"].memberships.get().districts.set([world.district_b])
    assert post(client, campaign, body(person.pk)).status_code == 404
    assert SafetyUpdate.objects.filter(person=person).count() == 1
