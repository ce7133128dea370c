"""The auditor's screen: filter the audit log and export what the filter shows."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ainet.core import audit
from ainet.core.csvio import csv_response
from ainet.core.dates import TOKYO
from ainet.core.forms import AuditFilterForm
from ainet.core.guards import staff_view
from ainet.core.models import AuditEvent

PAGE_SIZE = 50


def _filtered(request: HttpRequest, form: AuditFilterForm) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.for_user(request.user).select_related("municipality")
    if not form.is_valid():
        return events.none()
    data = form.cleaned_data
    if data["user"]:
        events = events.filter(actor_username__icontains=data["user"])
    if data["record_type"]:
        events = events.filter(object_type__icontains=data["record_type"])
    if data["record_id"]:
        events = events.filter(object_id=data["record_id"])
    if data["action"]:
        events = events.filter(action=data["action"])
    if data["date_from"]:
        start = datetime.datetime.combine(data["date_from"], datetime.time.min, tzinfo=TOKYO)
        events = events.filter(at__gte=start)
    if data["date_to"]:
        end = datetime.datetime.combine(
            data["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=TOKYO
        )
        events = events.filter(at__lt=end)
    return events


@staff_view("core.view_audit_log")
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if not request.GET:
        form = AuditFilterForm({})
    events = _filtered(request, form)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@staff_view("core.view_audit_log")
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    events = _filtered(request, form)
    if not form.is_valid():
        return render(
            request, "core/audit_list.html", {"form": form, "page": None, "query": ""}, status=400
        )
    encoding = request.GET.get("encoding", "utf-8")
    audit.record(
        request.user,
        audit.Action.EXPORT,
        request=request,
        details={"what": "audit_log", "filter": request.GET.dict(), "encoding": encoding},
    )
    header = [
        _("When"),
        _("User name"),
        _("Action"),
        _("Record type"),
        _("Record ID"),
        _("Record"),
        _("Reason"),
        _("IP address"),
        _("Municipality"),
    ]
    rows = (
        [
            timezone.localtime(e.at).isoformat(timespec="seconds"),
            e.actor_username,
            e.action,
            e.object_type,
            e.object_id,
            e.object_repr,
            e.reason,
            e.ip_address,
            e.municipality.code if e.municipality else "",
        ]
        for e in events.iterator(chunk_size=2000)
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(f"audit-log-{stamp}.csv", header, rows, encoding)
