"""Personal API tokens: made on the account page and shown once, stored as a digest, used as
`Authorization: Bearer …` without a session or CSRF cookie, scoped like the user, revoked
and expired tokens refused, every creation and revocation audited."""

from __future__ import annotations

import datetime
import json
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ainet.core import tokens
from ainet.core.models import ApiToken, AuditEvent, RolePolicy
from ainet.core.roles import Role
from ainet.disaster.models import SafetyUpdate
from tests.conftest import World
from tests.disaster.safety_people import make_campaign, make_person

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", enforce_csrf_checks=True)


def make_token(world: World, persona: str = "minsei", days: str = "30") -> tuple[str, Client]:
    client = world.client_for(persona)
    response = client.post(
        reverse("core:token_create"), {"name": "安否確認の電話", "days": days}, follow=True
    )
    assert response.redirect_chain == [(reverse("core:me"), 302)]
    assert response["Cache-Control"] == "no-store"
    found = re.search(r"ainet_[A-Za-z0-9_-]{43}", response.content.decode())
    assert found, "the new secret is shown on the page"
    return found.group(0), client


def test_a_token_is_shown_once_stored_as_a_digest_and_audited(world: World) -> None:
    secret, client = make_token(world)
    token = ApiToken.objects.get()
    assert token.user == world.users["minsei"]
    assert token.digest == tokens.digest(secret) != secret
    assert secret.startswith(token.prefix)
    assert not ApiToken.objects.filter(digest=secret).exists()
    assert AuditEvent.objects.filter(action="token.created", actor=token.user).count() == 1
    page = client.get(reverse("core:me")).content.decode()
    assert token.prefix in page
    assert secret not in page  # never shown again


def test_a_token_reads_the_api_as_its_user_without_a_session(world: World) -> None:
    secret, _ = make_token(world)
    response = bearer(secret).get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == world.users["minsei"].username
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_writes_safety_updates_without_csrf_and_within_its_districts(
    world: World,
) -> None:
    campaign = make_campaign(world)
    mine = make_person(world, world.district_a)
    elsewhere = make_person(world, world.district_b)
    secret, _ = make_token(world)
    url = reverse("api-v1:safety_updates", kwargs={"campaign_id": campaign.pk})

    def post(person_id: int) -> int:
        body = {"idempotency_key": str(uuid.uuid4()), "person": person_id, "status": "safe"}
        return (
            bearer(secret).post(url, json.dumps(body), content_type="application/json").status_code
        )

    assert post(mine.pk) == 201
    assert post(elsewhere.pk) == 404
    stored = SafetyUpdate.objects.get()
    assert stored.recorded_by == world.users["minsei"]


@pytest.mark.parametrize("problem", ["wrong", "revoked", "expired", "inactive", "no_prefix"])
def test_unusable_tokens_are_refused(world: World, problem: str) -> None:
    secret, _ = make_token(world)
    token = ApiToken.objects.get()
    if problem == "wrong":
        secret = secret[:-2] + ("AA" if not secret.endswith("AA") else "BB")
    elif problem == "revoked":
        tokens.revoke(token.user, token)
    elif problem == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif problem == "inactive":
        token.user.is_active = False
        token.user.save()
    else:
        secret = secret.removeprefix("ainet_")
    response = bearer(secret).get(ME)
    assert response.status_code == 401
    assert " / " in response.json()["detail"]
    # A write too: 401 (log in again), not the CSRF check's 403 for a session.
    campaign, person = make_campaign(world), make_person(world)
    sent = {"idempotency_key": str(uuid.uuid4()), "person": person.pk, "status": "safe"}
    url = reverse("api-v1:safety_updates", kwargs={"campaign_id": campaign.pk})
    response = bearer(secret).post(url, json.dumps(sent), content_type="application/json")
    assert response.status_code == 401
    assert not SafetyUpdate.objects.exists()


def test_the_owner_revokes_a_token_and_nobody_else_can(world: World) -> None:
    secret, client = make_token(world)
    token = ApiToken.objects.get()
    other = world.client_for("staff_a")
    assert other.post(reverse("core:token_revoke", args=[token.pk])).status_code == 404
    assert bearer(secret).get(ME).status_code == 200
    assert client.post(reverse("core:token_revoke", args=[token.pk])).status_code == 302
    assert bearer(secret).get(ME).status_code == 401
    assert AuditEvent.objects.filter(action="token.revoked").count() == 1


@pytest.mark.parametrize("days", ["0", "366", "x", ""])
def test_bad_token_forms_make_nothing(world: World, days: str) -> None:
    client = world.client_for("minsei")
    response = client.post(reverse("core:token_create"), {"name": "電話", "days": days})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    english = world.client_for("minsei", lang="en")
    response = english.post(reverse("core:token_create"), {"name": "", "days": "30"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_a_role_that_requires_a_second_factor_gets_no_token_before_it(world: World) -> None:
    RolePolicy.objects.create(municipality=world.ward, role=Role.MINSEI_IIN, require_otp=True)
    client = world.client_for("minsei")
    response = client.post(reverse("core:token_create"), {"name": "電話", "days": "30"})
    assert response.status_code == 302
    assert "second-factor" in response["Location"]
    assert not ApiToken.objects.exists()


def test_a_lost_district_counts_from_the_next_token_request(world: World) -> None:
    campaign = make_campaign(world)
    person = make_person(world, world.district_a)
    secret, _ = make_token(world)
    url = reverse("api-v1:safety_people", kwargs={"campaign_id": campaign.pk})
    assert [p["id"] for p in bearer(secret).get(url).json()] == [person.pk]
    for membership in world.users["minsei"].memberships.all():
        membership.districts.set([world.district_b])
    after = bearer(secret).get(url)
    assert after.status_code == 200
    assert person.pk not in [p["id"] for p in after.json()]


def test_a_refused_token_does_not_fall_back_to_the_session(world: World) -> None:
    secret, client = make_token(world)
    token = ApiToken.objects.get()
    tokens.revoke(token.user, token)
    assert client.get(ME).status_code == 200  # the session alone still works
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
