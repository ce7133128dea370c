"""The safety fast path (ainet/api/fastpath.py) in front of Django's WSGI application and in
front of its ASGI application (every test runs on both): it answers a fresh token update
exactly as Django's path would, and hands everything else to Django, so that a revoked
token, a lost district, a closed campaign, a replay, bad input or a disaster-mode unlock is
decided there as before. PostgreSQL only (it is off on SQLite); the tests commit, so they use
`transactional_db`."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import psycopg
import psycopg.sql
import pytest
from a2wsgi import WSGIMiddleware
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from ainet.api import fastpath
from ainet.care.models import Basis
from ainet.core import tokens
from ainet.core.models import ApiToken, AuditEvent
from ainet.disaster.models import SafetyCampaign, SafetyLatest, SafetyUpdate, ScopeEpoch
from tests.asgi import OverASGI
from tests.conftest import World, on_postgresql
from tests.disaster.safety_people import declare_disaster, make_campaign, make_person

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def call(app: WSGIApp, environ: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    answered: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answered["status"], answered["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return int(answered["status"].split()[0]), answered["headers"], body


def environ(
    campaign: SafetyCampaign, payload: Any, secret: str = "", **extra: Any
) -> dict[str, Any]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    request = RequestFactory().generic(
        "POST",
        reverse("api-v1:safety_updates", kwargs={"campaign_id": campaign.pk}),
        payload if isinstance(payload, bytes) else json.dumps(payload).encode(),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ja",
        **headers,
        **extra,
    )
    return request.environ


def update(person_id: int, **kw: Any) -> dict[str, Any]:
    return {
        "idempotency_key": str(uuid.uuid4()),
        "person": person_id,
        "status": "safe",
        "evacuated_to": "",
        "note": "",
        "observed_at": "2026-01-17T05:46:00+09:00",
        **kw,
    }


class Django:
    """Django's WSGI application, counting the requests the fast path handed it."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.calls += 1
        return self.handler(environ, start_response)


class DjangoInThreads:
    """Django's WSGI application in a pool of threads, as ainet/asgi.py serves it, counting
    the requests the fast path handed it."""

    def __init__(self) -> None:
        self.django = Django()
        self.handler = WSGIMiddleware(self.django, workers=2)  # type: ignore[arg-type]
        self.executor = self.handler.executor

    @property
    def calls(self) -> int:
        return self.django.calls

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        await self.handler(scope, receive, send)  # type: ignore[arg-type]


