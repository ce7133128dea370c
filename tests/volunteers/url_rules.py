"""How each volunteer-centre URL answers a GET from each persona (tests/core/test_permission_
matrix.py), and the small builders the volunteer tests share: the `world` is the demo ward
without history, so each test makes the volunteers and requests it needs."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ainet.core.models import District, Town
from ainet.volunteers import services
from ainet.volunteers.models import (
    CARAVAN_MATE,
    Certificate,
    DementiaCourse,
    Skill,
    Volunteer,
    VolunteerCertificate,
    VolunteerRequest,
)
from tests.conftest import World
from tests.matrix import Rule

VIEW = "volunteers.view"
MANAGE = "volunteers.manage"


def skill(world: World, code: str = "shopping") -> Skill:
    services.ensure_default_vocabulary(world.ward)
    return Skill.objects.get(municipality=world.ward, code=code)


def certificate(world: World, code: str = CARAVAN_MATE) -> Certificate:
    services.ensure_default_vocabulary(world.ward)
    return Certificate.objects.get(municipality=world.ward, code=code)


def town_in(district: District, index: int = 0) -> Town:
    return Town.objects.filter(district=district).order_by("pk")[index]


def make_volunteer(
    world: World,
    district: District | None = None,
    *,
    name: str = "",
    skills: tuple[str, ...] = ("shopping",),
    availability: str = "mon-am,wed-pm",
    languages: str = "ja",
    capacity: int = 2,
    consent: bool = True,
    town: Town | None = None,
    **fields: Any,
) -> Volunteer:
    district = district or world.district_a
    town = town or town_in(district)
    values: dict[str, Any] = {
        "registered_on": datetime.date(2024, 4, 1),
        "status": "active",
        **fields,
    }
    volunteer = Volunteer.objects.create(
        municipality=world.ward,
        name=name or f"{district.name} ボランティア（テスト）",
        district=district,
        town=town,
        lat=town.lat,
        lng=town.lng,
        availability=availability,
        languages=languages,
        capacity=capacity,
        contact_consent=consent,
        **values,
    )
    volunteer.skills.set([skill(world, c) for c in skills])
    return volunteer


def make_request(
    world: World,
    district: District | None = None,
    *,
    title: str = "",
    skills: tuple[str, ...] = ("shopping",),
    slot: str = "mon-am",
    language: str = "",
    town: Town | None = None,
    **fields: Any,
) -> VolunteerRequest:
    district = district or world.district_a
    town = town or town_in(district)
    values: dict[str, Any] = {
        "received_on": datetime.date(2026, 1, 5),
        "state_changed_on": datetime.date(2026, 1, 5),
        **fields,
    }
    req = VolunteerRequest.objects.create(
        municipality=world.ward,
        title=title or f"{district.name} 買い物の付き添い（テスト）",
        requester_kind="resident",
        requester_name="依頼 花子",
        district=district,
        town=town,
        lat=town.lat,
        lng=town.lng,
        slot=slot,
        language=language,
        **values,
    )
    req.skills.set([skill(world, c) for c in skills])
    return req


def make_caravan_mate(world: World, district: District | None = None) -> Volunteer:
    mate = make_volunteer(world, district, name="講師 一郎（テスト）")
    VolunteerCertificate.objects.create(
        volunteer=mate, certificate=certificate(world), obtained_on=datetime.date(2020, 4, 1)
    )
    return mate


def make_course(world: World, district: District | None = None) -> DementiaCourse:
    mate = make_caravan_mate(world, district)
    return services.create_course(
        world.users["ward_admin"],
        world.ward,
        title="認知症サポーター養成講座（テスト）",
        date=datetime.date(2026, 6, 1),
        district=district or world.district_a,
        trainers=[mate],
    )


def _volunteer_a(world: World) -> dict[str, Any]:
    return {"pk": make_volunteer(world).pk}


def _request_a(world: World) -> dict[str, Any]:
    return {"pk": make_request(world).pk}


def _assignment_a(world: World) -> dict[str, Any]:
    req = make_request(world)
    assignment = services.assign(world.users["ward_admin"], req, make_volunteer(world))
    return {"pk": req.pk, "assignment_pk": assignment.pk}


def _skill(world: World) -> dict[str, Any]:
    return {"kind": "skills", "pk": skill(world).pk}


def _run(world: World) -> dict[str, Any]:
    # Runs belong to the user who ran them; the matrix gives ward staff A's run to everybody,
    # so the other holders get 404 (overrides below).
    make_request(world)
    make_volunteer(world)
    run = services.run_batch(world.users["staff_a"], world.ward, 1500)
    return {"pk": run.pk}


def _course_a(world: World) -> dict[str, Any]:
    return {"pk": make_course(world).pk}


def _attendee_a(world: World) -> dict[str, Any]:
    course = make_course(world)
    attendee = services.add_attendee(world.users["ward_admin"], course, name="受講 太郎")
    return {"pk": course.pk, "attendee_pk": attendee.pk}


_NOT_OWN_RUN = {"ward_admin": 404, "staff_b": 404, "shakyo": 404}

RULES: dict[str, Rule] = {
    "volunteers:home": Rule("capability", VIEW),
    "volunteers:volunteer_list": Rule("capability", VIEW),
    "volunteers:volunteer_create": Rule("capability", MANAGE),
    "volunteers:volunteer_detail": Rule("capability", VIEW, _volunteer_a, in_district_a=True),
    "volunteers:volunteer_edit": Rule("capability", MANAGE, _volunteer_a, in_district_a=True),
    "volunteers:volunteer_confirm": Rule("capability", MANAGE, _volunteer_a, get_allowed=False),
    "volunteers:volunteer_status": Rule("capability", MANAGE, _volunteer_a, get_allowed=False),
    "volunteers:volunteer_certificate": Rule("capability", MANAGE, _volunteer_a, get_allowed=False),
    "volunteers:volunteer_hours": Rule("capability", MANAGE, _volunteer_a, get_allowed=False),
    "volunteers:volunteer_attendance": Rule("capability", MANAGE, _volunteer_a, get_allowed=False),
    "volunteers:vocabulary_list": Rule("capability", VIEW, lambda w: {"kind": "skills"}),
    "volunteers:vocabulary_edit": Rule("capability", MANAGE, _skill),
    "volunteers:request_list": Rule("capability", VIEW),
    "volunteers:request_create": Rule("capability", MANAGE),
    "volunteers:request_detail": Rule("capability", VIEW, _request_a, in_district_a=True),
    "volunteers:request_edit": Rule("capability", MANAGE, _request_a, in_district_a=True),
    "volunteers:request_transition": Rule("capability", MANAGE, _request_a, get_allowed=False),
    "volunteers:request_assign": Rule("capability", MANAGE, _request_a, get_allowed=False),
    "volunteers:assignment_end": Rule("capability", MANAGE, _assignment_a, get_allowed=False),
    "volunteers:board": Rule("capability", VIEW),
    "volunteers:batch": Rule("capability", MANAGE),
    "volunteers:batch_run": Rule("capability", MANAGE, _run, overrides=_NOT_OWN_RUN),
    "volunteers:batch_apply": Rule("capability", MANAGE, _run, get_allowed=False),
    "volunteers:course_list": Rule("capability", VIEW),
    "volunteers:course_create": Rule("capability", MANAGE),
    "volunteers:course_detail": Rule("capability", VIEW, _course_a, in_district_a=True),
    "volunteers:course_attendee_add": Rule("capability", MANAGE, _course_a, get_allowed=False),
    "volunteers:course_graduate": Rule("capability", MANAGE, _attendee_a, get_allowed=False),
    "volunteers_public:register": Rule("public"),
    "volunteers_public:thanks": Rule("public"),
}

HOURS = Decimal("1.5")
