"""Reads for the district year page and the annual booklet: one district (or many) in one 年度.

`district_years` gathers every district asked for with one query per kind of record (about a
dozen in all, whatever the number of districts), so the booklet's 18 district pages cost the
same queries as one. With a user, every read goes through the `for_user` querysets (or, for
models without one, through the user's visible districts); without a user (the booklet command)
it reads the municipality's records.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from ainet.community.models import Activity, ActivityType, Event, EventKind, Participation
from ainet.community.models import Registration as EventRegistration
from ainet.core import access
from ainet.core.dates import TOKYO, fiscal_year, fiscal_year_range, today_tokyo
from ainet.core.models import District, Municipality
from ainet.grants.models import FundedProject
from ainet.plan.models import (
    AdvisorConsultation,
    DistrictOrganisation,
    DistrictPlan,
    DistrictPlanStage,
    Meeting,
    MeetingBody,
    PlanPeriod,
    SupportTeam,
    SupportTeamMember,
    TeamNote,
    TeamPosition,
)

# Section chief first, then the departments that joined in FY2012, then members.
POSITION_ORDER = {
    TeamPosition.LEAD: 0,
    TeamPosition.GENERAL_AFFAIRS: 1,
    TeamPosition.PUBLIC_WORKS: 2,
    TeamPosition.MEMBER: 3,
}


@dataclass
class ActivityGroup:
    activity_type: ActivityType
    activities: list[Activity]


@dataclass
class EventRow:
    event: Event
    participants: int
    registrations: int


@dataclass
class DistrictYear:
    district: District
    fiscal_year: int
    period: PlanPeriod | None = None
    team: SupportTeam | None = None
    team_members: list[SupportTeamMember] = field(default_factory=list)
    team_meetings: list[Meeting] = field(default_factory=list)
    discussions: list[Meeting] = field(default_factory=list)
    notes: list[TeamNote] = field(default_factory=list)
    plan: DistrictPlan | None = None
    stage: DistrictPlanStage | None = None  # the stage in force on the last day of the year
    organisations: list[DistrictOrganisation] = field(default_factory=list)
    activity_groups: list[ActivityGroup] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    funded_projects: list[FundedProject] = field(default_factory=list)
    consultations: list[AdvisorConsultation] = field(default_factory=list)

    @property
    def start(self) -> datetime.date:
        return fiscal_year_range(self.fiscal_year)[0]

    @property
    def end(self) -> datetime.date:
        return fiscal_year_range(self.fiscal_year)[1]

    @property
    def activity_count(self) -> int:
        return sum(len(g.activities) for g in self.activity_groups)

    @property
    def participants(self) -> int:
        return sum(row.participants for row in self.events)

    @property
    def funded_total_yen(self) -> int:
        return sum(p.amount_yen for p in self.funded_projects)


# --- fiscal years ------------------------------------------------------------------------------


def plan_periods(municipality: Municipality, user: Any = None) -> list[PlanPeriod]:
    manager = PlanPeriod.objects
    queryset = manager.for_user(user) if user is not None else manager.all()
    return list(queryset.filter(municipality=municipality).order_by("first_fy"))


def period_of(periods: Iterable[PlanPeriod], fy: int) -> PlanPeriod | None:
    return next((p for p in periods if p.first_fy <= fy <= p.last_fy), None)


def plan_years(periods: Iterable[PlanPeriod]) -> list[int]:
    return sorted({fy for p in periods for fy in range(p.first_fy, p.last_fy + 1)})


def current_fiscal_year() -> int:
    return fiscal_year(today_tokyo())


def latest_plan_year(periods: Sequence[PlanPeriod]) -> int | None:
    """The current 年度 if a plan period holds it, else the last plan year before it."""
    years = plan_years(periods)
    now = current_fiscal_year()
    if now in years:
        return now
    earlier = [fy for fy in years if fy < now]
    return earlier[-1] if earlier else (years[0] if years else None)


def booklet_year(municipality: Municipality, periods: Sequence[PlanPeriod]) -> int | None:
    """The year a booklet is most likely wanted for: the last plan year, up to today, in which
    the ward recorded a meeting or an event (else `latest_plan_year`)."""
    years = [fy for fy in plan_years(periods) if fy <= current_fiscal_year()]
    last_meeting = Meeting.objects.filter(municipality=municipality).aggregate(day=Max("held_on"))
    last_event = Event.objects.filter(municipality=municipality).aggregate(day=Max("date"))
    days = [d for d in (last_meeting["day"], last_event["day"]) if d is not None]
    if days and years:
        recorded = fiscal_year(max(days))
        earlier = [fy for fy in years if fy <= recorded]
        if earlier:
            return earlier[-1]
    return latest_plan_year(periods)


# --- the district year -------------------------------------------------------------------------


def district_year(user: Any, district: District, fy: int) -> DistrictYear:
    """One district in one 年度; `user` None reads as the booklet does (by municipality)."""
    return district_years(user, district.municipality, [district], fy, notes=True)[district.pk]


def district_years(
    user: Any,
    municipality: Municipality,
    districts: Sequence[District],
    fy: int,
    *,
    notes: bool = False,
    period: PlanPeriod | None = None,
) -> dict[int, DistrictYear]:
    """Every district of `districts` in 年度 `fy`, keyed by district id, in a constant number
    of queries. Team notes (internal to the support team) only when `notes` is set."""
    start, end = fiscal_year_range(fy)
    if user is not None:
        allowed = access.visible_district_ids(user) if access.can(user, "plan.view") else set()
        districts = [d for d in districts if d.pk in allowed]
    result = {d.pk: DistrictYear(district=d, fiscal_year=fy) for d in districts}
    ids = sorted(result)
    if period is None:
        period = period_of(plan_periods(municipality, user), fy)
    for row in result.values():
        row.period = period
    if not ids:
        return result

    # `ids` holds only districts the user may see (checked above); with a user, reads also go
    # through each model's `for_user`.
    def scoped(model: Any) -> QuerySet[Any]:
        manager = model.objects
        queryset: QuerySet[Any] = manager.for_user(user) if user is not None else manager.all()
        return queryset

    for team in SupportTeam.objects.filter(district_id__in=ids):
        result[team.district_id].team = team

    members = (
        SupportTeamMember.objects.filter(team__district_id__in=ids, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .select_related("organisation", "team")
    )
    for member in sorted(
        members, key=lambda m: (POSITION_ORDER.get(TeamPosition(m.position), 9), m.starts_on)
    ):
        result[member.team.district_id].team_members.append(member)

    meetings = (
        scoped(Meeting)
        .filter(
            municipality=municipality,
            district_id__in=ids,
            body__in=[MeetingBody.SUPPORT_TEAM, MeetingBody.DISTRICT_DISCUSSION],
            held_on__range=(start, end),
        )
        .order_by("held_on", "id")
        .only("id", "district_id", "body", "held_on", "title", "place", "decisions")
    )
    for meeting in meetings:
        row = result[meeting.district_id]
        target = row.team_meetings if meeting.body == MeetingBody.SUPPORT_TEAM else row.discussions
        target.append(meeting)

    if notes:
        start_at = datetime.datetime.combine(start, datetime.time.min, tzinfo=TOKYO)
        end_at = datetime.datetime.combine(end, datetime.time.max, tzinfo=TOKYO)
        for note in (
            scoped(TeamNote)
            .filter(team__district_id__in=ids, written_at__range=(start_at, end_at))
            .select_related("author", "team")
            .order_by("-written_at", "-id")
        ):
            result[note.team.district_id].notes.append(note)

    if period is not None:
        plans = {p.pk: p for p in scoped(DistrictPlan).filter(district_id__in=ids, period=period)}
        for plan in plans.values():
            result[plan.district_id].plan = plan
        # Stages are ordered by date, so the last one seen is the one in force at year end.
        for stage in DistrictPlanStage.objects.filter(
            plan_id__in=list(plans), started_on__lte=end
        ).order_by("started_on", "id"):
            result[plans[stage.plan_id].district_id].stage = stage

    for organisation in (
        scoped(DistrictOrganisation)
        .filter(district_id__in=ids, founded_on__lte=end)
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=start))
        .order_by("founded_on", "id")
    ):
        result[organisation.district_id].organisations.append(organisation)

    groups: dict[int, dict[int, ActivityGroup]] = defaultdict(dict)
    for activity in (
        scoped(Activity)
        .filter(municipality=municipality, district_id__in=ids, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("activity_type", "pillar", "theme")
        .order_by("activity_type__sort_order", "activity_type__name", "started_on", "id")
    ):
        by_type = groups[activity.district_id]
        group = by_type.get(activity.activity_type_id)
        if group is None:
            group = by_type[activity.activity_type_id] = ActivityGroup(activity.activity_type, [])
        group.activities.append(activity)
    for district_id, by_type in groups.items():
        result[district_id].activity_groups = list(by_type.values())

    for event in (
        scoped(Event)
        .filter(municipality=municipality, district_id__in=ids, date__range=(start, end))
        .annotate(
            n_participants=_count_of(Participation.objects.filter(event=OuterRef("pk"))),
            n_registrations=_count_of(
                EventRegistration.objects.filter(event=OuterRef("pk"), cancelled_on__isnull=True)
            ),
        )
        .order_by("date", "start_time", "id")
    ):
        result[event.district_id].events.append(
            EventRow(
                event, _annotation(event, "n_participants"), _annotation(event, "n_registrations")
            )
        )

    projects = FundedProject.objects.filter(
        programme__municipality=municipality, district_id__in=ids, started_on__range=(start, end)
    )
    for project in projects.select_related("programme").order_by("started_on", "title", "id"):
        result[project.district_id].funded_projects.append(project)  # type: ignore[index]

    for consultation in (
        scoped(AdvisorConsultation)
        .filter(municipality=municipality, district_id__in=ids, held_on__range=(start, end))
        .order_by("held_on", "id")
    ):
        result[consultation.district_id].consultations.append(consultation)
    return result


def _annotation(obj: Any, name: str) -> int:
    return int(obj.__dict__[name])


def _count_of(queryset: QuerySet[Any]) -> Coalesce:
    """A correlated COUNT(*) subquery: no join, so two counts do not multiply each other."""
    counted = queryset.order_by().values("event").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# --- the forum of the year ---------------------------------------------------------------------


@dataclass
class ForumYear:
    event: Event
    participants: int
    registrations: int


def forums_of_year(municipality: Municipality, fy: int) -> list[ForumYear]:
    """The ward's promotion forum(s) held in 年度 `fy`, with participant and registration counts."""
    start, end = fiscal_year_range(fy)
    events = (
        Event.objects.filter(municipality=municipality, kind=EventKind.FORUM)
        .filter(date__range=(start, end))
        .annotate(
            n_participants=_count_of(Participation.objects.filter(event=OuterRef("pk"))),
            n_registrations=_count_of(
                EventRegistration.objects.filter(event=OuterRef("pk"), cancelled_on__isnull=True)
            ),
        )
        .order_by("date", "id")
    )
    return [
        ForumYear(e, _annotation(e, "n_participants"), _annotation(e, "n_registrations"))
        for e in events
    ]
