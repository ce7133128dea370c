"""ainet served over ASGI as ainet/asgi.py composes it (gunicorn's uvicorn workers,
docs/operations.md, ADR 0007): every page and API operation answers as through WSGI — the
same status, the same type of content, the same audit — for the persona that would use it,
and a CSV export is the same file. The safety fast path in front is tested in
tests/api/test_fastpath.py. Django runs in other threads here, so the tests commit
(`transactional_db`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from a2wsgi import WSGIMiddleware
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.test import Client, RequestFactory
from django.urls import reverse

from ainet.api import fastpath
from ainet.core.models import AuditEvent
from tests.api.test_fastpath import call
from tests.asgi import OverASGI
from tests.conftest import World
from tests.core.test_permission_matrix import MATRIX, expected_status
from tests.matrix import rule_kwargs, viewer


@pytest.fixture
def served(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[OverASGI]:
    # Django's threads close their connections at the end of each request, so that none is
    # left open on the test database.
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    fastpath.forget_all()
    django = WSGIMiddleware(WSGIHandler(), workers=2)  # type: ignore[arg-type]
    app = OverASGI(fastpath.SafetyFastPathASGI(django, django.executor))  # type: ignore[arg-type]
    try:
        yield app
    finally:
        app.close()
        django.executor.shutdown()
        fastpath.forget_all()


def get_over_asgi(app: OverASGI, client: Client, url: str) -> tuple[int, dict[str, str], bytes]:
    """GET `url` through `app` with `client`'s cookies (its logged-in session)."""
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    extra: dict[str, Any] = {"HTTP_COOKIE": cookies} if cookies else {}
    return call(app, RequestFactory().get(url, HTTP_ACCEPT_LANGUAGE="ja", **extra).environ)


def test_every_page_answers_over_asgi_as_over_wsgi(served: OverASGI, world: World) -> None:
    checked = 0
    for name, rule in sorted(MATRIX.items()):
        if rule.kind == "special":
            continue
        who = viewer(rule)
        if who == "":
            continue  # nobody may see it
        persona = who or "anonymous"
        kwargs, world = rule_kwargs(rule, world)
        url = reverse(name, kwargs=kwargs)
        client = world.client_for(persona)
        audited = AuditEvent.objects.count()
        status, headers, _body = get_over_asgi(served, client, url)
        asgi_audits = AuditEvent.objects.count() - audited
        through_wsgi = client.get(url)
        wsgi_audits = AuditEvent.objects.count() - audited - asgi_audits
        assert status == expected_status(rule, persona), (name, persona)
        assert status == through_wsgi.status_code, (name, persona)
        assert headers.get("Content-Type") == through_wsgi.get("Content-Type"), name
        assert asgi_audits == wsgi_audits, name
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("encoding", ["cp932", "utf-8"])
def test_a_csv_export_over_asgi_is_the_same_file(
    served: OverASGI, world: World, encoding: str
) -> None:
    url = reverse("core:audit_export") + f"?encoding={encoding}"
    client = world.client_for("auditor")
    status, headers, body = get_over_asgi(served, client, url)
    through_wsgi = client.get(url)
    assert status == through_wsgi.status_code == 200
    assert headers["Content-Type"] == through_wsgi["Content-Type"]
    assert headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert body.splitlines()[0] == through_wsgi.content.splitlines()[0]  # the header row
