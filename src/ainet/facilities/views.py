"""Staff pages of the facility directory: the list with its map, each facility, corrections
and additions by hand, import and export."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ainet.core import access
from ainet.core.csvio import csv_response
from ainet.core.dates import today_tokyo
from ainet.core.guards import staff_view
from ainet.core.models import Municipality
from ainet.facilities import forms, mapdata, opendata, services
from ainet.facilities.models import SHELTER_KINDS, Facility, FacilityKind

FACILITIES_PER_PAGE = 100


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
    page = Paginator(facilities, FACILITIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "facilities/facility_list.html",
        {
            "page": page,
            "facilities": page.object_list,
            "count": page.paginator.count,
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


def _facility(request: HttpRequest, pk: int) -> Facility:
    return get_object_or_404(
        Facility.objects.for_user(request.user).select_related("district", "evacuation"), pk=pk
    )


@staff_view("facilities.view")
@require_GET
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _facility(request, pk)
    evacuation = getattr(facility, "evacuation", None)
    config = None
    if facility.has_point:
        config = mapdata.map_config(
            facility.municipality, mapdata.facility_layers([facility]), label=facility.name
        )
    return render(
        request,
        "facilities/facility_detail.html",
        {
            "facility": facility,
            "evacuation": evacuation,
            "map": config,
            "can_manage": access.can(request.user, "facilities.manage"),
        },
    )


@staff_view("facilities.manage")
@require_http_methods(["GET", "POST"])
def facility_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Correct a facility, or add one (pk None): a welfare shelter designated by agreement,
    its capacity, a closing date."""
    municipality = _municipality(request)
    facility = _facility(request, pk) if pk is not None else Facility(municipality=municipality)
    site = getattr(facility, "evacuation", None) if pk is not None else None
    data = request.POST if request.method == "POST" else None
    form = forms.FacilityForm(data, instance=facility, municipality=municipality)
    site_form = forms.EvacuationSiteForm(data, instance=site, prefix="site")
    if request.method == "POST" and form.is_valid():
        shelter = form.cleaned_data["kind"] in SHELTER_KINDS
        if not shelter or site_form.is_valid():
            saved = services.save_facility(
                request.user,
                municipality,
                form.save(commit=False),
                site_form.cleaned_data if shelter else None,
                [*form.changed_data, *(site_form.changed_data if shelter else [])],
            )
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect("facilities:detail", pk=saved.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "facilities/facility_form.html",
        {
            "form": form,
            "site_form": site_form,
            "facility": facility if pk is not None else None,
            "shelter_kinds": [str(k) for k in SHELTER_KINDS],
        },
        status=status,
    )
