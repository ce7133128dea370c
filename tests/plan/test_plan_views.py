from django.urls import reverse

from ainet.core.models import AuditEvent, Municipality
from ainet.demo.history import build_plan
from ainet.plan.models import Pillar, PlanPeriod, Theme
from tests.conftest import World


def pillar_one(world: World) -> Pillar:
    build_plan(world.ward)
    return Pillar.objects.get(period__municipality=world.ward, period__number=2, number=1)


def test_the_plan_page_shows_goal_pillars_themes_initiatives_and_challenges(world: World) -> None:
    build_plan(world.ward)
    response = world.client_for("committee").get(reverse("plan:overview"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "健康で住みやすい福祉のまちに" in page
    for text in [
        "つながりのある地域づくり",
        "必要な人に支援が届く仕組みづくり",
        "身近な地域拠点の充実",
    ]:
        assert text in page
    assert "企業と連携" in page  # an initiative's details
    assert "単身世帯が増えており" in page  # a challenge for the third period
    assert 'href="/staff/plan/structure/' not in page  # a committee member cannot edit


def test_an_unknown_period_is_not_found(world: World) -> None:
    build_plan(world.ward)
    assert (
        world.client_for("staff_a").get(reverse("plan:overview"), {"period": "9"}).status_code
        == 404
    )


def test_ward_admin_edits_a_pillar_and_the_change_is_audited(world: World) -> None:
    pillar = pillar_one(world)
    url = reverse("plan:item_edit", args=["pillar", pillar.pk])
    response = world.client_for("ward_admin").post(
        url, {"number": 1, "title": "つながりのある地域づくり（改）", "description": "新しい説明"}
    )
    assert response.status_code == 302
    pillar.refresh_from_db()
    assert pillar.title.endswith("（改）")
    assert AuditEvent.objects.filter(action="record.update", object_type="plan.Pillar").exists()


def test_ward_admin_adds_a_theme_under_a_pillar(world: World) -> None:
    pillar = pillar_one(world)
    url = reverse("plan:item_new_under", args=["theme", pillar.pk])
    response = world.client_for("ward_admin").post(url, {"number": 4, "title": "多世代の居場所"})
    assert response.status_code == 302
    assert pillar.themes.filter(title="多世代の居場所").exists()


def test_a_duplicate_theme_number_is_refused_and_nothing_is_saved(world: World) -> None:
    pillar = pillar_one(world)
    before = Theme.objects.count()
    url = reverse("plan:item_new_under", args=["theme", pillar.pk])
    response = world.client_for("ward_admin").post(url, {"number": 1, "title": "重複"})
    assert response.status_code == 400
    assert Theme.objects.count() == before


def test_a_period_whose_years_are_reversed_is_refused(world: World) -> None:
    build_plan(world.ward)
    response = world.client_for("ward_admin").post(
        reverse("plan:item_new", args=["period"]),
        {"number": 4, "name": "第4期", "first_fy": 2024, "last_fy": 2020, "basic_goal": ""},
    )
    assert response.status_code == 400
    assert not PlanPeriod.objects.filter(number=4).exists()


def test_a_period_number_already_used_is_refused(world: World) -> None:
    build_plan(world.ward)
    response = world.client_for("ward_admin").post(
        reverse("plan:item_new", args=["period"]),
        {"number": 2, "name": "重複", "first_fy": 2020, "last_fy": 2024, "basic_goal": ""},
    )
    assert response.status_code == 400


def test_district_staff_cannot_edit_the_plan(world: World) -> None:
    pillar = pillar_one(world)
    url = reverse("plan:item_edit", args=["pillar", pillar.pk])
    assert world.client_for("staff_a").post(url, {"number": 1, "title": "x"}).status_code == 403


def test_another_wards_plan_is_not_found_for_our_admin(world: World) -> None:
    other = Municipality.objects.create(code="141020", name="横浜市神奈川区")
    period = PlanPeriod.objects.create(
        municipality=other, number=1, name="他区", first_fy=2020, last_fy=2024
    )
    pillar = Pillar.objects.create(period=period, number=1, title="他区の柱")
    url = reverse("plan:item_edit", args=["pillar", pillar.pk])
    assert world.client_for("ward_admin").get(url).status_code == 404


def test_an_unknown_kind_of_plan_element_is_not_found(world: World) -> None:
    pillar = pillar_one(world)
    url = reverse("plan:item_edit", args=["rocket", pillar.pk])
    assert world.client_for("ward_admin").get(url).status_code == 404


def test_the_plan_page_links_the_district_year_report_and_the_booklet(world: World) -> None:
    build_plan(world.ward)
    page = world.client_for("committee").get(reverse("plan:overview")).content.decode()
    assert f'<a href="{reverse("reports:district_index")}">年度別の地区の状況</a>' in page
    assert f'<a href="{reverse("reports:booklet")}">年間活動まとめ冊子（PDF）</a>' in page
