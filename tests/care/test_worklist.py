"""The worklist: people whose last contact is older than their watch level allows, and pending
follow-ups; most urgent first (watch level, then days overdue with never contacted first, then
furigana), with the town block and address for planning a round of visits."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ainet.care.models import WatchLevel
from ainet.care.selectors import worklist
from ainet.core.dates import today_tokyo
from tests.care.factories import contact, make_person
from tests.conftest import World

pytestmark = pytest.mark.django_db

URL = reverse("care:worklist")


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_each_watch_level_has_its_own_interval(world: World) -> None:
    make_person(world, "高8日", watch_level=WatchLevel.HIGH, last_contact_at=ago(8))
    make_person(world, "高6日", watch_level=WatchLevel.HIGH, last_contact_at=ago(6))
    make_person(world, "中31日", watch_level=WatchLevel.MEDIUM, last_contact_at=ago(31))
    make_person(world, "中29日", watch_level=WatchLevel.MEDIUM, last_contact_at=ago(29))
    make_person(world, "低91日", watch_level=WatchLevel.LOW, last_contact_at=ago(91))
    make_person(world, "低60日", watch_level=WatchLevel.LOW, last_contact_at=ago(60))
    names = {p.name for p in worklist(world.users["staff_a"], timezone.now())}
    assert names == {"高8日", "中31日", "低91日"}


def test_high_watch_level_first_then_longest_overdue_then_furigana(world: World) -> None:
    make_person(world, "低未接触", watch_level=WatchLevel.LOW, last_contact_at=None)
    make_person(world, "低100日", watch_level=WatchLevel.LOW, last_contact_at=ago(100))
    make_person(world, "中40日", watch_level=WatchLevel.MEDIUM, last_contact_at=ago(40))
    make_person(world, "高20日", watch_level=WatchLevel.HIGH, last_contact_at=ago(20))
    make_person(world, "高9日", watch_level=WatchLevel.HIGH, last_contact_at=ago(9))
    kept = make_person(world, "高要対応", watch_level=WatchLevel.HIGH, last_contact_at=ago(2))
    contact(kept, at=ago(2), follow_up_needed=True)
    # Two high-level people never contacted: by furigana.
    make_person(world, "高未接触か", name_kana="かとう", watch_level=WatchLevel.HIGH)
    make_person(world, "高未接触あ", name_kana="あべ", watch_level=WatchLevel.HIGH)
    done = make_person(world, "対応済", watch_level=WatchLevel.LOW, last_contact_at=ago(2))
    contact(done, at=ago(2), follow_up_needed=True, follow_up_done_on=today_tokyo())
    response = world.client_for("staff_a").get(URL)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["name"] for r in rows] == [
        "高未接触あ",
        "高未接触か",
        "高20日",
        "高9日",
        "高要対応",
        "中40日",
        "低未接触",
        "低100日",
    ]
    assert [r["days_overdue"] for r in rows] == [None, None, 13, 2, None, 10, None, 10]
    assert [r["follow_up_pending"] for r in rows] == [False] * 4 + [True] + [False] * 3


def test_the_page_explains_the_order(world: World) -> None:
    response = world.client_for("staff_a").get(URL)
    assert "見守りの頻度（高いものから）" in response.content.decode()
    english = world.client_for("staff_a", lang="en").get(URL).content.decode()
    assert "Most urgent first: by watch-over level (high first)" in english


def test_each_row_shows_the_town_block_and_address(world: World) -> None:
    person = make_person(world, "矢向太郎", last_contact_at=None, address_detail="コーポ101")
    response = world.client_for("minsei").get(URL)
    [row] = response.context["rows"]
    assert row["town"] == str(person.town)
    assert row["address"] == f"{person.address} コーポ101"
    html = response.content.decode()
    assert '<th scope="col">町丁目</th>' in html
    assert f"<td>{person.address} コーポ101</td>" in html


def test_the_export_links_keep_the_filter(world: World) -> None:
    make_person(world, "矢向", watch_level=WatchLevel.HIGH, last_contact_at=None)
    html = (
        world.client_for("minsei").get(URL, {"watch_level": "high", "page": "1"}).content.decode()
    )
    assert reverse("care:worklist_print") + "?watch_level=high" in html
    assert reverse("care:worklist_csv") + "?watch_level=high&amp;encoding=cp932" in html


def test_the_worklist_shows_only_people_the_user_may_see(world: World) -> None:
    make_person(world, "矢向", last_contact_at=None)
    make_person(world, "市場", district=world.district_b, last_contact_at=None)
    assert [p["name"] for p in world.client_for("staff_b").get(URL).context["page"]] == ["市場"]


def test_the_worklist_query_count_does_not_grow(world: World) -> None:
    def count() -> int:
        client = world.client_for("staff_a")
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            client.get(URL)
        return len(queries)

    make_person(world, "一", last_contact_at=None)
    few = count()
    for i in range(40):
        contact(make_person(world, f"人{i}", last_contact_at=ago(100)), follow_up_needed=True)
    assert count() == few
