"""The public pages (no log-in): home, the plan in brief, the calendar and its iCalendar feed,
the forum with registration, the facility map, how to report a concern, open data.

Only non-personal data appears here: facilities, events (title, date, place), activities, the
plan and its indicators. Registrations are written, never shown.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ainet.community.models import Activity, Event, EventKind
from ainet.core import ratelimit
from ainet.core.dates import parse_date, today_tokyo
from ainet.core.models import District, Municipality, Organisation, OrganisationKind
from ainet.facilities import mapdata
from ainet.facilities.models import Facility
from ainet.plan.models import PlanPeriod
from ainet.public import calendar, content, forms, services

# A calendar request may span at most this many days (a year and a bit).
MAX_CALENDAR_DAYS = 400
CALENDAR_YEARS = (2000, 2100)
DEFAULT_CALENDAR_DAYS = 90
FORUM_KINDS = (EventKind.FORUM, EventKind.DISTRICT_FORUM)


def site_municipality() -> Municipality | None:
    """The ward the public pages are about (settings.AINET_PUBLIC_MUNICIPALITY)."""
    return ratelimit.public_ward()


def optional_url(name: str) -> str:
    """The URL of a page another capability provides, or "" until it exists."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def public_links() -> dict[str, str]:
    return {
        "grants": optional_url("grants_public:calls"),
        "volunteers": optional_url("volunteers_public:register"),
        "concern_report": optional_url("care_public:concern_report"),
    }


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    municipality = context.get("municipality", site_municipality())
    return render(
        request,
        template,
        {"municipality": municipality, "links": public_links(), **context},
        status=status,
    )


def _text(municipality: Municipality | None, key: str) -> content.ShownText:
    return content.text_for(municipality, key, get_language() or settings.LANGUAGE_CODE)


def _upcoming(municipality: Municipality | None, kinds: Any = None, limit: int = 5) -> list[Event]:
    if municipality is None:
        return []
    events = Event.objects.filter(municipality=municipality, date__gte=today_tokyo())
    if kinds:
        events = events.filter(kind__in=kinds)
    return list(events.select_related("district").order_by("date", "start_time", "pk")[:limit])


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    municipality = site_municipality()
    return _page(
        request,
        "public/home.html",
        {
            "municipality": municipality,
            "welcome": _text(municipality, "home-welcome"),
            "upcoming": _upcoming(municipality),
        },
    )


@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    municipality = site_municipality()
    period = None
    if municipality is not None:
        period = (
            PlanPeriod.objects.filter(municipality=municipality)
            .prefetch_related("pillars__themes")
            .order_by("-number")
            .first()
        )
    return _page(
        request,
        "public/plan.html",
        {
            "municipality": municipality,
            "period": period,
            "summary": _text(municipality, "plan-summary"),
        },
    )


class RangeError(ValueError):
    pass


def calendar_range(request: HttpRequest) -> tuple[datetime.date, datetime.date]:
    """The dates asked for (?start=…&end=…, 和暦 or Western), or the next 90 days."""
    today = today_tokyo()
    try:
        start = parse_date(request.GET["start"]) if request.GET.get("start") else today
        end = (
            parse_date(request.GET["end"])
            if request.GET.get("end")
            else start + datetime.timedelta(DEFAULT_CALENDAR_DAYS)
        )
    except (ValueError, OverflowError) as exc:
        raise RangeError(str(exc)) from None
    if not (CALENDAR_YEARS[0] <= start.year <= CALENDAR_YEARS[1]) or not (
        CALENDAR_YEARS[0] <= end.year <= CALENDAR_YEARS[1]
    ):
        raise RangeError(
            _("Dates must fall between the years %(first)s and %(last)s.")
            % {"first": CALENDAR_YEARS[0], "last": CALENDAR_YEARS[1]}
        )
    if end < start:
        raise RangeError(_("The end date comes before the start date."))
    if (end - start).days > MAX_CALENDAR_DAYS:
        raise RangeError(
            _("Please ask for at most %(days)s days at a time.") % {"days": MAX_CALENDAR_DAYS}
        )
    return start, end


def _calendar_items(
    municipality: Municipality | None, start: datetime.date, end: datetime.date
) -> tuple[list[Event], list[Activity]]:
    if municipality is None:
        return [], []
    events = list(
        Event.objects.filter(municipality=municipality, date__range=(start, end))
        .select_related("district")
        .order_by("date", "start_time", "pk")[:2000]
    )
    activities = list(
        Activity.objects.filter(municipality=municipality, started_on__lte=end)
        .exclude(ended_on__lt=start)
        .select_related("district", "activity_type")
        .order_by("district__sort_order", "name")[:500]
    )
    return events, activities


@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    municipality = site_municipality()
    try:
        start, end = calendar_range(request)
    except RangeError as exc:
        return _page(
            request,
            "public/calendar_refused.html",
            {"reason": str(exc), "max_days": MAX_CALENDAR_DAYS},
            status=400,
        )
    events, activities = _calendar_items(municipality, start, end)
    days: dict[datetime.date, list[Event]] = {}
    for event in events:
        days.setdefault(event.date, []).append(event)
    query = f"start={start.isoformat()}&end={end.isoformat()}"
    span = end - start
    return _page(
        request,
        "public/calendar.html",
        {
            "municipality": municipality,
            "start": start,
            "end": end,
            "days": sorted(days.items()),
            "activities": activities,
            "query": query,
            "previous_query": f"start={(start - span - datetime.timedelta(1)).isoformat()}"
            f"&end={(start - datetime.timedelta(1)).isoformat()}",
            "next_query": f"start={(end + datetime.timedelta(1)).isoformat()}"
            f"&end={(end + span + datetime.timedelta(1)).isoformat()}",
            "today": today_tokyo(),
        },
    )


