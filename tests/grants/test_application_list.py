"""The staff list of grant applications (/staff/grants/applications/), the coordinator's list
card that links to it, and the round statuses and headings on the coordinator's list."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import World

SUBMITTED = "月2回の多世代サロン（デモ）"  # the open round's application from 矢向
AWARDED = "月1回のこども食堂（デモ）"  # last year's award to a 矢向 group
DRAFT = "見守りカードづくり（デモ）"  # a draft from 市場, never shown to staff


def _list(world: World, persona: str = "shakyo", **query: str) -> tuple[int, str]:
    response = world.client_for(persona).get(reverse("grants:application_list"), query)
    return response.status_code, response.content.decode()


def test_the_waiting_card_links_to_the_submitted_applications(world: World) -> None:
    home = world.client_for("shakyo").get(reverse("grants:home")).content.decode()
    link = f'<a href="{reverse("grants:application_list")}?status=submitted">決定を待つ申請</a>'
    assert link in home


def test_the_submitted_filter_shows_only_applications_waiting_for_a_decision(
    world: World,
) -> None:
    status, page = _list(world, status="submitted")
    assert status == 200
    assert SUBMITTED in page and AWARDED not in page and DRAFT not in page
    assert "申請1件" in page


def test_without_a_filter_every_application_but_drafts_is_listed(world: World) -> None:
    status, page = _list(world)
    assert status == 200
    assert SUBMITTED in page and AWARDED in page and DRAFT not in page


def test_staff_of_another_district_do_not_see_district_a_applications(world: World) -> None:
    status, page = _list(world, "staff_b")
    assert status == 200
    assert SUBMITTED not in page and AWARDED not in page
    assert "該当する申請はありません。" in page


def test_an_unknown_status_is_a_400_that_says_what_to_do(world: World) -> None:
    for bad in ("draft", "x' or 1=1"):
        status, page = _list(world, status=bad)
        assert status == 400
        assert "状態を一覧から選んでください。" in page
        assert SUBMITTED not in page


def test_an_open_round_reads_as_accepting_applications_not_as_being_handled(
    world: World,
) -> None:
    home = world.client_for("shakyo").get(reverse("grants:home")).content.decode()
    assert "<td>受付中</td>" in home and "対応中" not in home
    assert "受付期間" in home


def test_the_english_round_table_heads_the_dates_application_period(world: World) -> None:
    home = world.client_for("shakyo", lang="en").get(reverse("grants:home")).content.decode()
    assert '<th scope="col">Application period</th>' in home
    assert '<th scope="col">Applications</th>' not in home
    assert "<td>Open</td>" in home
