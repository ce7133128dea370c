"""Matching in the web: turn the database's volunteers and requests into `matching` instances,
so the ranked list for one request and the batch page use exactly the solver's feasibility
rules (distance, every skill, language, slot, room left).

Areas: a volunteer who named districts where they help serves only there. That rule is given to
the solver as one more skill, "@<district code>", which the request needs and the volunteer
has for each of their areas (every district when they named none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from ainet.core.models import District, Municipality
from ainet.volunteers import matching
from ainet.volunteers.models import (
    OPEN_STATES,
    UNMATCHED_STATES,
    Assignment,
    Skill,
    Volunteer,
    VolunteerRequest,
    VolunteerStatus,
    csv_contains,
)


def _area(code: str) -> str:
    return f"@{code}"


def eligible_volunteers(user: Any, municipality: Municipality) -> Any:
    """Volunteers who can take a request now: active, agreed to be contacted, with a point."""
    return (
        Volunteer.objects.for_user(user)
        .filter(
            municipality=municipality,
            status=VolunteerStatus.ACTIVE,
            contact_consent=True,
            lat__isnull=False,
            lng__isnull=False,
        )
        .annotate(
            load=Count(
                "assignments",
                filter=Q(
                    assignments__ended_on__isnull=True,
                    assignments__request__state__in=OPEN_STATES,
                ),
            )
        )
        .prefetch_related("skills", "areas")
    )


def to_matching_volunteer(volunteer: Any, all_areas: frozenset[str]) -> matching.Volunteer:
    areas = frozenset(_area(d.code) for d in volunteer.areas.all()) or all_areas
    return matching.Volunteer(
        id=f"v{volunteer.pk}",
        lat=float(volunteer.lat),
        lng=float(volunteer.lng),
        capacity=max(0, volunteer.capacity - getattr(volunteer, "load", 0)),
        skills=frozenset(s.code for s in volunteer.skills.all()) | areas,
        languages=frozenset(volunteer.language_list),
        availability=frozenset(volunteer.slot_list),
    )


def to_matching_request(req: VolunteerRequest) -> matching.Request:
    if req.lat is None or req.lng is None:
        raise ValueError("a request without a point cannot be matched")
    return matching.Request(
        id=f"r{req.pk}",
        lat=float(req.lat),
        lng=float(req.lng),
        skills=frozenset(s.code for s in req.skills.all()) | {_area(req.district.code)},
        language=req.language or None,
        slot=req.slot,
        priority=req.priority,
    )


def _all_areas(municipality: Municipality) -> frozenset[str]:
    return frozenset(
        _area(c)
        for c in District.objects.filter(municipality=municipality).values_list("code", flat=True)
    )


def distance_between(req: VolunteerRequest, volunteer: Volunteer) -> int | None:
    if req.lat is None or req.lng is None or volunteer.lat is None or volunteer.lng is None:
        return None
    return round(
        matching.haversine_m(
            float(req.lat), float(req.lng), float(volunteer.lat), float(volunteer.lng)
        )
    )


@dataclass
class RankedVolunteer:
    volunteer: Any
    distance_m: int
    load: int
    skills: list[Skill]
    language: str
    slot: str
    areas: list[str]


@dataclass
class Ranking:
    candidates: list[RankedVolunteer] = field(default_factory=list)
    considered: int = 0  # eligible volunteers looked at
    full: int = 0  # of those, without room for another request


def rank_for_request(user: Any, req: VolunteerRequest, max_distance_m: float) -> Ranking:
    """Suitable volunteers for one request, nearest first, then the least loaded."""
    ranking = Ranking()
    if not req.has_point:
        return ranking
    volunteers = {
        f"v{v.pk}": v
        for v in eligible_volunteers(user, req.municipality)
        # The slot and language rules, in SQL first so that few rows load; matching.py
        # applies every rule again below.
        .filter(csv_contains("availability", req.slot))
        .filter(csv_contains("languages", req.language) if req.language else Q())
        .exclude(Exists(Assignment.objects.current().filter(request=req, volunteer=OuterRef("pk"))))
    }
    all_areas = _all_areas(req.municipality)
    converted = [to_matching_volunteer(v, all_areas) for v in volunteers.values()]
    ranking.considered = len(converted)
    ranking.full = sum(1 for v in converted if v.capacity == 0)
    instance = matching.Instance(max_distance_m, tuple(converted), (to_matching_request(req),))
    cand = matching.candidate_pairs(instance)
    needed = list(req.skills.all())
    for k in range(cand.req.size):
        volunteer = volunteers[cand.volunteers[int(cand.vol[k])].id]
        ranking.candidates.append(
            RankedVolunteer(
                volunteer=volunteer,
                distance_m=int(cand.dist[k]),
                load=volunteer.load,
                skills=needed,
                language=req.language,
                slot=req.slot,
                areas=[d.name for d in volunteer.areas.all()],
            )
        )
    ranking.candidates.sort(
        key=lambda c: (c.distance_m, c.load / max(1, c.volunteer.capacity), c.volunteer.pk)
    )
    return ranking


@dataclass
class BuiltInstance:
    instance: matching.Instance
    request_pk: dict[str, int]
    volunteer_pk: dict[str, int]
    pair_count: int
    skipped_without_point: int


def open_unassigned_requests(user: Any, municipality: Municipality) -> Any:
    return (
        VolunteerRequest.objects.for_user(user)
        .filter(municipality=municipality, state__in=UNMATCHED_STATES)
        .exclude(Exists(Assignment.objects.current().filter(request=OuterRef("pk"))))
        .select_related("district")
        .prefetch_related("skills")
    )


def build_instance(user: Any, municipality: Municipality, max_distance_m: float) -> BuiltInstance:
    requests = list(open_unassigned_requests(user, municipality))
    with_point = [r for r in requests if r.has_point]
    all_areas = _all_areas(municipality)
    volunteers = [
        to_matching_volunteer(v, all_areas) for v in eligible_volunteers(user, municipality)
    ]
    instance = matching.Instance(
        float(max_distance_m),
        tuple(v for v in volunteers if v.capacity > 0),
        tuple(to_matching_request(r) for r in with_point),
    )
    pairs = matching.candidate_pairs(instance).req.size
    return BuiltInstance(
        instance=instance,
        request_pk={f"r{r.pk}": r.pk for r in with_point},
        volunteer_pk={v.id: int(v.id[1:]) for v in instance.volunteers},
        pair_count=int(pairs),
        skipped_without_point=len(requests) - len(with_point),
    )
