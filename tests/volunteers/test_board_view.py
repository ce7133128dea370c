"""The coordinator's board: a column per state, one coordinator at a time."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import World
from tests.volunteers.url_rules import make_request


def test_the_board_shows_my_requests_in_their_columns(world: World) -> None:
    shakyo = world.users["shakyo"]
    make_request(world, title="私の依頼", coordinator=shakyo, state="introduced")
    make_request(world, title="他の人の依頼", coordinator=world.users["staff_a"])
    page = world.client_for("shakyo").get(reverse("volunteers:board")).content.decode()
    assert "私の依頼" in page and "他の人の依頼" not in page
    assert page.index('id="column-introduced"') < page.index("私の依頼")
    assert 'id="column-closed"' in page


def test_all_coordinators_and_unknown_ones(world: World) -> None:
    make_request(world, title="他の人の依頼", coordinator=world.users["staff_a"])
    client = world.client_for("shakyo")
    page = client.get(reverse("volunteers:board"), {"coordinator": "all"}).content.decode()
    assert "他の人の依頼" in page
    assert client.get(reverse("volunteers:board"), {"coordinator": "abc"}).status_code == 404


def test_the_board_hides_other_districts(world: World) -> None:
    make_request(world, title="矢向の依頼")
    page = (
        world.client_for("staff_b")
        .get(reverse("volunteers:board"), {"coordinator": "all"})
        .content.decode()
    )
    assert "矢向の依頼" not in page


def test_readers_get_no_move_buttons(world: World) -> None:
    make_request(world, title="矢向の依頼")
    page = (
        world.client_for("care_plaza")
        .get(reverse("volunteers:board"), {"coordinator": "all"})
        .content.decode()
    )
    assert "矢向の依頼" in page
    assert 'name="to_state"' not in page
