"""Concern reports through the API (mounted at /api/v1/care).

POST /concerns files a report: partner companies and staff with their session (CSRF token
required, as for every session write), residents anonymously (rate limited per address, like
the public form). The client generates an idempotency key per report, so a report re-sent
after a network failure is stored once: 201 when stored, 200 with the same report when the
key and content were seen before, 409 when the key was used for different content.
GET /concerns lists the caller's own reports with their status; GET /concerns/{id} one of them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.utils import check_csrf

from ainet.care import concerns
from ainet.care.concern_views import public_municipality, user_municipality
from ainet.care.models import ConcernReport, Urgency
from ainet.core import access
from ainet.core.guards import needs_second_factor
from ainet.core.models import Town
from ainet.core.schemas import Text

router = Router(tags=["care"])


class Anonymous:
    """Marks an anonymous caller as authenticated-enough for filing (truthy for ninja)."""

    def __bool__(self) -> bool:
        return True


def filer(request: HttpRequest) -> Any:
    """Who files: a logged-in user (CSRF checked, second factor passed) or an anonymous
    resident. A logged-in user who fails CSRF is refused, never treated as anonymous."""
    user = request.user
    if user.is_authenticated:
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF の確認に失敗しました / CSRF check failed.")
        if needs_second_factor(request):
            raise HttpError(401, "二段階認証が必要です / A second factor is required.")
        return user
    return Anonymous()


class ConcernIn(Schema):
    idempotency_key: Text = Field(min_length=1, max_length=64)
    noticed: Text = Field(min_length=1, max_length=concerns.MAX_NOTICED)
    where: Text = Field(min_length=1, max_length=concerns.MAX_WHERE)
    urgency: Urgency
    town: Text = Field("", max_length=100, description="町丁目 name, e.g. 矢向一丁目")
    reporter_name: Text = Field("", max_length=100)
    reporter_contact: Text = Field("", max_length=200)


class ConcernOut(Schema):
    id: int
    status: str
    urgency: str
    received_at: datetime.datetime
    acknowledge_by: datetime.datetime
    act_by: datetime.datetime
    acknowledged_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    routed: bool


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


def _out(report: ConcernReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "status": report.status,
        "urgency": report.urgency,
        "received_at": report.received_at,
        "acknowledge_by": report.acknowledge_by,
        "act_by": report.act_by,
        "acknowledged_at": report.acknowledged_at,
        "closed_at": report.closed_at,
        "routed": report.district_id is not None,
    }


@router.post(
    "/concerns",
    auth=filer,
    response={200: ConcernOut, 201: ConcernOut, 400: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="File a concern report (見守り通報)",
    url_name="concern_list",
)
def file_concern(request: HttpRequest, payload: ConcernIn) -> Status[dict[str, Any]]:
    user = request.user if request.user.is_authenticated else None
    if user is not None and not access.can(user, "care.file_concern"):
        raise HttpError(403, "この操作の権限がありません / You do not have permission for this.")
    municipality = user_municipality(user) if user is not None else public_municipality()
    town = None
    if payload.town.strip():
        town = Town.objects.filter(municipality=municipality, name=payload.town.strip()).first()
        if town is None:
            return Status(
                400,
                {
                    "detail": "入力が正しくありません / Invalid input.",
                    "errors": {"town": [concerns.bilingual(concerns.UNKNOWN_TOWN)]},
                },
            )
    data = concerns.ConcernInput(
        noticed=payload.noticed,
        where=payload.where,
        urgency=payload.urgency.value,
        town=town,
        reporter_name=payload.reporter_name,
        reporter_contact=payload.reporter_contact,
    )
    try:
        filed = concerns.file_concern(
            user, municipality, data, idempotency_key=payload.idempotency_key, request=request
        )
    except concerns.IdempotencyConflict:
        return Status(
            409,
            {
                "detail": "この冪等キーは別の内容の通報に使われています / "
                "This idempotency key was used for a report with different content."
            },
        )
    except concerns.RateLimited:
        return Status(
            429,
            {
                "detail": "この接続からの通報が多すぎます。時間をおいてください / "
                "Too many reports from this connection; please try again later."
            },
        )
    except PermissionDenied as exc:
        raise HttpError(
            403, "この操作の権限がありません / You do not have permission for this."
        ) from exc
    except ValidationError as exc:
        return Status(
            400,
            {
                "detail": "入力が正しくありません / Invalid input.",
                "errors": concerns.bilingual_errors(exc),
            },
        )
    return Status(201 if filed.created else 200, _out(filed.report))


@router.get("/concerns", response=list[ConcernOut], summary="The reports I filed, with status")
def my_concerns(request: HttpRequest) -> list[dict[str, Any]]:
    if not access.can(request.user, "care.file_concern"):
        raise HttpError(403, "この操作の権限がありません / You do not have permission for this.")
    reports = ConcernReport.objects.for_user(request.user).filter(reporter_user_id=request.user.pk)
    return [_out(r) for r in reports.order_by("-received_at", "-id")[:500]]


@router.get(
    "/concerns/{report_id}",
    response=ConcernOut,
    summary="One report I filed or handle, with status",
    url_name="concern_detail",
)
def concern_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    if not access.can(request.user, "care.file_concern"):
        raise HttpError(403, "この操作の権限がありません / You do not have permission for this.")
    report = ConcernReport.objects.for_user(request.user).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return _out(report)
