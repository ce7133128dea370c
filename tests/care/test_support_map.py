"""The support map: people and ties of a district that the user may see, the same data as a
table, personal data by field level, and disaster-mode unlocks audited."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ainet.care.models import Basis, DisasterDeclaration, SupporterKind
from ainet.core.models import AuditEvent
from tests.care.factories import make_person, supporter_for, tie
from tests.conftest import World

pytestmark = pytest.mark.django_db

URL = reverse("care:support_map")


def map_data(response: object) -> dict[str, object]:
    html = response.content.decode()  # type: ignore[attr-defined]
    start = html.index('<script id="support-map-data" type="application/json">') + len(
        '<script id="support-map-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])  # type: ignore[no-any-return]


def test_the_map_shows_the_districts_people_ties_and_the_same_as_a_table(world: World) -> None:
    tied = make_person(world, "結び 一")
    make_person(world, "孤立 二")
    make_person(world, "市場 三", district=world.district_b)
    tie(tied, supporter_for(world, None, SupporterKind.NEIGHBOUR, name="隣人 甲"))
    response = world.client_for("staff_a").get(URL, {"district": world.district_a.pk})
    assert response.status_code == 200
    data = map_data(response)
    assert {p["name"] for p in data["people"]} == {"結び 一", "孤立 二"}  # type: ignore[index, union-attr]
    assert [t["supporter_name"] for t in data["ties"]] == ["隣人 甲"]  # type: ignore[index, union-attr]
    html = response.content.decode()
    table = html.split("<tbody>")[1]
    assert "結び 一" in table and "隣人 甲" in table
    assert [p["name"] for p in response.context["untied"]] == ["孤立 二"]
    assert "leaflet.js" in html


def test_a_volunteer_sees_only_their_people_with_minimal_fields(world: World) -> None:
    mine = make_person(world, "担当 一", watch_level="high")
    make_person(world, "他人 二")
    tie(mine, supporter_for(world, "volunteer"))
    data = map_data(world.client_for("volunteer").get(URL))
    people = data["people"]
    assert [p["name"] for p in people] == ["担当 一"]  # type: ignore[index, union-attr]
    assert people[0]["watch_level"] == ""  # type: ignore[index]
    staff = map_data(world.client_for("staff_a").get(URL, {"district": world.district_a.pk}))
    assert all(p["watch_level"] for p in staff["people"])  # type: ignore[index, union-attr]


def test_a_district_the_user_cannot_see_is_refused(world: World) -> None:
    make_person(world, district=world.district_b)
    make_person(world)
    response = world.client_for("staff_a").get(URL, {"district": world.district_b.pk})
    assert response.status_code == 400


def test_people_only_disaster_mode_unlocks_are_audited_when_the_map_shows_them(
    world: World,
) -> None:
    hidden = make_person(world, basis=Basis.WARD_ONLY)
    make_person(world, "同意 一")
    declaration = DisasterDeclaration.objects.create(
        municipality=world.ward,
        reason="test",
        declared_by=world.users["ward_admin"],
        expires_at=timezone.now() + timedelta(hours=1),
    )
    declaration.districts.set([world.district_a])
    world.client_for("minsei").get(URL, {"district": world.district_a.pk})
    event = AuditEvent.objects.get(action="record.view")
    assert event.details["disaster_mode"] is True
    assert event.details["people"] == [hidden.pk]
