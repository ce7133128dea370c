"""The promotion forums by fiscal year, with totals for each plan period."""

from __future__ import annotations

import datetime

from django.urls import reverse

from ainet.community.models import EventKind, Participation
from ainet.demo.history import build_history
from ainet.plan.models import PlanPeriod
from tests.community.url_rules import make_event, make_registration
from tests.conftest import World


def _forum(world: World, fy: int, participants: int, registrations: int = 0) -> None:
    forum = make_event(
        world,
        ward_wide=True,
        kind=EventKind.FORUM,
        capacity=500,
        date=datetime.date(fy + 1, 2, 22),
        title=f"{fy}年度 推進フォーラム（テスト）",
    )
    for i in range(registrations):
        make_registration(forum, name=f"参加 {i}")
    Participation.objects.bulk_create(Participation(event=forum) for _ in range(participants))


def test_forums_are_grouped_by_plan_period_with_totals(world: World) -> None:
    PlanPeriod.objects.create(
        municipality=world.ward, number=1, name="第1期", first_fy=2005, last_fy=2009
    )
    _forum(world, 2008, 10, registrations=3)
    _forum(world, 2009, 20, registrations=1)
    _forum(world, 2011, 7)
    response = world.client_for("minsei", lang="en").get(reverse("community:forum_list"))
    assert response.status_code == 200
    sections = response.context["sections"]
    assert [s.period.name if s.period else None for s in sections] == ["第1期", None]
    assert (sections[0].registrations, sections[0].participants) == (4, 30)
    assert [row.fy for row in sections[0].rows] == [2008, 2009]
    assert sections[1].participants == 7
    assert response.context["total_participants"] == 37
    text = response.content.decode()
    assert "FY2005–2009" in text and "FY2008" in text
    assert "Outside any plan period" in text
    assert text.count("<h1") == 1
    japanese = world.client_for("minsei").get(reverse("community:forum_list")).content.decode()
    assert "平成17〜21年度（2005〜2009年度）" in japanese
    assert "平成20年度（2008年度）" in japanese


def test_the_demo_history_reproduces_the_review_forum_totals(world: World) -> None:
    build_history(world.ward)
    response = world.client_for("staff_b").get(reverse("community:forum_list"))
    sections = response.context["sections"]
    totals = {s.period.number: s.participants for s in sections}
    assert totals == {1: 1939, 2: 1993}
    assert [len(s.rows) for s in sections] == [5, 5]
    first_row = sections[0].rows[0]
    assert reverse("community:event_detail", args=[first_row.event.pk]) in (
        response.content.decode()
    )
