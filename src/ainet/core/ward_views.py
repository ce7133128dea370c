"""The ward administrator's page for the ward's own reference data: districts, town blocks
and organisations, imported from CSV (all-or-nothing, per-row errors) and exported in the
same format (ainet/core/geography.py; `ainet ward` does the same from the command line)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from ainet.core import access, geography
from ainet.core.csvio import csv_response
from ainet.core.forms import CsvImportForm
from ainet.core.guards import staff_view
from ainet.core.models import District, Municipality, Organisation, Town

KIND_LABELS = {
    "districts": _("Districts"),
    "towns": _("Town blocks"),
    "organisations": _("Organisations"),
}


class WardImportForm(CsvImportForm):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=list(KIND_LABELS.items()))
    field_order = ["kind"]


def _municipality(request: HttpRequest) -> Municipality:
    municipality = (
        Municipality.objects.filter(pk__in=access.administered_municipality_ids(request.user))
        .order_by("code")
        .first()
    )
    if municipality is None:
        raise Http404
    return municipality


@staff_view("core.manage_ward")
@require_http_methods(["GET", "POST"])
def ward_data(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    form = WardImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = geography.import_csv(
            request.user,
            municipality,
            upload.read(),
            form.cleaned_data["kind"],
            dry_run=form.cleaned_data["dry_run"],
            filename=upload.name or "",
        )
    counts = {
        "districts": District.objects.filter(municipality=municipality).count(),
        "towns": Town.objects.filter(municipality=municipality).count(),
        "organisations": Organisation.objects.filter(municipality=municipality).count(),
    }
    kinds = [
        {
            "kind": kind,
            "label": KIND_LABELS[kind],
            "count": counts[kind],
            "columns": geography.COLUMNS[kind],
        }
        for kind in geography.KINDS
    ]
    status = 400 if (form.errors or (report and not report.ok)) else 200
    return render(
        request,
        "core/ward_data.html",
        {"form": form, "report": report, "municipality": municipality, "kinds": kinds},
        status=status,
    )


@staff_view("core.manage_ward")
@require_GET
def ward_export(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in geography.KINDS:
        raise Http404
    municipality = _municipality(request)
    return csv_response(
        f"{municipality.code}_{kind}.csv",
        geography.HEADERS[kind],
        geography.export_rows(municipality, kind),
        request.GET.get("encoding", "utf-8"),
    )
