"""The event calendar and its iCalendar feed; absurd date ranges are refused clearly."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ainet.core.dates import today_tokyo
from ainet.public import calendar
from tests.conftest import World
from tests.public.url_rules import make_event


def test_the_calendar_lists_events_in_the_range(world: World) -> None:
    inside = make_event(world, days_ahead=5, title="範囲内の行事")
    outside = make_event(world, days_ahead=200, title="範囲外の行事")
    page = world.client_for("anonymous").get(reverse("public:calendar"))
    assert inside.title in page.text and outside.title not in page.text
    start = (today_tokyo() + datetime.timedelta(150)).isoformat()
    later = world.client_for("anonymous").get(reverse("public:calendar"), {"start": start})
    assert outside.title in later.text


def test_wareki_dates_are_understood(world: World) -> None:
    page = world.client_for("anonymous").get(
        reverse("public:calendar"), {"start": "令和8年4月1日", "end": "R8.4.30"}
    )
    assert page.status_code == 200
    assert page.context["start"] == datetime.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"start": "1900-01-01", "end": "1900-02-01"}, "between the years 2000 and 2100"),
        ({"start": "2026-01-01", "end": "2099-12-31"}, "at most 400 days"),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "end date comes before"),
        ({"start": "not a date"}, "Cannot read the date"),
        ({"start": "2026-02-30"}, "No such date"),
        ({"start": "9" * 400}, "Cannot read the date"),
    ],
)
def test_an_absurd_range_is_refused_with_a_clear_message(
    world: World, params: dict[str, str], reason: str
) -> None:
    page = world.client_for("anonymous", lang="en").get(reverse("public:calendar"), params)
    assert page.status_code == 400
    assert reason in page.text
    feed = world.client_for("anonymous", lang="en").get(reverse("public:calendar_ics"), params)
    assert feed.status_code == 400
    assert "This calendar range cannot be served" in feed.text and reason in feed.text


def test_the_feed_is_valid_icalendar(world: World) -> None:
    event = make_event(world, days_ahead=7, title="サロン; 茶話会, 第1回", place="集会所")
    make_event(world, days_ahead=8, title="終日の行事", start_time=None, end_time=None)
    feed = world.client_for("anonymous").get(reverse("public:calendar_ics"))
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"UID:event-{event.pk}@testserver" in body
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:サロン\\; 茶話会\\, 第1回" in unfolded
    start = datetime.datetime.combine(event.date, datetime.time(4, 30))  # 13:30 JST in UTC
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in body
    assert "DTSTART;VALUE=DATE:" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_long_lines_are_folded_without_splitting_characters() -> None:
    line = "SUMMARY:" + "鶴見区地域福祉保健計画" * 10
    folded = calendar.fold(line)
    parts = folded.split("\r\n ")
    assert len(parts) > 1 and "".join(parts) == line
    assert all(len(p.encode()) <= 75 for p in parts)
