"""POST /api/v1/care/concerns: idempotency (201, 200, 409), validation, anonymous filing."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from ainet.care.models import ConcernReport
from tests.care.concern_factories import town_in
from tests.conftest import World

URL = "/api/v1/care/concerns"


def _body(world: World, **fields: Any) -> dict[str, Any]:
    body = {
        "idempotency_key": "3f0c6c1e-0001",
        "noticed": "電気が昼も夜もついている",
        "where": "矢向のマンション3階",
        "urgency": "soon",
        "town": town_in(world.district_a).name,
    }
    body.update(fields)
    return body


def _post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_partner_files_and_a_resend_returns_the_same_report(world: World) -> None:
    client = world.client_for("partner")
    first = _post(client, _body(world))
    assert first.status_code == 201
    again = _post(client, _body(world))
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert ConcernReport.objects.get().district == world.district_a


def test_the_same_key_with_different_content_is_409(world: World) -> None:
    client = world.client_for("partner")
    assert _post(client, _body(world)).status_code == 201
    response = _post(client, _body(world, noticed="別のこと"))
    assert response.status_code == 409
    assert "idempotency key" in response.json()["detail"]
    assert ConcernReport.objects.count() == 1


def test_bad_input_is_a_4xx_with_reasons_and_saves_nothing(world: World) -> None:
    client = world.client_for("partner")
    assert _post(client, _body(world, urgency="panic")).status_code == 422
    unknown = _post(client, _body(world, town="火星一丁目"))
    assert unknown.status_code == 400
    assert "town" in unknown.json()["errors"]
    blank = _post(client, _body(world, noticed="   "))
    assert blank.status_code == 400
    assert "Please describe what you noticed." in blank.json()["errors"]["noticed"][0]
    nul = _post(client, _body(world, noticed="電気が\x00ついている"))
    assert nul.status_code == 422  # text cannot hold NUL: refused, not a server error
    assert not ConcernReport.objects.exists()


def test_a_resident_files_anonymously(world: World) -> None:
    response = _post(Client(), _body(world, idempotency_key="resident-1"))
    assert response.status_code == 201
    report = ConcernReport.objects.get()
    assert report.reporter_user is None and report.reporter_kind == "resident"


def test_a_logged_in_user_without_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["partner"])
    assert _post(client, _body(world)).status_code == 403
    assert not ConcernReport.objects.exists()


def test_a_role_without_the_capability_gets_403(world: World) -> None:
    assert _post(world.client_for("committee"), _body(world)).status_code == 403


def test_partner_lists_only_own_reports(world: World) -> None:
    _post(Client(), _body(world, idempotency_key="someone-else"))
    client = world.client_for("partner")
    mine = _post(client, _body(world)).json()["id"]
    listed = client.get(URL).json()
    assert [r["id"] for r in listed] == [mine]
    other = ConcernReport.objects.exclude(pk=mine).get()
    assert client.get(f"{URL}/{other.pk}").status_code == 404
    assert client.get(f"{URL}/{mine}").json()["status"] == "received"
