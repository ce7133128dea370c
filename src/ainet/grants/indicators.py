from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ainet.core.indicators import Span, Values, count_flow, in_spans, register
from ainet.grants.models import FundedProject


@register(
    "grant_funded_projects",
    _("Grant-funded projects"),
    "flow",
    50,
    _("Projects started with a grant, all programmes"),
)
def grant_funded_projects(
    municipality: Any, spans: Sequence[Span], districts: Sequence[int]
) -> Values:
    """Every funded project: those recorded before ainet and every award made in it (an award
    creates its FundedProject, started on the project's start date)."""
    return count_flow(
        FundedProject.objects.filter(programme__municipality=municipality),
        "started_on",
        "district_id",
        spans,
        districts,
    )


def grant_funded_projects_by_programme(
    municipality: Any, span: Span, district: int | None = None
) -> dict[str, int]:
    """The same count split by programme (programme code → projects started in the span)."""
    projects = FundedProject.objects.filter(
        in_spans("started_on", [span]), programme__municipality=municipality
    )
    if district is not None:
        projects = projects.filter(district_id=district)
    rows = projects.values("programme__code").annotate(n=Count("*")).order_by()
    return {row["programme__code"]: row["n"] for row in rows}
