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


def test_a_coordinator_with_no_open_request_sees_everyones_board(world: World) -> None:
    make_request(world, title="他の人の依頼", coordinator=world.users["staff_a"])
    page = world.client_for("ward_admin").get(reverse("volunteers:board")).content.decode()
    assert "他の人の依頼" in page
    assert '<option value="all" selected>' in page
    assert "あなたが担当する対応中の依頼はないため" in page
    assert "対応中の依頼：あなたの担当0件／全体1件。" in page


def test_a_coordinator_with_open_requests_sees_theirs_and_a_link_to_all(world: World) -> None:
    shakyo = world.users["shakyo"]
    make_request(world, title="私の依頼", coordinator=shakyo)
    make_request(world, title="他の人の依頼", coordinator=world.users["staff_a"])
    page = world.client_for("shakyo").get(reverse("volunteers:board")).content.decode()
    assert "私の依頼" in page and "他の人の依頼" not in page
    assert "対応中の依頼：あなたの担当1件／全体2件。" in page
    assert '<a href="?coordinator=all">すべてのコーディネーターを表示</a>' in page
    assert "あなたが担当する対応中の依頼はないため" not in page


def test_choosing_oneself_explicitly_still_shows_only_ones_own_requests(world: World) -> None:
    admin = world.users["ward_admin"]
    make_request(world, title="他の人の依頼", coordinator=world.users["staff_a"])
    page = (
        world.client_for("ward_admin")
        .get(reverse("volunteers:board"), {"coordinator": str(admin.pk)})
        .content.decode()
    )
    assert "他の人の依頼" not in page
    assert "あなたが担当する対応中の依頼はないため" not in page
