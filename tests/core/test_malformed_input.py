"""Malformed ids and codes over every URL that takes one: a 404 (or 4xx with a reason on the
API), never a 500."""

import re

import pytest

from tests.conftest import World
from tests.core.test_permission_matrix import walk_urls

BAD_VALUES = [
    "0",
    "-1",
    "abc",
    "1.5",
    "99999999999999999999999",
    "9223372036854775808",
    "%00",
    "..%2F..%2Fetc",
    "１２",
    "矢向",
    "yako'--",
    "<script>",
    "x" * 300,
]


def _url_with(route: str, value: str) -> str:
    return "/" + re.sub(r"<[^>]+>", value, route)


PARAMETERISED_ROUTES = sorted(route for _name, route in walk_urls() if "<" in route)


@pytest.mark.parametrize("persona", ["ward_admin", "staff_b", "anonymous"])
def test_malformed_ids_never_cause_a_server_error(world: World, persona: str) -> None:
    client = world.client_for(persona)
    assert len(PARAMETERISED_ROUTES) >= 7
    for pattern in PARAMETERISED_ROUTES:
        for value in BAD_VALUES:
            url = _url_with(pattern, value)
            for method in (client.get, client.post):
                response = method(url)
                assert response.status_code < 500, (url, response.status_code)
                assert response.status_code in {302, 400, 401, 403, 404, 405, 422}, url


def test_an_unknown_district_is_not_found(world: World) -> None:
    assert world.client_for("ward_admin").get("/staff/districts/atlantis/").status_code == 404


def test_over_long_filter_values_are_handled(world: World) -> None:
    response = world.client_for("ward_admin").get("/staff/organisations/", {"kind": "x" * 10000})
    assert response.status_code == 200
