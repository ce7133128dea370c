"""Every URL pattern and API operation × every persona.

An unclassified URL fails `test_every_url_pattern_is_classified`. The expectations are written
out here by hand (who holds which capability), not derived from `core/access.py`, so a change
in access rules that nobody meant shows up as a failing test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS, World
from tests.matrix import HOLDERS, LOGGED_IN, OUTSIDE_DISTRICT_A, Rule, discovered_rules


def _district_a(world: World) -> dict[str, Any]:
    return {"code": world.district_a.code}


def _organisation_a(world: World) -> dict[str, Any]:
    return {"pk": world.organisation("矢向地区社会福祉協議会").pk}


def _account_a(world: World) -> dict[str, Any]:
    return {"pk": world.users["staff_a"].pk}


def _membership_a(world: World) -> dict[str, Any]:
    user = world.users["staff_a"]
    return {"pk": user.pk, "membership_pk": user.memberships.get().pk}


def _action_a(world: World) -> dict[str, Any]:
    return {"pk": world.users["staff_a"].pk, "action": "unlock"}


def _token_a(world: World) -> dict[str, Any]:
    from ainet.core import tokens
    from ainet.core.models import ApiToken

    tokens.issue(world.users["staff_a"], "matrix")
    return {"pk": ApiToken.objects.latest("pk").pk}


def _api_district_a(world: World) -> dict[str, Any]:
    return {"code": world.district_a.code}


def _api_organisation_a(world: World) -> dict[str, Any]:
    return {"organisation_id": world.organisation("矢向地区社会福祉協議会").pk}


CORE_RULES: dict[str, Rule] = {
    "root": Rule("public"),  # the public home (ainet.public)
    "about": Rule("public"),
    "healthz": Rule("public"),
    "set_language": Rule("special"),
    "core:login": Rule("special"),
    "core:logout": Rule("special"),
    "core:otp_verify": Rule("special"),
    "core:otp_setup": Rule("special"),
    "core:home": Rule("staff"),
    "core:me": Rule("staff"),
    "core:token_create": Rule("staff", get_allowed=False),
    "core:token_revoke": Rule("staff", kwargs=_token_a, get_allowed=False),
    "core:password_change": Rule("staff"),
    "core:district_list": Rule("capability", "core.view_districts"),
    "core:district_detail": Rule(
        "capability", "core.view_districts", _district_a, in_district_a=True
    ),
    "core:organisation_list": Rule("capability", "core.view_organisations"),
    "core:organisation_detail": Rule(
        "capability", "core.view_organisations", _organisation_a, in_district_a=True
    ),
    "core:account_list": Rule("capability", "core.manage_accounts"),
    "core:account_create": Rule("capability", "core.manage_accounts"),
    "core:role_policies": Rule("capability", "core.manage_accounts"),
    "core:account_detail": Rule("capability", "core.manage_accounts", _account_a),
    "core:membership_end": Rule(
        "capability", "core.manage_accounts", _membership_a, get_allowed=False
    ),
    "core:account_action": Rule("capability", "core.manage_accounts", _action_a, get_allowed=False),
    "core:district_setup": Rule("capability", "core.manage_ward"),
    "core:district_setup_export": Rule(
        "capability", "core.manage_ward", lambda w: {"kind": "towns"}
    ),
    "core:audit_list": Rule("capability", "core.view_audit_log"),
    "core:audit_export": Rule("capability", "core.view_audit_log"),
    # ninja registers its own root pattern at the same path; ours (api-v1:root) answers both.
    "api-v1:api-root": Rule("public"),
    "api-v1:root": Rule("public"),
    "api-v1:openapi-json": Rule("public"),
    "api-v1:openapi-view": Rule("public"),
    "api-v1:me": Rule("api"),
    "api-v1:district_list": Rule("api_capability", "core.view_districts"),
    "api-v1:district_detail": Rule(
        "api_capability", "core.view_districts", _api_district_a, in_district_a=True
    ),
    "api-v1:organisation_list": Rule("api_capability", "core.view_organisations"),
    "api-v1:organisation_detail": Rule(
        "api_capability", "core.view_organisations", _api_organisation_a, in_district_a=True
    ),
}


MATRIX: dict[str, Rule] = {**CORE_RULES, **discovered_rules()}


def walk_urls(
    patterns: list[Any] | None = None, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """(namespaced name, route) of every URL pattern."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            child = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from walk_urls(pattern.url_patterns, child or "", route)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}:{pattern.name}" if namespace else str(pattern.name), route)


def all_url_names() -> list[str]:
    return sorted({name for name, _route in walk_urls()})


def test_every_url_pattern_is_classified() -> None:
    unclassified = [name for name in all_url_names() if name not in MATRIX]
    assert unclassified == [], f"classify these URLs in MATRIX: {unclassified}"


def test_matrix_has_no_stale_entries() -> None:
    assert set(MATRIX) - set(all_url_names()) == set()


def expected_status(rule: Rule, persona: str) -> int:
    if persona in rule.overrides:
        return rule.overrides[persona]
    if rule.kind == "public":
        return rule.public_status
    logged_in = persona in LOGGED_IN
    api = rule.kind.startswith("api")
    if not logged_in:
        return 401 if api else 302
    if rule.capability and persona not in HOLDERS[rule.capability]:
        return 403
    if rule.in_district_a and persona in OUTSIDE_DISTRICT_A:
        return 404
    return 200 if rule.get_allowed else 405


CASES = [
    (name, persona)
    for name, rule in MATRIX.items()
    if rule.kind != "special"
    for persona in PERSONAS
]


@pytest.mark.parametrize(("url_name", "persona"), CASES)
def test_url_answers_each_persona_as_classified(world: World, url_name: str, persona: str) -> None:
    rule = MATRIX[url_name]
    kwargs = rule.kwargs(world) if rule.kwargs else {}
    response = world.client_for(persona).get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == expected_status(rule, persona), (url_name, persona)
    if response.status_code == 302 and rule.kind != "public":
        assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize("persona", sorted(LOGGED_IN))
def test_logged_in_users_are_sent_on_from_the_login_page(world: World, persona: str) -> None:
    response = world.client_for(persona).get(reverse("core:login"))
    assert response.status_code == 302


def test_login_page_is_public(world: World) -> None:
    assert world.client_for("anonymous").get(reverse("core:login")).status_code == 200


@pytest.mark.parametrize("url_name", ["core:otp_verify", "core:otp_setup"])
def test_second_factor_pages_need_a_password_login_first(world: World, url_name: str) -> None:
    response = world.client_for("anonymous").get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_logout_refuses_get_and_logs_out_on_post(world: World) -> None:
    client = world.client_for("staff_a")
    assert client.get(reverse("core:logout")).status_code == 405
    assert client.post(reverse("core:logout")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_language_switch_sets_the_language_cookie(world: World) -> None:
    response = world.client_for("anonymous").post(
        reverse("set_language"), {"language": "en", "next": "/about/"}
    )
    assert response.status_code == 302
    assert response.cookies["ainet_language"].value == "en"
