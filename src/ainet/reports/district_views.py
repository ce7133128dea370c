"""The district year page (one district, one 年度), its team notes, and the annual booklet.

Thin views: parse, authorise (staff_view + scoped querysets), read through `selectors` or write
through `plan.team_services`, render. A 年度 outside the plan periods is a 404 that says so.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ainet.core import access, audit
from ainet.core.dates import format_fiscal_year, format_period, parse_fiscal_year
from ainet.core.guards import staff_view
from ainet.core.models import District, Municipality
from ainet.plan import team_services
from ainet.plan.models import PlanPeriod
from ainet.reports import selectors
from ainet.reports.booklet import (
    BookletError,
    BookletUnavailable,
    booklet_filename,
    render_booklet,
)

FY_PARAM = "fy"


def _lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


def _fy_label(fy: int) -> str:
    return format_fiscal_year(fy, _lang())  # type: ignore[arg-type]


def _year_options(years: Sequence[int]) -> list[tuple[int, str]]:
    return [(fy, _fy_label(fy)) for fy in sorted(years, reverse=True)]


def _page_years(periods: Sequence[PlanPeriod]) -> list[int]:
    """Years a district page may show: every year of the plan periods, and the current one."""
    return sorted({*selectors.plan_years(periods), selectors.current_fiscal_year()})


def _parse_fy(text: str, allowed: Collection[int]) -> int | None:
    try:
        fy = parse_fiscal_year(text[:40])
    except ValueError:
        return None
    return fy if fy in allowed else None


def _fy_not_found(
    request: HttpRequest, text: str, periods: Sequence[PlanPeriod], back: str
) -> HttpResponse:
    return render(
        request,
        "reports/fy_not_found.html",
        {
            "value": text[:40],
            "periods": [format_period(p.first_fy, p.last_fy, _lang()) for p in periods],  # type: ignore[arg-type]
            "back": back,
        },
        status=404,
    )


def _municipality(request: HttpRequest) -> Municipality | None:
    """The municipality the user works in (the one named by ?municipality= if they hold roles
    in several)."""
    mine = Municipality.objects.filter(access.municipality_q(request.user, "id")).order_by("code")
    wanted = request.GET.get("municipality", "")
    if wanted:
        return mine.filter(code=wanted[:6]).first()
    own: int | None = getattr(request.user, "municipality_id", None)
    return (mine.filter(pk=own).first() if own is not None else None) or mine.first()


# --- the district index ----------------------------------------------------------------------


@staff_view("plan.view")
@require_GET
def district_index(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    periods = selectors.plan_periods(municipality, request.user) if municipality else []
    years = _page_years(periods)
    text = request.GET.get(FY_PARAM, "")
    fy = _parse_fy(text, years) if text else selectors.current_fiscal_year()
    if fy is None:
        return _fy_not_found(request, text, periods, reverse("reports:district_index"))
    districts = list(
        District.objects.for_user(request.user)
        .select_related("municipality")
        .order_by("municipality__code", "sort_order")
    )
    # The year at a glance for each district: a handful of queries per municipality.
    by_municipality: dict[int, list[District]] = {}
    for district in districts:
        by_municipality.setdefault(district.municipality_id, []).append(district)
    summaries: dict[int, selectors.DistrictYear] = {}
    for group in by_municipality.values():
        summaries.update(selectors.district_years(request.user, group[0].municipality, group, fy))
    rows = [(d, summaries.get(d.pk)) for d in districts]
    booklet_years = selectors.plan_years(periods)
    return render(
        request,
        "reports/district_index.html",
        {
            "municipality": municipality,
            "rows": rows,
            "fy": fy,
            "fy_label": _fy_label(fy),
            "year_options": _year_options(years),
            "booklet_years": _year_options(booklet_years),
            "booklet_default": selectors.booklet_year(municipality, periods)
            if municipality
            else None,
        },
    )


# --- one district in one year ----------------------------------------------------------------


@staff_view("plan.view")
@require_GET
def district_year(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(
        District.objects.for_user(request.user).select_related("municipality"), code=code
    )
    periods = selectors.plan_periods(district.municipality, request.user)
    text = request.GET.get(FY_PARAM, "")
    fy = _parse_fy(text, _page_years(periods)) if text else selectors.current_fiscal_year()
    if fy is None:
        back = reverse("reports:district_year", args=[district.code])
        return _fy_not_found(request, text, periods, back)
    return _render_district_year(request, district, periods, fy)


def _render_district_year(
    request: HttpRequest,
    district: District,
    periods: Sequence[PlanPeriod],
    fy: int,
    *,
    note_text: str = "",
    note_error: str = "",
    status: int = 200,
) -> HttpResponse:
    data = selectors.district_year(request.user, district, fy)
    context: dict[str, Any] = {
        "district": district,
        "data": data,
        "fy": fy,
        "fy_label": _fy_label(fy),
        "period_label": (
            format_period(data.period.first_fy, data.period.last_fy, _lang())  # type: ignore[arg-type]
            if data.period
            else ""
        ),
        "year_options": _year_options(_page_years(periods)),
        "can_record": access.can(request.user, "plan.record"),
        "note_text": note_text,
        "note_error": note_error,
        "note_max_length": team_services.NOTE_MAX_LENGTH,
    }
    return render(request, "reports/district_year.html", context, status=status)


@staff_view("plan.record")
@require_POST
def add_team_note(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(
        District.objects.for_user(request.user).select_related("municipality"), code=code
    )
    periods = selectors.plan_periods(district.municipality, request.user)
    fy = _parse_fy(request.POST.get(FY_PARAM, ""), _page_years(periods))
    fy = fy if fy is not None else selectors.current_fiscal_year()
    text = request.POST.get("text", "")
    try:
        team_services.add_team_note(request.user, district, text)
    except ValidationError as exc:
        return _render_district_year(
            request,
            district,
            periods,
            fy,
            note_text=text,
            note_error=" ".join(exc.messages),
            status=400,
        )
    messages.success(request, _("The note was added."))
    url = reverse("reports:district_year", args=[district.code])
    return redirect(f"{url}?{FY_PARAM}={fy}#notes")


# --- the annual booklet ----------------------------------------------------------------------


@staff_view("plan.view")
@require_GET
def booklet(request: HttpRequest) -> HttpResponse:
    """Without ?fy: what the booklet holds, and a form to choose the year. With it: the PDF."""
    municipality = _municipality(request)
    periods = selectors.plan_periods(municipality, request.user) if municipality else []
    years = selectors.plan_years(periods)
    if FY_PARAM not in request.GET:
        return render(
            request,
            "reports/booklet_page.html",
            {
                "municipality": municipality,
                "booklet_years": _year_options(years),
                "booklet_default": selectors.booklet_year(municipality, periods)
                if municipality
                else None,
            },
        )
    text = request.GET[FY_PARAM]
    fy = _parse_fy(text, years)
    if fy is None or municipality is None:
        return _fy_not_found(request, text, periods, reverse("reports:booklet"))
    try:
        result = render_booklet(municipality, fy)
    except BookletError:
        return _fy_not_found(request, text, periods, reverse("reports:booklet"))
    except BookletUnavailable as exc:
        return render(request, "reports/booklet_unavailable.html", {"reason": str(exc)}, status=503)
    filename = booklet_filename(municipality, fy)
    audit.record(
        request.user,
        audit.Action.PRINT,
        obj=municipality,
        request=request,
        details={
            "report": "booklet",
            "fiscal_year": fy,
            "file": filename,
            "pages": result.pages,
            "bytes": len(result.pdf),
        },
    )
    response = HttpResponse(result.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
