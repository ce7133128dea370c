"""How the public pages and the public-text editor answer each persona, and the small builders
the public tests share."""

from __future__ import annotations

import datetime
from typing import Any

from ainet.community.models import Event, EventKind
from ainet.core.dates import today_tokyo
from tests.conftest import World
from tests.matrix import Rule


def make_event(world: World, days_ahead: int = 10, **fields: Any) -> Event:
    values: dict[str, Any] = {
        "municipality": world.ward,
        "kind": EventKind.FORUM,
        "title": "鶴見区地域福祉保健計画推進フォーラム（テスト）",
        "district": None,
        "date": today_tokyo() + datetime.timedelta(days_ahead),
        "start_time": datetime.time(13, 30),
        "end_time": datetime.time(16, 0),
        "place": "鶴見区民文化センター サルビアホール",
        "capacity": 300,
    }
    values.update(fields)
    return Event.objects.create(**values)


def _event(world: World) -> dict[str, Any]:
    return {"pk": make_event(world).pk}


RULES: dict[str, Rule] = {
    "public:plan": Rule("public"),
    "public:calendar": Rule("public"),
    "public:calendar_ics": Rule("public"),
    "public:event_detail": Rule("public", kwargs=_event),
    "public:forum": Rule("public"),
    "public:map": Rule("public"),
    "public:concern": Rule("public"),
    "public:open_data": Rule("public"),
    "public:open_data_file": Rule(
        "public", kwargs=lambda w: {"dataset": "facilities", "fmt": "json"}
    ),
    "public:open_data_standard": Rule("public", kwargs=lambda w: {"kind": "evacuation"}),
    "public_staff:text_list": Rule("capability", "public.edit_translations"),
    "public_staff:text_edit": Rule(
        "capability",
        "public.edit_translations",
        lambda w: {"key": "home-welcome", "language": "ja-easy"},
    ),
}