@require_GET
def calendar_ics(request: HttpRequest) -> HttpResponse:
    municipality = site_municipality()
    try:
        start, end = calendar_range(request)
    except RangeError as exc:
        return HttpResponse(
            _("This calendar range cannot be served: %(reason)s") % {"reason": exc},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    events, _activities = _calendar_items(municipality, start, end)
    host = request.get_host()
    body = calendar.ics(events, name=municipality.name if municipality else "ainet", host=host)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ainet-events.ics"'
    return response


def _public_event(pk: int) -> Event:
    municipality = site_municipality()
    if municipality is None:
        raise Http404
    return get_object_or_404(
        Event.objects.select_related("district"), municipality=municipality, pk=pk
    )


@require_http_methods(["GET", "POST"])
@ratelimit.limit_posts("event")
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _public_event(pk)
    taken = event.registrations.filter(cancelled_on__isnull=True).count()
    is_open = event.date >= today_tokyo() and (event.capacity is None or taken < event.capacity)
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_for_event(
                event, name=form.cleaned_data["name"], name_kana=form.cleaned_data["name_kana"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you: you are registered for this event."))
            return redirect("public:event_detail", pk=event.pk)
    places_left = None if event.capacity is None else max(event.capacity - taken, 0)
    return _page(
        request,
        "public/event_detail.html",
        {"event": event, "form": form, "is_open": is_open, "places_left": places_left},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_GET
def forum(request: HttpRequest) -> HttpResponse:
    municipality = site_municipality()
    past = []
    if municipality is not None:
        past = list(
            Event.objects.filter(
                municipality=municipality, kind=EventKind.FORUM, date__lt=today_tokyo()
            ).order_by("-date")[:3]
        )
    return _page(
        request,
        "public/forum.html",
        {
            "municipality": municipality,
            "about": _text(municipality, "forum-about"),
            "upcoming": _upcoming(municipality, FORUM_KINDS, limit=20),
            "past": past,
        },
    )


def public_map_config(municipality: Municipality) -> dict[str, Any]:
    today = today_tokyo()
    facilities = Facility.objects.filter(municipality=municipality).open_on(today)
    layers = mapdata.facility_layers(facilities)
    centres = mapdata.district_centres(municipality)
    # Events and activities have a district, not a point: they sit at the district's centre.
    upcoming = (
        Event.objects.filter(
            municipality=municipality, date__range=(today, today + datetime.timedelta(90))
        )
        .select_related("district")
        .order_by("date")[:200]
    )
    activities = (
        Activity.objects.filter(municipality=municipality, started_on__lte=today)
        .exclude(ended_on__lt=today)
        .select_related("district")
        .order_by("name")[:300]
    )
    where = _("around the district's centre (approximate)")
    for key, label, colour, symbol, rows in (
        ("events", _("Events in the next 90 days"), "#a0430a", "★", upcoming),
        ("activities", _("Ongoing activities"), "#5a3e9b", "◆", activities),
    ):
        items = []
        for row in rows:
            point = centres.get(row.district_id) if row.district_id else None
            items.append(
                {
                    "name": row.title if isinstance(row, Event) else row.name,
                    "kana": "",
                    "address": (row.district.name if row.district else _("Whole ward")),
                    "when": row.date.isoformat() if isinstance(row, Event) else "",
                    "lat": point[0] if point else None,
                    "lng": point[1] if point else None,
                    "note": where if point else "",
                    "url": reverse("public:event_detail", args=[row.pk])
                    if isinstance(row, Event)
                    else "",
                }
            )
        if items:
            layers.append(
                {"key": key, "label": label, "colour": colour, "symbol": symbol, "items": items}
            )
    return mapdata.map_config(
        municipality, layers, label=_("Map of facilities, activities and events")
    )


@require_GET
def facility_map(request: HttpRequest) -> HttpResponse:
    municipality = site_municipality()
    return _page(
        request,
        "public/map.html",
        {
            "municipality": municipality,
            "map": public_map_config(municipality) if municipality else None,
        },
    )


@require_GET
def concern(request: HttpRequest) -> HttpResponse:
    municipality = site_municipality()
    offices = []
    if municipality is not None:
        offices = list(
            Organisation.objects.filter(
                municipality=municipality,
                kind__in=[OrganisationKind.WARD_OFFICE, OrganisationKind.CARE_PLAZA],
            ).order_by("kind", "name_kana")
        )
    return _page(
        request,
        "public/concern.html",
        {
            "municipality": municipality,
            "guidance": _text(municipality, "concern-guidance"),
            "offices": offices,
        },
    )


def district_names(municipality: Municipality) -> dict[int, str]:
    return dict(District.objects.filter(municipality=municipality).values_list("pk", "name"))
