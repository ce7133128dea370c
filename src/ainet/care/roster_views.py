"""Staff pages of the roster import (名簿更新), for ward administrators (care.manage_basis):
upload a file → watch it being checked → review the diff (counts and rows, page by page) →
apply it (with a progress bar) or discard it. Another ward's upload is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ainet.care import roster, roster_jobs
from ainet.care.models import Basis, ListKind
from ainet.care.roster_forms import RosterUploadForm
from ainet.care.roster_models import RUNNING_STATUSES, RosterUpload, UploadStatus
from ainet.core.csvio import csv_response
from ainet.core.guards import staff_view

CAPABILITY = "care.manage_basis"
ROWS_PER_PAGE = 50
VIEWS = ("changes", "new", "changed", "moved", "removed", "errors", "warnings")


def _upload(request: HttpRequest, pk: int) -> RosterUpload:
    return get_object_or_404(
        RosterUpload.objects.for_user(request.user).select_related("municipality"), pk=pk
    )


def _home_context(request: HttpRequest, form: RosterUploadForm) -> dict[str, Any]:
    uploads = RosterUpload.objects.for_user(request.user).select_related("uploaded_by")
    return {"form": form, "uploads": uploads.defer("data", "report")[:20]}


@staff_view(CAPABILITY)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(user=request.user)
    return render(request, "care/roster_home.html", _home_context(request, form))


@staff_view(CAPABILITY)
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = RosterUploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        context = _home_context(request, form)
        return render(request, "care/roster_home.html", context, status=400)
    file = form.cleaned_data["file"]
    made = roster_jobs.upload_roster(
        request.user,  # type: ignore[arg-type]
        form.cleaned_data["municipality"],
        form.cleaned_data["list_kind"],
        file.name or "roster.csv",
        file.read(),
    )
    return redirect("care_roster:detail", pk=made.pk)


def _rows(upload: RosterUpload, view: str) -> list[dict[str, Any]]:
    report = upload.report
    if view == "errors":
        return list(report.get("errors", []))
    if view == "warnings":
        return list(report.get("warnings", []))
    if view == "removed":
        return list(report.get("removals", []))
    rows = report.get("rows", [])
    if view == "moved":
        return [r for r in rows if r.get("moved")]
    if view in {"new", "changed"}:
        return [r for r in rows if r.get("kind") == view]
    return list(rows)


FIELD_LABELS = {
    "resident_number": "宛名番号",
    "name": "氏名",
    "name_kana": "氏名カナ",
    "birth_date": "生年月日",
    "sex": "性別",
    "postal_code": "郵便番号",
    "address": "住所",
    "address_detail": "方書",
    "phone": "電話番号",
    "household_type": "世帯区分",
    "reason": "要援護理由",
    "basis": "同意区分",
    "consent_on": "同意日",
    "removal_requested_on": "同意日",
    "town_id": "町丁目",
    "district_id": "地区",
    "lat": "緯度",
    "lng": "経度",
}


def _progress_context(upload: RosterUpload) -> dict[str, Any]:
    phase, done, total = upload.phase, upload.done, upload.total
    live = roster_jobs.live_progress(upload.pk)
    if live is not None:
        phase, done, total = live
    percent = min(100, round(100 * done / total)) if total else 0
    return {
        "upload": upload,
        "phase": phase,
        "done": done,
        "total": total,
        "percent": percent,
        "stalled": roster_jobs.is_stalled(upload),
    }


@staff_view(CAPABILITY)
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _upload(request, pk)
    context = _progress_context(upload)
    view = request.GET.get("view", "changes")
    if view not in VIEWS:
        view = "changes"
    page = Paginator(_rows(upload, view), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        if row.get("basis") in Basis.values:
            row["basis_label"] = Basis(row["basis"]).label
        if "fields" in row:
            row["changes"] = [
                {
                    "label": FIELD_LABELS.get(f, f),
                    "before": row.get("before", {}).get(f),
                    "after": row.get("after", {}).get(f),
                }
                for f in row["fields"]
            ]
    report = upload.report
    context.update(
        view=view,
        page=page,
        query=f"view={view}",
        report=report,
        counts={
            "new": report.get("new", 0),
            "changed": report.get("changed", 0),
            "moved": report.get("moved", 0),
            "removed": report.get("removed", 0),
            "unchanged": report.get("unchanged", 0),
            "errors": len(report.get("errors", [])),
            "warnings": len(report.get("warnings", [])),
        },
        list_label=ListKind(upload.list_kind).label,
        can_apply=upload.status == UploadStatus.READY,
        can_recheck=upload.status in {UploadStatus.STALE, UploadStatus.FAILED},
        can_discard=upload.status
        not in {UploadStatus.APPLIED, UploadStatus.DISCARDED, *RUNNING_STATUSES}
        or context["stalled"],
    )
    return render(request, "care/roster_detail.html", context)


@staff_view(CAPABILITY)
@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls; once the step is done it asks for the full page."""
    upload = _upload(request, pk)
    response = render(request, "care/roster_progress.html", _progress_context(upload))
    if not upload.is_running and request.htmx:  # type: ignore[attr-defined]
        response["HX-Redirect"] = reverse("care_roster:detail", kwargs={"pk": upload.pk})
    return response


@staff_view(CAPABILITY)
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _upload(request, pk)
    if not roster_jobs.apply_upload(request.user, upload):  # type: ignore[arg-type]
        messages.error(request, _("This preview cannot be applied (it is not ready)."))
    return redirect("care_roster:detail", pk=upload.pk)


@staff_view(CAPABILITY)
@require_POST
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _upload(request, pk)
    if not roster_jobs.recheck_upload(request.user, upload):  # type: ignore[arg-type]
        messages.error(request, _("Only a stale or failed upload can be checked again."))
    return redirect("care_roster:detail", pk=upload.pk)


@staff_view(CAPABILITY)
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _upload(request, pk)
    if roster_jobs.discard_upload(request.user, upload):  # type: ignore[arg-type]
        messages.success(request, _("The upload was discarded and its file deleted."))
        return redirect("care_roster:home")
    messages.error(request, _("This upload cannot be discarded now."))
    return redirect("care_roster:detail", pk=upload.pk)


@staff_view(CAPABILITY)
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    encoding = request.GET.get("encoding", "utf-8")
    return csv_response("roster-template.csv", roster.canonical_header(), [], encoding)
