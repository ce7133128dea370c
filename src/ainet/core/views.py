from __future__ import annotations

from django.db import connection
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ainet.core import access, dashboard
from ainet.core.guards import staff_view
from ainet.core.models import District, Organisation, OrganisationKind, RoleMembership, Town


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html", {"version": "0.1.0"})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@staff_view()
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    memberships = (
        RoleMembership.objects.filter(user=request.user)  # type: ignore[misc]
        .select_related("municipality", "organisation")
        .prefetch_related("districts")
        .order_by("municipality__code", "role")
    )
    return render(
        request,
        "core/home.html",
        {
            "memberships": memberships,
            "district_count": len(access.visible_district_ids(request.user)),
            "attention": dashboard.needs_attention(request.user, timezone.now()),
        },
    )


@staff_view("core.view_districts")
@require_GET
def district_list(request: HttpRequest) -> HttpResponse:
    districts = (
        District.objects.for_user(request.user)
        .select_related("municipality")
        .annotate(town_count=Count("towns", distinct=True))
    )
    return render(
        request,
        "core/district_list.html",
        {"districts": districts, "can_set_up": access.can(request.user, "core.manage_ward")},
    )


@staff_view("core.view_districts")
@require_GET
def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(
        District.objects.for_user(request.user).select_related("municipality"), code=code
    )
    towns = Town.objects.for_user(request.user).filter(district=district)
    organisations = Organisation.objects.for_user(request.user).filter(districts=district)
    return render(
        request,
        "core/district_detail.html",
        {"district": district, "towns": towns, "organisations": organisations},
    )


@staff_view("core.view_organisations")
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    organisations = Organisation.objects.for_user(request.user).prefetch_related(
        Prefetch("districts", queryset=District.objects.order_by("sort_order"))
    )
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    else:
        kind = ""
    return render(
        request,
        "core/organisation_list.html",
        {"organisations": organisations, "kinds": OrganisationKind.choices, "kind": kind},
    )


@staff_view("core.view_organisations")
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.for_user(request.user), pk=pk)
    return render(request, "core/organisation_detail.html", {"organisation": organisation})
