"""The worklist: people whose last contact is older than their watch level allows, overdue
first (never contacted, then longest overdue), then pending follow-ups."""

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


def test_never_contacted_first_then_longest_overdue_then_follow_ups(world: World) -> None:
    make_person(world, "中40日", watch_level=WatchLevel.MEDIUM, last_contact_at=ago(40))
    make_person(world, "高20日", watch_level=WatchLevel.HIGH, last_contact_at=ago(20))
    make_person(world, "未接触", watch_level=WatchLevel.LOW, last_contact_at=None)
    follow = make_person(world, "要対応", watch_level=WatchLevel.LOW, last_contact_at=ago(2))
    contact(follow, at=ago(2), follow_up_needed=True)
    done = make_person(world, "対応済", watch_level=WatchLevel.LOW, last_contact_at=ago(2))
    contact(done, at=ago(2), follow_up_needed=True, follow_up_done_on=today_tokyo())
    response = world.client_for("staff_a").get(URL)
    assert response.status_code == 200
    rows = response.context["rows"]
    # 高20日 is 13 days overdue, 中40日 10 days: the longest overdue comes first.
    assert [r["name"] for r in rows] == ["未接触", "高20日", "中40日", "要対応"]
    assert [r["days_overdue"] for r in rows] == [None, 13, 10, None]
    assert [r["follow_up_pending"] for r in rows] == [False, False, False, True]


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
