"""How each community URL answers a GET from each persona (tests/core/test_permission_matrix.py),
and the small builders the community tests share: the `world` has no plan history, so each
test makes the group, activity, event or registration it needs."""

from __future__ import annotations

import datetime
from typing import Any

from ainet.community.models import (
    Activity,
    ActivityType,
    Event,
    EventKind,
    Group,
    GroupKind,
    Registration,
)
from ainet.core.models import District
from tests.conftest import World
from tests.matrix import Rule

VIEW = "community.view"
MANAGE = "community.manage"


def activity_type(world: World) -> ActivityType:
    made, _created = ActivityType.objects.get_or_create(
        municipality=world.ward,
        code="greeting",
        defaults={"name": "あいさつ運動", "name_en": "Greeting campaign", "sort_order": 0},
    )
    return made


def make_group(world: World, district: District | None = None, name: str = "") -> Group:
    district = district or world.district_a
    return Group.objects.create(
        municipality=world.ward,
        kind=GroupKind.SALON,
        name=name or f"{district.name}ふれあいサロン（テスト）",
        district=district,
        contact_name="連絡 太郎",
    )


def make_activity(
    world: World, district: District | None = None, name: str = "", **fields: Any
) -> Activity:
    district = district or world.district_a
    values: dict[str, Any] = {
        "started_on": datetime.date(2012, 5, 1),
        **fields,
    }
    return Activity.objects.create(
        municipality=world.ward,
        name=name or f"{district.name} あいさつ運動",
        activity_type=activity_type(world),
        district=district,
        **values,
    )


def make_event(
    world: World,
    district: District | None = None,
    *,
    ward_wide: bool = False,
    kind: str = EventKind.DISTRICT_FORUM,
    capacity: int | None = 80,
    date: datetime.date = datetime.date(2013, 10, 5),
    title: str = "",
) -> Event:
    district = None if ward_wide else (district or world.district_a)
    return Event.objects.create(
        municipality=world.ward,
        kind=kind,
        title=title or f"{district.name if district else '鶴見区'} 地区フォーラム（テスト）",
        district=district,
        date=date,
        place="地区センター（テスト）",
        capacity=capacity,
    )


def make_registration(event: Event, name: str = "山田 太郎", **fields: Any) -> Registration:
    return Registration.objects.create(
        event=event, name=name, registered_on=datetime.date(2013, 9, 1), **fields
    )


def _group_a(world: World) -> dict[str, Any]:
    return {"pk": make_group(world).pk}


def _activity_a(world: World) -> dict[str, Any]:
    return {"pk": make_activity(world).pk}


def _event_a(world: World) -> dict[str, Any]:
    return {"pk": make_event(world).pk}


def _registration_a(world: World) -> dict[str, Any]:
    event = make_event(world)
    return {"pk": event.pk, "registration_pk": make_registration(event).pk}


RULES: dict[str, Rule] = {
    "community:home": Rule("capability", VIEW),
    "community:group_list": Rule("capability", VIEW),
    "community:group_create": Rule("capability", MANAGE),
    "community:group_detail": Rule("capability", VIEW, _group_a, in_district_a=True),
    "community:activity_type_list": Rule("capability", VIEW),
    "community:activity_type_create": Rule("capability", MANAGE),
    "community:activity_list": Rule("capability", VIEW),
    "community:activity_create": Rule("capability", MANAGE),
    "community:activity_detail": Rule("capability", VIEW, _activity_a, in_district_a=True),
    "community:activity_edit": Rule("capability", MANAGE, _activity_a, in_district_a=True),
    "community:event_list": Rule("capability", VIEW),
    "community:event_create": Rule("capability", MANAGE),
    "community:event_detail": Rule("capability", VIEW, _event_a, in_district_a=True),
    # POST-only: a GET by a holder is 405 before the record is looked up (the 404 for another
    # district's event is proved by a POST in tests/community/test_events.py).
    "community:registration_add": Rule("capability", MANAGE, _event_a, get_allowed=False),
    "community:registration_cancel": Rule("capability", MANAGE, _registration_a, get_allowed=False),
    "community:attendance_record": Rule("capability", MANAGE, _registration_a, get_allowed=False),
    "community:walk_ins_record": Rule("capability", MANAGE, _event_a, get_allowed=False),
    "community:forum_list": Rule("capability", VIEW),
}
