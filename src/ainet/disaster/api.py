"""Safety confirmation through the API (/api/v1/disaster), for field apps that queue updates
offline and re-send them: each update carries a client-generated idempotency key.

Session authentication with Django's CSRF check (the `X-CSRFToken` header), like every other
operation of the API. Answers: 201 stored, 200 the same update was stored before (replay),
404 a campaign or person the caller does not see, 409 the key was used for different
content, 422 bad input; the body always has `detail` (Japanese / English) and `code`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone, translation
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from ainet.core import access
from ainet.core.schemas import Text
from ainet.disaster import safety
from ainet.disaster.models import SafetyCampaign, SafetyLatest, SafetyUpdate

router = Router(tags=["disaster"])

FORBIDDEN = "この操作の権限がありません / You do not have permission for this."


class CampaignOut(Schema):
    id: int
    title: str
    is_open: bool
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    districts: list[str]


class PersonOut(Schema):
    id: int
    name: str
    address: str
    district: str | None
    status: str | None
    evacuated_to: str
    observed_at: datetime.datetime | None
    update_count: int


class UpdateIn(Schema):
    idempotency_key: Text = Field(..., max_length=200)
    person: int
    status: Text = Field(..., max_length=40)
    evacuated_to: Text = Field("", max_length=1000)
    note: Text = Field("", max_length=5000)
    observed_at: datetime.datetime | None = None


class UpdateOut(Schema):
    id: int
    idempotency_key: str
    person: int
    status: str
    evacuated_to: str
    note: str
    observed_at: datetime.datetime
    received_at: datetime.datetime
    recorded_by: str


class ErrorOut(Schema):
    detail: str
    code: str


def _require(request: HttpRequest, capability: str) -> None:
    if not access.can(request.user, capability):
        raise HttpError(403, FORBIDDEN)


def _campaign(request: HttpRequest, campaign_id: int) -> SafetyCampaign:
    campaign = SafetyCampaign.objects.for_user(request.user).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign


def _both(render: Any) -> str:
    """A message in Japanese and English, as every API error here is."""
    with translation.override("ja"):
        ja = str(render())
    with translation.override("en"):
        en = str(render())
    return ja if ja == en else f"{ja} / {en}"


def _update_out(update: SafetyUpdate, recorded_by: str | None = None) -> dict[str, Any]:
    """An update as the API answers it (`recorded_by`: the recorder's username, when known
    without reading the user)."""
    return {
        "id": update.pk,
        "idempotency_key": update.idempotency_key,
        "person": update.person_id,
        "status": update.status,
        "evacuated_to": update.evacuated_to,
        "note": update.note,
        # In Tokyo time whether the row was just written or read back (replays answer alike).
        "observed_at": timezone.localtime(update.observed_at),
        "received_at": timezone.localtime(update.received_at),
        "recorded_by": recorded_by
        if recorded_by is not None
        else update.recorded_by.get_username(),
    }


@router.get(
    "/campaigns",
    response=list[CampaignOut],
    summary="Safety-confirmation campaigns the caller may record in",
    url_name="safety_campaigns",
)
def campaign_list(request: HttpRequest) -> list[dict[str, Any]]:
    _require(request, "disaster.safety_record")
    campaigns = SafetyCampaign.objects.for_user(request.user).prefetch_related("districts")
    return [
        {
            "id": c.pk,
            "title": c.title,
            "is_open": c.is_open,
            "opened_at": c.opened_at,
            "closed_at": c.closed_at,
            "districts": sorted(d.code for d in c.districts.all()),
        }
        for c in campaigns[:200]
    ]


@router.get(
    "/campaigns/{campaign_id}/people",
    response=list[PersonOut],
    summary="The campaign's people the caller sees, with each one's latest status",
    url_name="safety_people",
)
def people(request: HttpRequest, campaign_id: int, district: str = "") -> list[dict[str, Any]]:
    _require(request, "disaster.safety_record")
    campaign = _campaign(request, campaign_id)
    people = safety.campaign_people(request.user, campaign).select_related("district")
    if district:
        people = people.filter(district__code=district)
    rows = list(people.order_by("district__code", "name_kana", "pk"))
    latest = {
        row.person_id: row
        for row in SafetyLatest.objects.filter(campaign=campaign, person__in=[p.pk for p in rows])
    }
    safety.audit_unlocks(
        request.user,
        campaign,
        [p.pk for p in rows if getattr(p, "unlocked", False)],
        what="api_people",
        request=request,
    )
    result = []
    for p in rows:
        row = latest.get(p.pk)
        result.append(
            {
                "id": p.pk,
                "name": p.name,
                "address": f"{p.address} {p.address_detail}".strip(),
                "district": p.district.code if p.district else None,
                "status": row.status if row else None,
                "evacuated_to": row.evacuated_to if row else "",
                "observed_at": row.observed_at if row else None,
                "update_count": row.update_count if row else 0,
            }
        )
    return result


@router.get(
    "/campaigns/{campaign_id}/updates",
    response=list[UpdateOut],
    summary="Updates of the campaign's people the caller sees, newest first",
    description="person: one person's full history (otherwise the newest 1,000 updates).",
    url_name="safety_updates",
)
def update_list(
    request: HttpRequest, campaign_id: int, person: int | None = None
) -> list[dict[str, Any]]:
    _require(request, "disaster.safety_record")
    campaign = _campaign(request, campaign_id)
    people = safety.campaign_people(request.user, campaign)
    if person is not None:
        people = people.filter(pk=person)
        if not people.exists():
            raise Http404
    updates = list(
        SafetyUpdate.objects.filter(campaign=campaign, person__in=people.values("pk"))
        .select_related("recorded_by")
        .order_by("-observed_at", "-id")[:1000]
    )
    annotated: Any = people
    unlocked = set(annotated.filter(unlocked=True).values_list("pk", flat=True))
    safety.audit_unlocks(
        request.user,
        campaign,
        sorted({u.person_id for u in updates} & unlocked),
        what="api_history",
        request=request,
    )
    return [_update_out(u) for u in updates]


@router.post(
    "/campaigns/{campaign_id}/updates",
    response={200: UpdateOut, 201: UpdateOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record one person's status, exactly once per idempotency key",
    url_name="safety_updates",
    description="Re-send with the same key and content until an answer arrives: 201 stored, "
    "200 stored before. A key used for different content answers 409 and stores nothing.",
)
def update_create(request: HttpRequest, campaign_id: int, payload: UpdateIn) -> HttpResponse:
    _require(request, "disaster.safety_record")
    campaign = _campaign(request, campaign_id)
    try:
        recorded = safety.record_update(
            request.user,
            campaign,
            person_id=payload.person,
            key=payload.idempotency_key,
            status=payload.status,
            evacuated_to=payload.evacuated_to,
            note=payload.note,
            observed_at=payload.observed_at,
            request=request,
        )
    except safety.SafetyError as error:
        body = {"detail": _both(error.text), "code": error.code}
        return JsonResponse(body, status=error.status)
    return JsonResponse(
        _update_out(recorded.update),
        status=201 if recorded.created else 200,
        encoder=DjangoJSONEncoder,
    )
