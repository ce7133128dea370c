"""The outcome table through the API, in the same shape as `ainet indicators --format json`."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from ainet.core import access
from ainet.core.models import District
from ainet.plan.models import PlanPeriod
from ainet.plan.outcome import outcome_table

router = Router(tags=["plan"])


class PeriodOut(Schema):
    number: int
    label: str
    start_fy: int
    end_fy: int


class RowOut(Schema):
    key: str
    label: str
    values: list[int | None]


class OutcomeOut(Schema):
    municipality: str
    district: str | None
    periods: list[PeriodOut]
    rows: list[RowOut]


@router.get(
    "/outcome",
    response=OutcomeOut,
    summary="The plan's outcome table, computed from records",
    description="periods: comma-separated period numbers (default: all); "
    "district: a district code the caller may see (default: the whole ward).",
)
def outcome(request: HttpRequest, periods: str = "", district: str = "") -> dict[str, Any]:
    if not access.can(request.user, "plan.view"):
        raise HttpError(403, "この操作の権限がありません / You do not have permission for this.")
    available = list(PlanPeriod.objects.for_user(request.user).select_related("municipality"))
    if not available:
        raise Http404
    municipality = available[0].municipality
    by_number = {str(p.number): p for p in available if p.municipality_id == municipality.pk}
    numbers = [n.strip() for n in periods.split(",") if n.strip()][:20] or list(by_number)
    if any(n not in by_number for n in numbers):
        raise Http404
    chosen = None
    if district:
        chosen = (
            District.objects.for_user(request.user)
            .filter(municipality=municipality, code=district[:40])
            .first()
        )
        if chosen is None:
            raise Http404
    table = outcome_table(
        municipality, [by_number[n] for n in dict.fromkeys(numbers)], by_district=bool(chosen)
    )
    data = table.as_json()
    if chosen is not None:
        for row, out in zip(table.rows, data["rows"], strict=True):
            out["values"] = row.by_district[chosen.pk]
    data["district"] = chosen.code if chosen else None
    return data
