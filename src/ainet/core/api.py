"""Core read operations: who am I, districts and organisations — all scoped to the caller."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema

from ainet.core import access
from ainet.core.models import District, Organisation, RoleMembership

router = Router(tags=["core"])


class MembershipOut(Schema):
    municipality: str
    role: str
    districts: list[str]


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[MembershipOut]


class DistrictOut(Schema):
    code: str
    name: str
    name_kana: str
    name_en: str
    municipality: str
    is_demo_name: bool


class TownOut(Schema):
    name: str
    koaza: str
    lat: float
    lng: float


class DistrictDetailOut(DistrictOut):
    towns: list[TownOut]


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    name_kana: str
    districts: list[str]
    opened_on: str | None
    closed_on: str | None


def _district_out(d: District) -> dict[str, object]:
    return {
        "code": d.code,
        "name": d.name,
        "name_kana": d.name_kana,
        "name_en": d.name_en,
        "municipality": d.municipality.code,
        "is_demo_name": d.is_demo_name,
    }


def _organisation_out(o: Organisation) -> dict[str, object]:
    return {
        "id": o.pk,
        "kind": o.kind,
        "name": o.name,
        "name_kana": o.name_kana,
        "districts": [d.code for d in o.districts.all()],
        "opened_on": o.opened_on.isoformat() if o.opened_on else None,
        "closed_on": o.closed_on.isoformat() if o.closed_on else None,
    }


@router.get("/me", response=MeOut, summary="The calling user and their roles")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    memberships = (
        RoleMembership.objects.filter(user=user)  # type: ignore[misc]
        .select_related("municipality")
        .prefetch_related("districts")
    )
    return {
        "username": user.get_username(),
        "display_name": getattr(user, "display_name", ""),
        "roles": [
            {
                "municipality": m.municipality.code,
                "role": m.role,
                "districts": [d.code for d in m.districts.all()],
            }
            for m in memberships
        ],
    }


def _require(request: HttpRequest, capability: str) -> None:
    from ninja.errors import HttpError

    if not access.can(request.user, capability):
        raise HttpError(403, "この操作の権限がありません / You do not have permission for this.")


@router.get("/districts", response=list[DistrictOut], summary="Districts the caller may see")
def district_list(request: HttpRequest) -> list[dict[str, object]]:
    _require(request, "core.view_districts")
    districts = District.objects.for_user(request.user).select_related("municipality")
    return [_district_out(d) for d in districts]


DistrictCode = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]


@router.get("/districts/{code}", response=DistrictDetailOut, summary="One district and its towns")
def district_detail(request: HttpRequest, code: DistrictCode) -> dict[str, object]:
    _require(request, "core.view_districts")
    district = get_object_or_404(
        District.objects.for_user(request.user).select_related("municipality"), code=code
    )
    out = _district_out(district)
    out["towns"] = [
        {"name": t.name, "koaza": t.koaza, "lat": float(t.lat), "lng": float(t.lng)}
        for t in district.towns.all()
    ]
    return out


@router.get(
    "/organisations", response=list[OrganisationOut], summary="Organisations the caller may see"
)
def organisation_list(request: HttpRequest) -> list[dict[str, object]]:
    _require(request, "core.view_organisations")
    organisations = Organisation.objects.for_user(request.user).prefetch_related("districts")
    return [_organisation_out(o) for o in organisations]


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def organisation_detail(request: HttpRequest, organisation_id: int) -> dict[str, object]:
    _require(request, "core.view_organisations")
    if not 0 < organisation_id < 10**18:
        from django.http import Http404

        raise Http404
    organisation = get_object_or_404(
        Organisation.objects.for_user(request.user).prefetch_related("districts"),
        pk=organisation_id,
    )
    return _organisation_out(organisation)
