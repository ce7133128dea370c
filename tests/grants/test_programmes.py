"""Staff manage programmes and rounds from the UI: who runs a programme decides who manages it;
bad dates and amounts get a clear error and change nothing; a published open round appears on
the public call page."""

from __future__ import annotations

import datetime
import importlib

from django.apps import apps
from django.urls import reverse

from ainet.core.dates import today_tokyo
from ainet.grants.models import Programme, ReviewerAssignment, Round
from tests.conftest import World
from tests.grants.url_rules import demo_programme, open_round


def ward_office_programme(world: World) -> Programme:
    response = world.client_for("staff_a").post(
        reverse("grants:programme_create"),
        {
            "code": "vitality-2026",
            "name": "つるみ・地域元気づくり事業（テスト）",
            "owner_organisation": str(world.organisation("鶴見区役所").pk),
            "purpose": "地域の元気づくり",
            "first_fy": "2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Programme.objects.get(code="vitality-2026")


def round_data(**overrides: str) -> dict[str, str]:
    today = today_tokyo()
    data = {
        "title": "2026年度 第2回",
        "fiscal_year": "2026",
        "description": "地域の活動",
        "opens_on": f"{today - datetime.timedelta(days=1):%Y-%m-%d}",
        "closes_on": f"{today + datetime.timedelta(days=30):%Y-%m-%d}",
        "min_amount_yen": "10000",
        "max_amount_yen": "200000",
        "budget_yen": "1000000",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def test_ward_staff_create_a_programme_and_a_round_that_goes_public(world: World) -> None:
    programme = ward_office_programme(world)
    assert programme.owner == "鶴見区役所"
    client = world.client_for("staff_a")
    response = client.post(reverse("grants:round_create", args=[programme.pk]), round_data())
    assert response.status_code == 302
    round_ = Round.objects.get(programme=programme)
    response = client.post(
        reverse("grants:criterion_add", args=[round_.pk]),
        {"title": "地域の課題に合っている", "max_score": "5"},
    )
    assert response.status_code == 302 and round_.criteria.count() == 1
    response = client.post(
        reverse("grants:reviewer_add", args=[round_.pk]),
        {"reviewer": str(world.users["committee"].pk)},
    )
    assert response.status_code == 302
    assert ReviewerAssignment.objects.filter(round=round_).count() == 1
    public = world.client_for("anonymous").get(reverse("grants_public:calls")).content.decode()
    assert "2026年度 第2回" in public


def test_ward_office_staff_cannot_manage_a_programme_run_by_the_shakyo(world: World) -> None:
    programme = demo_programme(world)
    client = world.client_for("staff_a")
    assert client.get(reverse("grants:programme_edit", args=[programme.pk])).status_code == 403
    response = client.post(reverse("grants:round_create", args=[programme.pk]), round_data())
    assert response.status_code == 403
    assert not Round.objects.filter(programme=programme, title="2026年度 第2回").exists()


def test_the_shakyo_cannot_create_a_programme_for_the_ward_office(world: World) -> None:
    response = world.client_for("shakyo").post(
        reverse("grants:programme_create"),
        {
            "code": "x",
            "name": "x",
            "owner_organisation": str(world.organisation("鶴見区役所").pk),
            "purpose": "x",
            "first_fy": "2026",
        },
    )
    assert response.status_code == 400
    assert not Programme.objects.filter(code="x").exists()


def test_a_round_closing_before_it_opens_is_refused(world: World) -> None:
    programme = ward_office_programme(world)
    response = world.client_for("staff_a").post(
        reverse("grants:round_create", args=[programme.pk]),
        round_data(opens_on="2026-12-01", closes_on="2026-11-01"),
    )
    assert response.status_code == 400
    assert "受付締切日が受付開始日より前" in response.content.decode()
    assert not Round.objects.filter(programme=programme).exists()


def test_a_round_whose_largest_grant_is_below_the_smallest_is_refused(world: World) -> None:
    programme = ward_office_programme(world)
    response = world.client_for("staff_a", "en").post(
        reverse("grants:round_create", args=[programme.pk]),
        round_data(min_amount_yen="50000", max_amount_yen="10000"),
    )
    assert response.status_code == 400
    assert "The largest grant cannot be smaller than the smallest." in response.content.decode()


def test_a_duplicate_programme_code_is_refused(world: World) -> None:
    response = world.client_for("shakyo").post(
        reverse("grants:programme_create"),
        {
            "code": "zenni-grant",
            "name": "x",
            "owner_organisation": str(world.organisation("鶴見区社会福祉協議会").pk),
            "purpose": "x",
            "first_fy": "2026",
        },
    )
    assert response.status_code == 400
    assert Programme.objects.filter(code="zenni-grant").count() == 1


def test_a_reviewer_must_hold_a_reviewing_role(world: World) -> None:
    response = world.client_for("shakyo").post(
        reverse("grants:reviewer_add", args=[open_round(world).pk]),
        {"reviewer": str(world.users["auditor"].pk)},
    )
    assert response.status_code == 400


def test_the_take_over_migration_links_old_programmes_to_their_owner(world: World) -> None:
    programme = Programme.objects.create(
        municipality=world.ward, code="start-dash", name="スタートダッシュ事業",
        owner="鶴見区役所", first_fy=2007, last_fy=2009,
    )  # fmt: skip
    migration = importlib.import_module("ainet.grants.migrations.0003_programme_owner_organisation")
    migration.link_owners(apps, None)
    programme.refresh_from_db()
    assert programme.owner_organisation == world.organisation("鶴見区役所")


def test_the_grants_menu_item_is_current_on_grants_pages(world: World) -> None:
    page = world.client_for("ward_admin").get(reverse("grants:programme_list")).content.decode()
    assert f'<a href="{reverse("grants:home")}" aria-current="page">' in page
    committee = world.client_for("committee").get(reverse("grants:review_list")).content.decode()
    assert f'<a href="{reverse("grants:review_list")}" aria-current="page">' in committee
