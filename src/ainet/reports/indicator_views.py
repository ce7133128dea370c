"""The outcome table on the web: any set of periods, ward-wide or one district, with charts
per fiscal year and per district, and the same table as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ainet.core import audit
from ainet.core.csvio import csv_response
from ainet.core.guards import staff_view
from ainet.core.indicators import discover
from ainet.core.models import District
from ainet.plan.models import PlanPeriod
from ainet.plan.outcome import OutcomeTable, compute, fiscal_year_columns, period_columns
from ainet.reports.charts import bar_chart_svg


@dataclass
class Selection:
    periods: list[PlanPeriod]
    district: District | None
    key: str


def _select(request: HttpRequest) -> Selection:
    """Read ?periods=1,2&district=yako&indicator=key; anything unknown is a 404."""
    available = list(PlanPeriod.objects.for_user(request.user).select_related("municipality"))
    if not available:
        raise Http404
    municipality_id = available[0].municipality_id
    available = [p for p in available if p.municipality_id == municipality_id]
    raw = request.GET.get("periods", "")
    if raw:
        by_number = {str(p.number): p for p in available}
        numbers = [n.strip() for n in raw.split(",") if n.strip()][:20]
        if not numbers or any(n not in by_number for n in numbers):
            raise Http404
        periods = [by_number[n] for n in dict.fromkeys(numbers)]
    else:
        periods = available
    district = None
    if request.GET.get("district"):
        district = (
            District.objects.for_user(request.user)
            .filter(municipality_id=municipality_id, code=request.GET["district"][:40])
            .first()
        )
        if district is None:
            raise Http404
    key = request.GET.get("indicator", "forum_participants")
    if key not in discover():
        raise Http404
    return Selection(periods, district, key)


def _values(table: OutcomeTable, district: District | None) -> list[dict[str, Any]]:
    return [
        {
            "key": row.key,
            "label": row.label,
            "source": row.source,
            "kind": row.kind,
            "values": row.by_district[district.pk] if district else row.values,
        }
        for row in table.rows
    ]


@staff_view("plan.view")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    selection = _select(request)
    municipality = selection.periods[0].municipality
    visible = list(District.objects.for_user(request.user).filter(municipality=municipality))
    table = compute(municipality, period_columns(selection.periods), by_district=True)
    rows = _values(table, selection.district)
    chosen = next(row for row in table.rows if row.key == selection.key)

    first_fy = min(p.first_fy for p in selection.periods)
    last_fy = max(p.last_fy for p in selection.periods)
    yearly = compute(
        municipality,
        fiscal_year_columns(first_fy, last_fy),
        by_district=selection.district is not None,
        keys=[selection.key],
    )
    yearly_row = yearly.rows[0]
    yearly_values = (
        yearly_row.by_district[selection.district.pk] if selection.district else yearly_row.values
    )
    place = selection.district.name if selection.district else municipality.name
    year_chart = bar_chart_svg(
        f"{chosen.label} — {place}",
        [str(c.first_fy) for c in yearly.columns],
        {chosen.label: yearly_values},
    )
    # The latest chosen period that has any value for the indicator.
    last = max(
        (i for i in range(len(table.columns)) if any(chosen.by_district[d.pk][i] for d in visible)),
        default=len(table.columns) - 1,
    )
    district_values = [chosen.by_district[d.pk][last] for d in visible]
    district_chart = (
        bar_chart_svg(
            f"{chosen.label} — {table.columns[last].label}",
            [d.name for d in visible],
            {chosen.label: district_values},
            height_in=max(2.5, 0.28 * len(visible) + 1),
            horizontal=True,
        )
        if visible
        else ""
    )
    return render(
        request,
        "reports/indicators.html",
        {
            "municipality": municipality,
            "selection": selection,
            "columns": table.columns,
            "rows": rows,
            "chosen": chosen,
            "all_periods": PlanPeriod.objects.filter(municipality=municipality),
            "indicators": [(k, str(i.label)) for k, i in discover().items()],
            "districts": visible,
            "district_rows": [(d, chosen.by_district[d.pk]) for d in visible],
            "yearly": list(zip(yearly.columns, yearly_values, strict=True)),
            "year_chart": year_chart,
            "district_chart": district_chart,
            "query": request.GET.urlencode(),
        },
    )


@staff_view("plan.view")
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    selection = _select(request)
    municipality = selection.periods[0].municipality
    table = compute(municipality, period_columns(selection.periods), by_district=True)
    encoding = request.GET.get("encoding", "utf-8")
    audit.record(
        request.user,
        audit.Action.EXPORT,
        municipality=municipality,
        request=request,
        details={"what": "outcome_table", "filter": request.GET.dict()},
    )
    header = [_("Indicator key"), _("Indicator"), *[c.label for c in table.columns]]
    rows = [
        [row["key"], row["label"], *["" if v is None else v for v in row["values"]]]
        for row in _values(table, selection.district)
    ]
    scope = selection.district.code if selection.district else municipality.code
    stamp = timezone.localdate().isoformat()
    return csv_response(f"outcome-{scope}-{stamp}.csv", header, rows, encoding)
