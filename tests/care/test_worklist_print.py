"""The worklist's A4 print: every row the filter selects, grouped by town block, with the
filter, the date and a blank column for the visit's result; audited as a print."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ainet.care.models import Person, WatchLevel
from ainet.core.models import AuditEvent, Town
from tests.care.factories import contact, make_person
from tests.conftest import World

pytestmark = pytest.mark.django_db

URL = reverse("care:worklist_print")


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def two_towns(world: World) -> tuple[Town, Town]:
    first, second = Town.objects.filter(district=world.district_a).order_by("name", "koaza")[:2]
    return first, second


def test_the_print_groups_by_town_block_most_urgent_first_within_each(world: World) -> None:
    first, second = two_towns(world)
    low = make_person(world, "低", watch_level=WatchLevel.LOW, last_contact_at=None)
    high = make_person(world, "高", watch_level=WatchLevel.HIGH, last_contact_at=ago(9))
    other = make_person(world, "別の町", watch_level=WatchLevel.HIGH, last_contact_at=None)
    Person.objects.filter(pk__in=[low.pk, high.pk]).update(town=second)
    Person.objects.filter(pk=other.pk).update(town=first)
    response = world.client_for("minsei").get(URL)
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [(g["town"], [r["name"] for r in g["rows"]]) for g in groups] == [
        (first.name + first.koaza, ["別の町"]),
        (second.name + second.koaza, ["高", "低"]),
    ]
    html = response.content.decode()
    assert html.index(f"矢向 {first.name}{first.koaza} (1)") < html.index(
        f"矢向 {second.name}{second.koaza} (2)"
    )
    assert "訪問結果・メモ" in html
    assert '<td class="visit-notes"></td>' in html
    assert "care/worklist_print.css" in html


def test_the_print_shows_the_filter_and_the_date(world: World) -> None:
    make_person(world, "高", watch_level=WatchLevel.HIGH, last_contact_at=None)
    make_person(world, "低", watch_level=WatchLevel.LOW, last_contact_at=None)
    response = world.client_for("care_plaza").get(URL, {"watch_level": "high"})
    html = response.content.decode()
    assert "絞り込み：見守りの頻度：高（毎週の連絡）" in html
    assert timezone.localtime().strftime("%Y-%m-%d") in html
    assert [r["name"] for g in response.context["groups"] for r in g["rows"]] == ["高"]
    unfiltered = world.client_for("care_plaza").get(URL).content.decode()
    assert "絞り込み：なし" in unfiltered


def test_every_print_is_audited_with_its_people(world: World) -> None:
    person = make_person(world, "矢向", last_contact_at=None)
    world.client_for("care_plaza").get(URL, {"district": str(world.district_a.pk)})
    event = AuditEvent.objects.get(action="print")
    assert event.actor == world.users["care_plaza"]
    assert event.details == {
        "report": "worklist_print",
        "filter": {"district": str(world.district_a.pk)},
        "people": [person.pk],
    }


def test_another_districts_people_are_not_printed(world: World) -> None:
    make_person(world, "矢向の人", last_contact_at=None)
    make_person(world, "市場の人", district=world.district_b, last_contact_at=None)
    response = world.client_for("staff_b").get(URL)
    names = [r["name"] for g in response.context["groups"] for r in g["rows"]]
    assert names == ["市場の人"]
    assert "矢向の人" not in response.content.decode()


@pytest.mark.parametrize("persona", ["committee", "auditor", "partner"])
def test_roles_without_the_worklist_may_not_print(world: World, persona: str) -> None:
    make_person(world, "矢向", last_contact_at=None)
    assert world.client_for(persona).get(URL).status_code == 403
    assert not AuditEvent.objects.filter(action="print").exists()


def test_the_print_query_count_does_not_grow(world: World) -> None:
    def count() -> int:
        client = world.client_for("minsei")
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            client.get(URL)
        return len(queries)

    make_person(world, "一", last_contact_at=None)
    few = count()
    first, second = two_towns(world)
    for i in range(30):
        person = make_person(world, f"人{i}", last_contact_at=ago(100))
        Person.objects.filter(pk=person.pk).update(town=first if i % 2 else second)
        contact(person, follow_up_needed=True)
    assert count() == few


def test_town_blocks_come_in_their_numbered_order() -> None:
    from ainet.care.views import _town_order

    names = ["尻手三丁目", "尻手十一丁目", "矢向", "尻手一丁目", "尻手二丁目"]
    assert sorted(names, key=_town_order) == [
        "尻手一丁目",
        "尻手二丁目",
        "尻手三丁目",
        "尻手十一丁目",
        "矢向",
    ]