@pytest.fixture(params=["wsgi", "asgi"])
def fast(
    request: pytest.FixtureRequest, transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> Iterable[tuple[Any, Any]]:
    fastpath.forget_all()
    if request.param == "wsgi":
        django = Django()
        yield fastpath.SafetyFastPath(django), django
    else:
        # Django's threads close their connections at the end of each request, so that none
        # is left open on the test database.
        monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
        django = DjangoInThreads()
        app = OverASGI(
            fastpath.SafetyFastPathASGI(django, django.executor, connections_per_worker=2)
        )
        try:
            yield app, django
        finally:
            app.close()
            django.executor.shutdown()
    fastpath.forget_all()


pg_only = pytest.mark.skipif(not on_postgresql(), reason="the fast path is PostgreSQL's")


@pg_only
def test_a_fresh_update_is_answered_without_django_as_django_answers_it(
    fast: Any, world: World
) -> None:
    app, django = fast
    campaign, person = make_campaign(world), make_person(world)
    secret = tokens.issue(world.users["minsei"], "phone", 1)
    sent = update(person.pk, note="  無事を確認 ")
    status, headers, body = call(app, environ(campaign, sent, secret))
    assert status == 201 and django.calls == 0
    stored = SafetyUpdate.objects.get()
    assert (stored.idempotency_key, stored.note, stored.recorded_by) == (
        sent["idempotency_key"],
        "無事を確認",
        world.users["minsei"],
    )
    latest = SafetyLatest.objects.get(campaign=campaign, person=person)
    assert (latest.update_id, latest.update_count, latest.status) == (stored.pk, 1, "safe")

    # The same update once more (answered here too), and through Django: the same answers.
    again_status, again_headers, again = call(app, environ(campaign, sent, secret))
    assert again_status == 200 and django.calls == 0
    assert json.loads(again) == json.loads(body)
    with override_settings(SAFETY_FAST_PATH=False):
        replay_status, replay_headers, replay = call(app, environ(campaign, sent, secret))
        other = update(person.pk, note="  無事を確認 ")
        slow_status, slow_headers, slow = call(app, environ(campaign, other, secret))
    assert (replay_status, slow_status) == (200, 201) and django.calls == 2
    assert json.loads(replay) == json.loads(again)
    assert {k: v for k, v in replay_headers.items() if k != "Content-Length"} == {
        k: v for k, v in again_headers.items() if k != "Content-Length"
    }
    assert SafetyUpdate.objects.count() == 2
    fast_json, slow_json = json.loads(body), json.loads(slow)
    for varying in ("id", "idempotency_key", "received_at"):
        fast_json.pop(varying), slow_json.pop(varying)
    assert fast_json == slow_json
    assert {k: v for k, v in headers.items() if k != "Content-Length"} == {
        k: v for k, v in slow_headers.items() if k != "Content-Length"
    }
    assert headers["X-Frame-Options"] == "DENY" and headers["Content-Language"] == "ja"


@pg_only
def test_a_revoked_token_or_an_inactive_user_counts_from_the_next_request(
    fast: Any, world: World
) -> None:
    app, django = fast
    campaign, person = make_campaign(world), make_person(world)
    user = world.users["minsei"]
    secret = tokens.issue(user, "phone", 1)
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 201
    tokens.revoke(user, user.api_tokens.get())
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 401
    secret = tokens.issue(user, "phone 2", 1)
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 201
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 401
    secret = tokens.issue(user, "phone 3", 1)
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 201
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 401
    assert SafetyUpdate.objects.count() == 3 and django.calls == 3


@pg_only
def test_a_role_taken_away_counts_from_the_next_request_and_the_epoch_never_repeats(
    fast: Any, world: World
) -> None:
    app, django = fast
    campaign, person = make_campaign(world), make_person(world)
    secret = tokens.issue(world.users["minsei"], "phone", 1)
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 201
    first = ScopeEpoch.objects.get(pk=1).value
    ScopeEpoch.objects.all().delete()  # a lost row starts again above every earlier value
    world.users["minsei"].memberships.all().delete()
    assert ScopeEpoch.objects.get(pk=1).value > first
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 403
    assert SafetyUpdate.objects.count() == 1 and django.calls == 1


@pg_only
def test_a_district_taken_away_or_a_closed_campaign_counts_from_the_next_request(
    fast: Any, world: World
) -> None:
    app, django = fast
    campaign, person = make_campaign(world), make_person(world)
    secret = tokens.issue(world.users["minsei"], "phone", 1)
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 201
    before = ScopeEpoch.objects.get(pk=1).value
    world.users["minsei"].memberships.get().districts.set([world.district_b])
    assert ScopeEpoch.objects.get(pk=1).value > before  # the trigger moved it
    status, _headers, body = call(app, environ(campaign, update(person.pk), secret))
    assert status == 404 and json.loads(body)["code"] == "person_not_found"
    world.users["minsei"].memberships.get().districts.set([world.district_a])
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 201
    SafetyCampaign.objects.filter(pk=campaign.pk).update(closed_at=timezone.now())
    status, _headers, body = call(app, environ(campaign, update(person.pk), secret))
    assert status == 422 and json.loads(body)["code"] == "campaign_closed"
    assert SafetyUpdate.objects.count() == 2 and django.calls == 2


@pg_only
def test_bad_input_is_refused_by_django_with_its_reasons_and_stores_nothing(
    fast: Any, world: World
) -> None:
    app, django = fast
    campaign, person = make_campaign(world), make_person(world)
    secret = tokens.issue(world.users["minsei"], "phone", 1)
    cases: list[tuple[Any, int]] = [
        (update(person.pk, status="fine"), 422),
        (update(person.pk, idempotency_key="short"), 422),
        (update(person.pk, status="evacuated"), 422),  # where to is required
        (update(person.pk, observed_at="2999-01-01T00:00:00+09:00"), 422),
        (update(person.pk, note="x" * 1001), 422),
        (update(person.pk, note="無事\x00"), 422),  # text cannot hold NUL
        (json.dumps(update(person.pk, note="\ud800")).encode(), 422),  # nor a lone surrogate
        (update(person.pk, observed_at="0001-01-01T00:00:00+09:00"), 422),  # a clock never set
        (b"[" * 5000 + b"]" * 5000, 400),  # too deep for the parser
        (update(person.pk, person="not a number"), 422),
        (b"{not json", 400),
        (update(10**12), 404),
    ]
    for payload, expected in cases:
        status, _headers, body = call(app, environ(campaign, payload, secret))
        assert status == expected, (payload, body)
        assert " / " in json.loads(body)["detail"]  # Japanese / English
    assert not SafetyUpdate.objects.exists()
    assert django.calls == len(cases)


@pg_only
def test_a_key_reused_for_other_content_is_409_and_a_string_person_is_coerced_by_django(
    fast: Any, world: World
) -> None:
    app, django = fast
    campaign, person = make_campaign(world), make_person(world)
    secret = tokens.issue(world.users["minsei"], "phone", 1)
    sent = update(person.pk)
    assert call(app, environ(campaign, sent, secret))[0] == 201
    assert call(app, environ(campaign, {**sent, "status": "needs_help"}, secret))[0] == 409
    # Not the shape the fast path takes as it is, so Django (the schema) decides: stored.
    assert call(app, environ(campaign, update(str(person.pk)), secret))[0] == 201
    assert SafetyUpdate.objects.count() == 2 and django.calls == 2


@pg_only
def test_a_disaster_mode_unlock_goes_through_django_and_is_audited(fast: Any, world: World) -> None:
    app, django = fast
    campaign = make_campaign(world)
    hidden = make_person(world, basis=Basis.WARD_ONLY)  # no consent: seen only in disaster mode
    secret = tokens.issue(world.users["minsei"], "phone", 1)
    assert call(app, environ(campaign, update(hidden.pk), secret))[0] == 404
    declare_disaster(world)
    assert call(app, environ(campaign, update(hidden.pk), secret))[0] == 201
    assert django.calls == 2
    assert AuditEvent.objects.filter(details__what="safety_update").count() == 1


@pg_only
def test_sessions_other_hosts_and_other_paths_are_djangos(fast: Any, world: World) -> None:
    app, django = fast
    campaign, person = make_campaign(world), make_person(world)
    secret = tokens.issue(world.users["minsei"], "phone", 1)
    status, _headers, _body = call(
        app, environ(campaign, update(person.pk), secret, HTTP_HOST="evil.example")
    )
    assert status == 400
    status, _headers, body = call(app, environ(campaign, update(person.pk)))  # no token
    assert status == 403 and "CSRF" in json.loads(body)["detail"]  # a session's check
    assert not SafetyUpdate.objects.exists() and django.calls == 2


@pytest.mark.skipif(on_postgresql(), reason="SQLite's")
def test_on_sqlite_every_update_is_djangos(fast: Any, world: World) -> None:
    app, django = fast
    campaign, person = make_campaign(world), make_person(world)
    secret = tokens.issue(world.users["minsei"], "phone", 1)
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 201
    assert django.calls == 1 and SafetyUpdate.objects.count() == 1


@pg_only
def test_a_failing_statement_falls_back_to_django_and_is_built_again(
    fast: Any, world: World
) -> None:
    app, django = fast
    campaign, person = make_campaign(world), make_person(world)
    secret = tokens.issue(world.users["minsei"], "phone", 1)
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 201
    [(key, entry)] = fastpath._ENTRIES.items()
    # As a statement prepared before a migration changed its table would fail.
    fastpath._ENTRIES[key] = dataclasses.replace(entry, sql="SELECT 1 / 0")
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 201
    assert django.calls == 1 and key not in fastpath._ENTRIES
    assert call(app, environ(campaign, update(person.pk), secret))[0] == 201
    assert django.calls == 1 and SafetyUpdate.objects.count() == 3


# --- the ASGI path's own pieces ----------------------------------------------------------------


class FakeConnection:
    def __init__(self) -> None:
        self.closed = self.broken = False

    async def close(self) -> None:
        self.closed = True


def test_the_asgi_connections_survive_cancelled_waiters_and_never_exceed_their_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[FakeConnection] = []

    async def connect() -> FakeConnection:
        opened.append(FakeConnection())
        return opened[-1]

    monkeypatch.setattr(fastpath._Connections, "_connect", staticmethod(connect))

    async def scenario() -> None:
        pool = fastpath._Connections(1)
        first = await pool.acquire()
        waiting = asyncio.create_task(pool.acquire())
        await asyncio.sleep(0)
        waiting.cancel()  # a request given up while it waited for a connection
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await pool.release(first)
        again = await asyncio.wait_for(pool.acquire(), 1)  # the slot was not lost
        assert again is first and len(opened) == 1
        await pool.release(again, discard=True)  # after a failed statement: closed
        assert first.closed
        assert await pool.acquire() is opened[1]
        await pool.close()
        await pool.release(opened[1])  # released after the worker's end: closed, not kept
        assert opened[1].closed and not pool.idle

    asyncio.run(scenario())


@pg_only
def test_the_asgi_connections_take_the_role_django_assumes(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrapper = connections["default"]
    role = f"ainet_test_{uuid.uuid4().hex[:12]}"
    wrapper.ensure_connection()
    params = {k: v for k, v in wrapper.get_connection_params().items() if k != "cursor_factory"}
    with psycopg.connect(**params, autocommit=True) as admin:  # roles are not transactional
        admin.execute(psycopg.sql.SQL("CREATE ROLE {}").format(psycopg.sql.Identifier(role)))
        try:
            options = {**wrapper.settings_dict["OPTIONS"], "assume_role": role}
            monkeypatch.setitem(wrapper.settings_dict, "OPTIONS", options)

            async def current_user() -> str:
                conn = await fastpath._Connections._connect()
                try:
                    row = await (await conn.execute("SELECT current_user")).fetchone()
                finally:
                    await conn.close()
                assert row is not None
                return str(row[0])

            assert asyncio.run(current_user()) == role
        finally:
            admin.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(role)))


def test_headers_with_underscores_never_reach_django_over_asgi() -> None:
    seen: list[list[tuple[bytes, bytes]]] = []

    async def downstream(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["headers"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/healthz",
        "headers": [(b"host", b"testserver"), (b"x_forwarded_proto", b"https")],
    }
    asyncio.run(fastpath.SafetyFastPathASGI(downstream)(scope, receive, send))
    assert seen == [[(b"host", b"testserver")]]


def test_the_asgi_answer_headers_are_kept_per_proxy_ssl_header_too(settings: Any) -> None:
    assert b"x-forwarded-proto" in fastpath._header_names()
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_SSL", "on")
    assert b"x-forwarded-ssl" in fastpath._header_names()
