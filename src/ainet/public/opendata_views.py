"""Open data: the non-personal records (facilities, events, the plan, indicators) as CSV
(UTF-8 with BOM, or CP932 with ?encoding=cp932) and JSON, under the licence in settings
(CC BY 4.0 by default). Facilities also in the Digital Agency's standard layouts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ainet.community.models import Event
from ainet.core.csvio import csv_response
from ainet.core.dates import today_tokyo
from ainet.core.models import Municipality
from ainet.facilities import opendata
from ainet.facilities import services as facility_services
from ainet.facilities.models import Facility
from ainet.plan.models import PlanPeriod, Theme
from ainet.plan.outcome import outcome_table
from ainet.public.views import _page, site_municipality

Table = tuple[list[str], list[list[Any]]]


def facilities_table(municipality: Municipality) -> Table:
    header = [
        "id", "kind", "kind_label", "type", "name", "name_kana", "address", "lat", "lng",
        "phone", "url", "capacity", "opened_on", "closed_on", "synthetic",
    ]  # fmt: skip
    rows = [
        [
            f.pk,
            f.kind,
            str(f.get_kind_display()),
            f.subtype,
            f.name,
            f.name_kana,
            f.address,
            f.lat,
            f.lng,
            f.phone,
            f.url,
            f.capacity,
            f.opened_on,
            f.closed_on,
            f.is_synthetic,
        ]
        for f in Facility.objects.filter(municipality=municipality)
        .open_on(today_tokyo())
        .order_by("kind", "name_kana", "name", "pk")
    ]
    return header, rows


def events_table(municipality: Municipality) -> Table:
    header = [
        "id",
        "date",
        "start_time",
        "end_time",
        "title",
        "kind",
        "district",
        "place",
        "capacity",
    ]
    rows = [
        [
            e.pk,
            e.date,
            e.start_time,
            e.end_time,
            e.title,
            e.kind,
            e.district.name if e.district else "",
            e.place,
            e.capacity,
        ]
        for e in Event.objects.filter(municipality=municipality)
        .select_related("district")
        .order_by("date", "pk")
    ]
    return header, rows


def plan_table(municipality: Municipality) -> Table:
    header = [
        "period",
        "first_fy",
        "last_fy",
        "basic_goal",
        "pillar",
        "pillar_title",
        "theme",
        "theme_title",
    ]
    rows = [
        [
            t.pillar.period.number,
            t.pillar.period.first_fy,
            t.pillar.period.last_fy,
            t.pillar.period.basic_goal,
            t.pillar.number,
            t.pillar.title,
            t.number,
            t.title,
        ]
        for t in Theme.objects.filter(pillar__period__municipality=municipality)
        .select_related("pillar__period")
        .order_by("pillar__period__number", "pillar__number", "number")
    ]
    return header, rows


def indicators_table(municipality: Municipality) -> Table:
    periods = list(PlanPeriod.objects.filter(municipality=municipality).order_by("number"))
    table = outcome_table(municipality, periods)
    header = ["key", "label", "kind"] + [
        f"period_{c.number}_fy{c.first_fy}_{c.last_fy}" for c in table.columns
    ]
    rows = [[r.key, r.label, r.kind, *r.values] for r in table.rows]
    return header, rows


DATASETS: dict[str, tuple[Any, Callable[[Municipality], Table]]] = {
    "facilities": (gettext_lazy("Facilities open today"), facilities_table),
    "events": (gettext_lazy("Events (no personal data)"), events_table),
    "plan": (gettext_lazy("The plan: pillars and themes"), plan_table),
    "indicators": (
        gettext_lazy("Indicators of the outcome table, per plan period"),
        indicators_table,
    ),
}


def _municipality() -> Municipality:
    municipality = site_municipality()
    if municipality is None:
        raise Http404
    return municipality


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "public/open_data.html",
        {
            "datasets": [(key, label) for key, (label, _fn) in DATASETS.items()],
            "standard": [
                (kind, opendata.HEADERS[kind][2 if kind == "evacuation" else 3])
                for kind in opendata.FORMAT_KINDS
            ],
            "licence": settings.AINET_OPEN_DATA_LICENCE,
            "licence_url": settings.AINET_OPEN_DATA_LICENCE_URL,
        },
    )


@require_GET
def download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    if dataset not in DATASETS or fmt not in {"csv", "json"}:
        raise Http404
    municipality = _municipality()
    header, rows = DATASETS[dataset][1](municipality)
    if fmt == "csv":
        encoding = request.GET.get("encoding", "utf-8")
        return csv_response(f"{municipality.code}-{dataset}.csv", header, rows, encoding)
    body = {
        "dataset": dataset,
        "title": str(DATASETS[dataset][0]),
        "municipality": {"code": municipality.code, "name": municipality.name},
        "licence": settings.AINET_OPEN_DATA_LICENCE,
        "licence_url": settings.AINET_OPEN_DATA_LICENCE_URL,
        "attribution": _("%(name)s, via ainet") % {"name": municipality.name},
        "synthetic_demo_data": municipality.is_demo,
        "generated_on": today_tokyo().isoformat(),
        "columns": header,
        "rows": [dict(zip(header, row, strict=True)) for row in rows],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{municipality.code}-{dataset}.json"'
    return response


@require_GET
def standard(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in opendata.FORMAT_KINDS:
        raise Http404
    municipality = _municipality()
    rows = facility_services.export_rows(municipality, kind)
    return csv_response(
        f"{municipality.code}_{kind}.csv",
        opendata.HEADERS[kind],
        rows,
        request.GET.get("encoding", "utf-8"),
    )
