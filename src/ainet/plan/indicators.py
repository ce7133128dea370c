from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ainet.core.indicators import Span, Values, count_flow, in_spans, register, span_case
from ainet.plan.models import Committee, DistrictOrganisation, Meeting, MeetingBody


@register(
    "committee_meetings",
    _("Promotion committee meetings held"),
    "flow",
    10,
    _("Meetings of the promotion committee"),
)
def committee_meetings(
    municipality: Any, spans: Sequence[Span], districts: Sequence[int]
) -> Values:
    """Null where no committee existed during the span; not applicable per district."""
    committees = list(Committee.objects.filter(municipality=municipality))
    counts = count_flow(
        Meeting.objects.filter(municipality=municipality, body=MeetingBody.COMMITTEE),
        "held_on",
        None,
        spans,
        [],
    )
    result: Values = {}
    for span in spans:
        existed = any(c.existed_during(span.period.start, span.period.end) for c in committees)
        result[(span.number, None)] = counts[(span.number, None)] if existed else None
        for district in districts:
            result[(span.number, district)] = None
    return result


@register(
    "active_support_team_districts",
    _("Districts whose support team was active"),
    "flow",
    30,
    _("Districts with at least one support-team meeting"),
)
def active_support_team_districts(
    municipality: Any, spans: Sequence[Span], districts: Sequence[int]
) -> Values:
    rows = (
        Meeting.objects.filter(
            in_spans("held_on", spans), municipality=municipality, body=MeetingBody.SUPPORT_TEAM
        )
        .annotate(span=span_case("held_on", spans))
        .values("span", "district_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    active: dict[int, set[int]] = {s.number: set() for s in spans}
    for row in rows:
        active[row["span"]].add(row["district_id"])
    result: Values = {}
    for span in spans:
        result[(span.number, None)] = len(active[span.number])
        for district in districts:
            result[(span.number, district)] = int(district in active[span.number])
    return result


@register(
    "new_district_organisations",
    _("New district plan organisations"),
    "flow",
    40,
    _("District plan organisations founded"),
)
def new_district_organisations(
    municipality: Any, spans: Sequence[Span], districts: Sequence[int]
) -> Values:
    return count_flow(
        DistrictOrganisation.objects.filter(district__municipality=municipality),
        "founded_on",
        "district_id",
        spans,
        districts,
    )
