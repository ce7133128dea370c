"""Staff pages of the facility directory: the list with its map, import and export."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ainet.core import access
from ainet.core.csvio import csv_response
from ainet.core.dates import today_tokyo
from ainet.core.guards import staff_view
from ainet.core.models import Municipality
from ainet.facilities import forms, mapdata, opendata, services
from ainet.facilities.models import Facility, FacilityKind


def _municipality(request: HttpRequest) -> Municipality:
    municipality = (
        Municipality.objects.filter(access.municipality_q(request.user, "pk"))
        .order_by("code")
        .first()
    )
    if municipality is None:
        raise Http404
    return municipality


@staff_view("facilities.view")
@require_GET
def facility_list(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    kind = request.GET.get("kind", "")
    facilities = Facility.objects.for_user(request.user).filter(municipality=municipality)
    if kind in FacilityKind.values:
        facilities = facilities.filter(kind=kind)
    else:
        kind = ""
    show_closed = request.GET.get("closed") == "1"
    if not show_closed:
        facilities = facilities.open_on(today_tokyo())
    facilities = facilities.select_related("district").order_by("kind", "name_kana", "name")
    return render(
        request,
        "facilities/facility_list.html",
        {
            "facilities": facilities[:2000],
            "count": facilities.count(),
            "kinds": FacilityKind.choices,
            "kind": kind,
            "show_closed": show_closed,
            "format_kinds": opendata.FORMAT_KINDS,
            "can_manage": access.can(request.user, "facilities.manage"),
        },
    )


@staff_view("facilities.view")
@require_GET
def facility_map(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    facilities = Facility.objects.for_user(request.user).filter(municipality=municipality)
    config = mapdata.map_config(
        municipality,
        mapdata.facility_layers(facilities.open_on(today_tokyo())),
        label=_("Map of facilities"),
    )
    return render(request, "facilities/facility_map.html", {"map": config})


@staff_view("facilities.view")
@require_GET
def export(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in opendata.FORMAT_KINDS:
        raise Http404
    municipality = _municipality(request)
    rows = services.export_rows(municipality, kind)
    return csv_response(
        f"{municipality.code}_{kind}.csv",
        opendata.HEADERS[kind],
        rows,
        request.GET.get("encoding", "utf-8"),
    )


@staff_view("facilities.manage")
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = services.import_facilities(
            request.user,
            municipality,
            upload.read(),
            form.cleaned_data["format_kind"],
            dry_run=form.cleaned_data["dry_run"],
            filename=upload.name or "",
        )
    status = 400 if (form.errors or (report and not report.ok)) else 200
    return render(
        request,
        "facilities/import.html",
        {"form": form, "report": report, "municipality": municipality},
        status=status,
    )
