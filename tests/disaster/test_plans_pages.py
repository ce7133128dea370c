"""The evacuation-help list, plans, supporter assignment and disaster mode through the views
and services (disaster/views.py, services.py, proposals.py, evaclist.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ainet.care.models import Basis, DisasterDeclaration, NeedKind
from ainet.core import access
from ainet.core.models import AuditEvent
from ainet.disaster import services
from ainet.disaster.models import EvacuationPlan, EvacuationPlanVersion, PlanStatus
from ainet.disaster.services import PlanInput
from tests.conftest import World
from tests.disaster.plans_people import DAY, person, plan, sign_agreement, supporter

pytestmark = pytest.mark.django_db

LIST = reverse("disaster:evacuation_list")


def names_on_list(world: World, persona: str, query: str = "") -> set[str]:
    response = world.client_for(persona).get(LIST + query)
    assert response.status_code == 200
    return {r.person.name for r in response.context["rows"]}


@pytest.fixture
def listed(world: World) -> dict[str, Any]:
    return {
        "consented": person(world, "同意 花子（架空）", disability="視覚障害（架空）"),
        "opt_out": person(world, "共有 太郎（架空）", basis=Basis.OPT_OUT, consent_on=None),
        "opted_out": person(
            world,
            "除外 次郎（架空）",
            basis=Basis.OPT_OUT,
            consent_on=None,
            removal_requested_on=DAY,
        ),
        "ward_only": person(world, "区のみ 三郎（架空）", basis=Basis.WARD_ONLY, consent_on=None),
        "other": person(world, "市場 四郎（架空）", world.district_b),
    }


def test_list_rows_per_persona(world: World, listed: dict[str, Any]) -> None:
    everyone = {p.name for p in listed.values()}
    assert names_on_list(world, "ward_admin") == everyone
    assert names_on_list(world, "staff_a") == everyone - {"市場 四郎（架空）"}
    assert names_on_list(world, "staff_b") == {"市場 四郎（架空）"}
    assert names_on_list(world, "minsei") == {"同意 花子（架空）", "共有 太郎（架空）"}
    assert names_on_list(world, "association") == set()
    sign_agreement(world)
    assert names_on_list(world, "association") == {"同意 花子（架空）", "共有 太郎（架空）"}
    assert world.client_for("volunteer").get(LIST).status_code == 403


def test_list_filters_by_district_and_association(world: World, listed: dict[str, Any]) -> None:
    assert names_on_list(world, "ward_admin", f"?district={world.district_b.code}") == {
        "市場 四郎（架空）"
    }
    association = world.organisation("矢向第一町内会（デモ）")
    on_a = names_on_list(world, "ward_admin", f"?association={association.pk}")
    assert "市場 四郎（架空）" not in on_a and "同意 花子（架空）" in on_a


def test_list_shows_reason_and_consent_state_and_special_care_only_at_full(
    world: World, listed: dict[str, Any]
) -> None:
    page = world.client_for("staff_a", "en").get(LIST).content.decode()
    assert "ひとり暮らし高齢者（架空）" in page
    assert "consent on 2024-04-01" in page
    assert "removal requested on 2024-04-01" in page
    assert "視覚障害（架空）" in page
    minsei = world.client_for("minsei", "en").get(LIST).content.decode()
    assert "consent on 2024-04-01" in minsei
    assert "視覚障害（架空）" not in minsei


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_print_view_pdf_and_csv_are_audited(world: World, listed: dict[str, Any]) -> None:
    client = world.client_for("staff_a")
    response = client.get(
        reverse("disaster:evacuation_list_print") + f"?district={world.district_a.code}"
    )
    assert response.status_code == 200
    assert "同意 花子（架空）" in response.content.decode()
    response = client.get(reverse("disaster:evacuation_list_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    prints = _events("print")
    assert [e.details["report"] for e in prints] == ["evacuation_list_html", "evacuation_list_pdf"]
    assert prints[0].details["district"] == world.district_a.code
    assert listed["consented"].pk in prints[1].details["people"]
    response = client.get(reverse("disaster:evacuation_list_csv"))
    assert response.status_code == 200
    assert "同意 花子（架空）" in response.content.decode("utf-8-sig")
    assert _events("export")[0].details["report"] == "evacuation_list_csv"


def _input(s: Any, **changes: Any) -> PlanInput:
    data: dict[str, Any] = {
        "primary_supporter": s,
        "destination_text": "矢向小学校（架空）",
        "route_notes": "大通りを北へ",
        "what_to_take": "薬、眼鏡",
        "care_needs": "車いす",
        "timing_level3": "家族に連絡して避難開始",
        "consent_on": DAY,
    }
    data.update(changes)
    return PlanInput(**data)


def test_a_plan_without_consent_is_refused_and_nothing_saved(world: World) -> None:
    p = person(world, "同意なし（架空）")
    s = supporter(world, "支援 一郎（架空）")
    with pytest.raises(ValidationError) as raised:
        services.save_plan(world.users["staff_a"], p, _input(s, consent_on=None))
    assert "consent_on" in raised.value.message_dict
    assert not EvacuationPlan.objects.exists()
    url = reverse("disaster:plan_edit", args=[p.pk])
    for lang, text in (("ja", "同意"), ("en", "A plan needs the person&#x27;s consent")):
        response = world.client_for("staff_a", lang).post(url, {"primary_supporter": s.pk})
        assert response.status_code == 400
        assert text in response.content.decode()
    assert not EvacuationPlan.objects.exists()


def test_plans_are_versioned(world: World) -> None:
    p = person(world, "版 花子（架空）")
    s1, s2 = supporter(world, "支援 一郎（架空）"), supporter(world, "支援 二郎（架空）")
    client = world.client_for("staff_a")
    url = reverse("disaster:plan_edit", args=[p.pk])
    form = {"primary_supporter": s1.pk, "consent_on": "2024-04-01", "route_notes": "北へ"}
    assert client.post(url, form).status_code == 302
    form.update(primary_supporter=s2.pk, backup_supporter=s1.pk, change="支援者の交代")
    assert client.post(url, form).status_code == 302
    current = EvacuationPlan.objects.get(person=p)
    assert current.version == 2 and current.primary_supporter == s2
    versions = list(EvacuationPlanVersion.objects.filter(plan=current).order_by("version"))
    assert [v.data["primary_supporter"]["name"] for v in versions] == [
        "支援 一郎（架空）",
        "支援 二郎（架空）",
    ]
    assert versions[1].change == "支援者の交代"
    history = client.get(reverse("disaster:plan_history", args=[p.pk])).content.decode()
    assert "支援 一郎（架空）" in history and "支援者の交代" in history


def test_plan_edit_refuses_same_supporter_twice_and_full_capacity(world: World) -> None:
    p, q = person(world, "甲（架空）"), person(world, "乙（架空）")
    s = supporter(world, "支援 一郎（架空）", capacity=1)
    with pytest.raises(ValidationError):
        services.save_plan(world.users["staff_a"], p, _input(s, backup_supporter=s))
    services.save_plan(world.users["staff_a"], p, _input(s))
    with pytest.raises(ValidationError) as raised:
        services.save_plan(world.users["staff_a"], q, _input(s))
    assert "primary_supporter" in raised.value.message_dict


def test_care_needs_only_at_full_level(world: World) -> None:
    p = person(world, "配慮 花子（架空）")
    s = supporter(world, "支援 一郎（架空）")
    services.save_plan(world.users["staff_a"], p, _input(s, care_needs="人工透析（架空）"))
    url = reverse("disaster:plan_detail", args=[p.pk])
    assert "人工透析（架空）" in world.client_for("staff_a").get(url).content.decode()
    assert "人工透析（架空）" not in world.client_for("minsei").get(url).content.decode()


def test_other_districts_person_and_plan_are_404(world: World) -> None:
    p = person(world, "甲（架空）")
    plan(world, p, supporter(world, "支援（架空）"))
    for name in ("plan_detail", "plan_edit", "plan_history", "plan_print"):
        assert (
            world.client_for("staff_b").get(reverse(f"disaster:{name}", args=[p.pk])).status_code
            == 404
        )


def test_plan_prints_for_person_and_each_supporter_are_audited(world: World) -> None:
    p = person(world, "印刷 花子（架空）")
    s1, s2 = supporter(world, "支援 一郎（架空）"), supporter(world, "支援 二郎（架空）")
    plan(world, p, s1, backup_supporter=s2)
    client = world.client_for("staff_a")
    for url in (
        reverse("disaster:plan_print", args=[p.pk]),
        reverse("disaster:plan_print_supporter", args=[p.pk, s1.pk]),
        reverse("disaster:plan_print_supporter", args=[p.pk, s2.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    other = supporter(world, "無関係（架空）")
    assert (
        client.get(reverse("disaster:plan_print_supporter", args=[p.pk, other.pk])).status_code
        == 404
    )
    prints = _events("print")
    assert [(e.details["for"], e.details["supporter"]) for e in prints] == [
        ("person", None),
        ("supporter", s1.pk),
        ("supporter", s2.pk),
    ]


def test_proposal_and_accept_create_draft_plans(world: World) -> None:
    mobility = NeedKind.objects.create(municipality=world.ward, code="mobility", name="移動の支援")
    alone = person(world, "単独 花子（架空）")
    two = person(world, "二人 太郎（架空）")
    two.needs.add(mobility)
    far = person(world, "遠方 次郎（架空）")
    far.lat = far.lat + 1  # type: ignore[operator]
    far.save()
    planned = person(world, "計画済（架空）")
    s1 = supporter(world, "近所 一（架空）", capacity=2)
    s2 = supporter(world, "近所 二（架空）", north=0.002)
    plan(world, planned, supporter(world, "既存（架空）"))
    client = world.client_for("staff_a", "en")
    response = client.get(reverse("disaster:proposal") + "?max_distance_m=500&run=1")
    assert response.status_code == 200
    result = response.context["result"]
    assert {r.person.name for r in result.rows} == {
        "単独 花子（架空）",
        "二人 太郎（架空）",
        "遠方 次郎（架空）",
    }
    assert result.covered == 2 and result.proven_optimal
    assert [r.person.name for r in result.uncovered] == ["遠方 次郎（架空）"]
    pairs = [f"{r.person.pk}:{s.pk}" for r in result.covered_rows for s, _d in r.supporters]
    response = client.post(
        reverse("disaster:proposal_accept"),
        {"person": [alone.pk, two.pk], "pair": pairs, "max_distance_m": 500},
    )
    assert response.status_code == 302
    drafts = {p.person.name: p for p in EvacuationPlan.objects.filter(status=PlanStatus.DRAFT)}
    assert set(drafts) == {"単独 花子（架空）", "二人 太郎（架空）"}
    assert {
        drafts["二人 太郎（架空）"].primary_supporter,
        drafts["二人 太郎（架空）"].backup_supporter,
    } == {s1, s2}
    assert drafts["単独 花子（架空）"].consent_on is None
    # accepting the same proposal again changes nothing: both now have plans
    client.post(reverse("disaster:proposal_accept"), {"person": [alone.pk], "pair": pairs})
    assert EvacuationPlan.objects.count() == 3


def test_replanning_keeps_still_valid_assignments(world: World) -> None:
    a, b = person(world, "甲（架空）"), person(world, "乙（架空）")
    keep, gone = supporter(world, "残る（架空）"), supporter(world, "去る（架空）")
    new = supporter(world, "新規（架空）", north=0.003)
    plan(world, a, keep)
    plan(world, b, gone)
    gone.is_active = False
    gone.save()
    response = world.client_for("staff_a").get(
        reverse("disaster:proposal") + "?max_distance_m=500&replan=on&run=1"
    )
    rows = {r.person.name: r for r in response.context["result"].rows}
    assert set(rows) == {"乙（架空）"}  # 甲's plan is still valid and not touched
    assert [s for s, _d in rows["乙（架空）"].supporters] == [new]
    world.client_for("staff_a").post(
        reverse("disaster:proposal_accept"),
        {"person": [b.pk], "pair": [f"{b.pk}:{new.pk}"], "max_distance_m": 500},
    )
    b_plan = EvacuationPlan.objects.get(person=b)
    assert b_plan.primary_supporter == new and b_plan.version == 2
    assert b_plan.status == PlanStatus.DRAFT
    assert EvacuationPlan.objects.get(person=a).primary_supporter == keep


def test_declare_end_expiry_and_unlock_audit(world: World) -> None:
    hidden = person(
        world, "区のみ（架空）", basis=Basis.OPT_OUT, consent_on=None, removal_requested_on=DAY
    )
    admin = world.client_for("ward_admin")
    response = admin.post(
        reverse("disaster:declare"),
        {"reason": "震度6強（訓練）", "districts": [world.district_a.pk], "hours": 72},
    )
    assert response.status_code == 302
    declaration = DisasterDeclaration.objects.get()
    assert DisasterDeclaration.objects.in_force().filter(pk=declaration.pk).exists()
    assert AuditEvent.objects.filter(action="disaster.declared").count() == 1
    # the commissioner now sees the non-shareable person, and the read is audited
    minsei = world.client_for("minsei")
    response = minsei.get(LIST)
    assert "区のみ（架空）" in {r.person.name for r in response.context["rows"]}
    unlocks = AuditEvent.objects.filter(action="record.view", details__disaster_mode=True)
    assert unlocks.count() == 1 and unlocks.get().details["people"] == [hidden.pk]
    assert minsei.get(reverse("disaster:plan_detail", args=[hidden.pk])).status_code == 200
    assert unlocks.count() == 2
    # the banner is on every staff page
    assert "disaster-banner" in minsei.get(reverse("core:home")).content.decode()
    # a staff member of another district sees no banner for district A only
    assert (
        "disaster-banner"
        not in world.client_for("staff_b").get(reverse("core:home")).content.decode()
    )
    # ending it: the next request no longer shows the person
    assert admin.post(reverse("disaster:declaration_end", args=[declaration.pk])).status_code == 302
    assert AuditEvent.objects.filter(action="disaster.ended").count() == 1
    assert "区のみ（架空）" not in names_on_list(world, "minsei")
    assert minsei.get(reverse("disaster:plan_detail", args=[hidden.pk])).status_code == 404
    assert "disaster-banner" not in minsei.get(reverse("core:home")).content.decode()
    # ending twice is refused with a message, nothing changes
    admin.post(reverse("disaster:declaration_end", args=[declaration.pk]))
    assert AuditEvent.objects.filter(action="disaster.ended").count() == 1


def test_disaster_mode_expires_by_itself_and_history_shows_it(world: World) -> None:
    hidden = person(world, "区のみ（架空）", basis=Basis.WARD_ONLY, consent_on=None)
    declaration = services.declare(
        world.users["ward_admin"],
        world.ward,
        reason="台風（訓練）",
        duration=datetime.timedelta(hours=1),
    )
    assert "区のみ（架空）" in names_on_list(world, "minsei")
    DisasterDeclaration.objects.filter(pk=declaration.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        expires_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert "区のみ（架空）" not in names_on_list(world, "minsei")
    assert hidden.pk
    page = (
        world.client_for("ward_admin", "en")
        .get(reverse("disaster:declaration_list"))
        .content.decode()
    )
    assert "台風（訓練）" in page and "Expired" in page


def test_declare_validation(world: World) -> None:
    admin = world.client_for("ward_admin", "en")
    response = admin.post(reverse("disaster:declare"), {"reason": "", "hours": 500})
    assert response.status_code == 400
    assert not DisasterDeclaration.objects.exists()
    with pytest.raises(ValidationError):
        services.declare(
            world.users["ward_admin"], world.ward, reason="x", duration=datetime.timedelta(days=8)
        )
    assert (
        world.client_for("staff_a")
        .post(reverse("disaster:declare"), {"reason": "x", "hours": 1})
        .status_code
        == 403
    )
    access.forget(world.users["ward_admin"])


def test_shelters_page_lists_shelters_with_capacity(world: World) -> None:
    from ainet.facilities.models import Facility

    Facility.objects.create(
        municipality=world.ward,
        kind="welfare_shelter",
        name="福祉避難所（架空）",
        opened_on=DAY,
        **({"capacity": 30} if hasattr(Facility, "capacity") else {}),
    )
    page = world.client_for("staff_a").get(reverse("disaster:shelters")).content.decode()
    assert "福祉避難所（架空）" in page


def test_shelters_page_shows_them_on_the_map_with_welfare_shelters_apart(world: World) -> None:
    import json
    import re
    from decimal import Decimal

    from ainet.facilities.models import Facility

    Facility.objects.create(
        municipality=world.ward,
        kind="welfare_shelter",
        name="福祉避難所（架空）",
        opened_on=DAY,
        capacity=30,
        lat=Decimal("35.508"),
        lng=Decimal("139.682"),
    )
    Facility.objects.create(
        municipality=world.ward,
        kind="evacuation_site",
        name="避難場所（架空）",
        opened_on=DAY,
        lat=Decimal("35.51"),
        lng=Decimal("139.69"),
    )
    Facility.objects.create(  # closed: neither in the table nor on the map
        municipality=world.ward,
        kind="evacuation_site",
        name="閉鎖した避難場所（架空）",
        opened_on=DAY,
        closed_on=DAY,
    )
    page = world.client_for("staff_a", "en").get(reverse("disaster:shelters")).content.decode()
    found = re.search(
        r'<script id="shelter-map-config" type="application/json">(.*?)</script>', page
    )
    assert found, "the shared map is embedded"
    config = json.loads(found.group(1))
    layers = {layer["key"]: layer for layer in config["layers"]}
    assert set(layers) == {"shelter-evacuation_site", "shelter-welfare_shelter"}
    assert (
        layers["shelter-welfare_shelter"]["colour"] != layers["shelter-evacuation_site"]["colour"]
    )
    welfare = next(
        i for i in layers["shelter-welfare_shelter"]["items"] if i["name"] == "福祉避難所（架空）"
    )
    assert (welfare["name"], welfare["lat"], welfare["lng"]) == (
        "福祉避難所（架空）",
        35.508,
        139.682,
    )
    assert welfare["when"] == "Capacity: 30 people"
    assert "避難場所（架空）" in [i["name"] for i in layers["shelter-evacuation_site"]["items"]]
    assert all(i["name"] != "避難場所（架空）" for i in layers["shelter-welfare_shelter"]["items"])
    assert "閉鎖した避難場所（架空）" not in page
    assert 'id="shelter-map"' in page and "ainet/map.js" in page


def test_demo_plans_are_synthetic_and_respect_capacity(world: World) -> None:
    from ainet.disaster.demo import build_disaster_plans

    people = [person(world, f"デモ {i}（架空）") for i in range(5)]
    s = supporter(world, "デモ支援（架空）", capacity=2)
    supporter(world, "デモ支援二（架空）", capacity=1, north=0.002)
    made = build_disaster_plans(world.ward, world.users["ward_admin"])
    assert made == 2  # 3 places: the first plan takes two supporters, the second the last
    plans = list(EvacuationPlan.objects.all())
    assert all("（デモ）" in p.route_notes for p in plans)
    assert all(p.versions.count() == 1 for p in plans)
    assert services.supporter_loads([s.pk])[s.pk] <= s.evacuation_capacity
    assert {p.person for p in plans} <= set(people)
