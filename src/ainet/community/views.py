"""Staff pages for community activity: groups, activity types, activities, events with their
registrations and participants, and the promotion forums by fiscal year and plan period.

Thin views: parse, authorise (`staff_view`, then scoped querysets so another district's record
is a 404), call a service, render. Bad input answers 400 with the form's errors."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ainet.community import services
from ainet.community.forms import (
    WARD_WIDE,
    ActivityFilterForm,
    ActivityForm,
    ActivityTypeForm,
    EventFilterForm,
    EventForm,
    GroupFilterForm,
    GroupForm,
    RegistrationForm,
    WalkInForm,
    activity_types_for,
    fiscal_year_label,
    user_municipalities,
)
from ainet.community.models import (
    Activity,
    Event,
    EventKind,
    Group,
    Participation,
    Registration,
)
from ainet.core import access
from ainet.core.dates import fiscal_year, fiscal_year_range, today_tokyo
from ainet.core.guards import staff_view
from ainet.core.models import District, Municipality
from ainet.plan.models import PlanPeriod

EVENTS_PER_PAGE = 50


# --- Helpers --------------------------------------------------------------------------


def _home_municipality(request: HttpRequest) -> Municipality:
    """Where a new ward-wide record goes: the user's own municipality if they hold a role
    there, otherwise the first municipality they hold a role in."""
    municipalities = user_municipalities(request.user)
    own_id: int | None = getattr(request.user, "municipality_id", None)
    own = municipalities.filter(pk=own_id).first() if own_id is not None else None
    chosen = own or municipalities.first()
    if chosen is None:
        raise PermissionDenied
    return chosen


def _municipality_for(request: HttpRequest, district: District | None) -> Municipality:
    return district.municipality if district is not None else _home_municipality(request)


def _lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


def _apply_district(queryset: Any, value: str) -> Any:
    if value == WARD_WIDE:
        return queryset.filter(district__isnull=True)
    if value:
        return queryset.filter(district_id=int(value))
    return queryset


def _years(queryset: Any, first_field: str, last_field: str | None = None) -> list[int]:
    """Fiscal years to offer in a filter, newest first: from the earliest record to the
    latest one, and at least up to next fiscal year."""
    bounds = queryset.aggregate(first=Min(first_field), last=Max(last_field or first_field))
    current = fiscal_year(today_tokyo())
    first: datetime.date | None = bounds["first"]
    last: datetime.date | None = bounds["last"]
    start = min(fiscal_year(first), current) if first else current
    end = max(fiscal_year(last), current + 1) if last else current + 1
    return list(range(end, start - 1, -1))


def _with_counts(events: Any) -> Any:
    """Annotate active registrations and participants without multiplying joined rows."""
    registrations = (
        Registration.objects.filter(event=OuterRef("pk"), cancelled_on__isnull=True)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    participants = (
        Participation.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return events.annotate(
        registration_count=Coalesce(Subquery(registrations, output_field=IntegerField()), 0),
        participant_count=Coalesce(Subquery(participants, output_field=IntegerField()), 0),
    )


def _active_in(queryset: Any, fy: int) -> Any:
    start, end = fiscal_year_range(fy)
    return queryset.filter(started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )


def _can_manage(request: HttpRequest) -> bool:
    return access.can(request.user, "community.manage")


# --- Hub ------------------------------------------------------------------------------


@staff_view("community.view")
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    fy = fiscal_year(today_tokyo())
    start, end = fiscal_year_range(fy)
    activities = Activity.objects.for_user(user)
    events = Event.objects.for_user(user)
    return render(
        request,
        "community/home.html",
        {
            "fy_label": fiscal_year_label(fy),
            "group_count": Group.objects.for_user(user).count(),
            "type_count": activity_types_for(user).count(),
            "activity_count": activities.count(),
            "active_activity_count": _active_in(activities, fy).count(),
            "event_count": events.count(),
            "events_this_year": events.filter(date__range=(start, end)).count(),
            "forum_count": events.filter(kind=EventKind.FORUM).count(),
            "can_manage": _can_manage(request),
        },
    )


# --- Groups ---------------------------------------------------------------------------


@staff_view("community.view")
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    form = GroupFilterForm(request.GET, user=request.user)
    groups = Group.objects.for_user(request.user).select_related("district")
    if form.is_valid():
        if form.cleaned_data["kind"]:
            groups = groups.filter(kind=form.cleaned_data["kind"])
        groups = _apply_district(groups, form.cleaned_data["district"])
    else:
        groups = groups.none()
    visible_activities = Activity.objects.for_user(request.user)
    groups = groups.annotate(
        activity_count=Count("activities", filter=Q(activities__in=visible_activities))
    )
    return render(
        request,
        "community/group_list.html",
        {"form": form, "groups": groups, "can_manage": _can_manage(request)},
        status=400 if form.errors else 200,
    )


@staff_view("community.manage")
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.create_group(
                request.user, _municipality_for(request, data["district"]), **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The group was registered."))
            return redirect("community:group_detail", pk=group.pk)
    return render(
        request,
        "community/group_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@staff_view("community.view")
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(
        Group.objects.for_user(request.user).select_related("district"), pk=pk
    )
    activities = (
        Activity.objects.for_user(request.user)
        .filter(groups=group)
        .select_related("activity_type", "district")
    )
    return render(
        request, "community/group_detail.html", {"group": group, "activities": activities}
    )


# --- Activity types -------------------------------------------------------------------


@staff_view("community.view")
@require_GET
def activity_type_list(request: HttpRequest) -> HttpResponse:
    types = activity_types_for(request.user).annotate(
        activity_count=Count(
            "activities", filter=Q(activities__in=Activity.objects.for_user(request.user))
        )
    )
    return render(
        request,
        "community/activity_type_list.html",
        {"types": types, "can_manage": _can_manage(request)},
    )


@staff_view("community.manage")
@require_http_methods(["GET", "POST"])
def activity_type_create(request: HttpRequest) -> HttpResponse:
    municipality = _home_municipality(request)
    form = ActivityTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_activity_type(request.user, municipality, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The activity type was added."))
            return redirect("community:activity_type_list")
    return render(
        request,
        "community/activity_type_form.html",
        {"form": form, "municipality": municipality},
        status=400 if form.errors else 200,
    )


# --- Activities -----------------------------------------------------------------------


@staff_view("community.view")
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    visible = Activity.objects.for_user(request.user)
    form = ActivityFilterForm(
        request.GET, user=request.user, years=_years(visible, "started_on", "ended_on")
    )
    activities = visible.select_related("activity_type", "district", "pillar", "theme")
    fy_label = ""
    if form.is_valid():
        data = form.cleaned_data
        activities = _apply_district(activities, data["district"])
        if data["activity_type"]:
            activities = activities.filter(activity_type_id=int(data["activity_type"]))
        if data["pillar"]:
            activities = activities.filter(pillar_id=int(data["pillar"]))
        if data["fy"]:
            activities = _active_in(activities, int(data["fy"]))
            fy_label = fiscal_year_label(int(data["fy"]))
    else:
        activities = activities.none()
    return render(
        request,
        "community/activity_list.html",
        {
            "form": form,
            "activities": activities,
            "fy_label": fy_label,
            "can_manage": _can_manage(request),
        },
        status=400 if form.errors else 200,
    )


@staff_view("community.manage")
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.create_activity(
                request.user, _municipality_for(request, data["district"]), **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The activity was registered."))
            return redirect("community:activity_detail", pk=activity.pk)
    return render(
        request,
        "community/activity_form.html",
        {"form": form, "activity": None},
        status=400 if form.errors else 200,
    )


@staff_view("community.manage")
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(
        Activity.objects.for_user(request.user).select_related("municipality"), pk=pk
    )
    form = ActivityForm(
        request.POST or None, user=request.user, initial=ActivityForm.initial_for(activity)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(request.user, activity, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The activity was updated."))
            return redirect("community:activity_detail", pk=activity.pk)
    return render(
        request,
        "community/activity_form.html",
        {"form": form, "activity": activity},
        status=400 if form.errors else 200,
    )


@staff_view("community.view")
@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(
        Activity.objects.for_user(request.user).select_related(
            "activity_type", "district", "pillar__period", "theme"
        ),
        pk=pk,
    )
    events = _with_counts(
        Event.objects.for_user(request.user).filter(activity=activity).select_related("district")
    )
    return render(
        request,
        "community/activity_detail.html",
        {
            "activity": activity,
            "organisations": activity.organisations.order_by("name_kana", "name"),
            "groups": Group.objects.for_user(request.user).filter(activities=activity),
            "events": events,
            "can_manage": _can_manage(request),
        },
    )


# --- Events ---------------------------------------------------------------------------


@staff_view("community.view")
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    visible = Event.objects.for_user(request.user)
    form = EventFilterForm(request.GET, user=request.user, years=_years(visible, "date"))
    events = visible.select_related("district")
    fy_label = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        events = _apply_district(events, data["district"])
        if data["fy"]:
            events = events.filter(date__range=fiscal_year_range(int(data["fy"])))
            fy_label = fiscal_year_label(int(data["fy"]))
    else:
        events = events.none()
    page = Paginator(_with_counts(events), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "community/event_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "fy_label": fy_label,
            "can_manage": _can_manage(request),
        },
        status=400 if form.errors else 200,
    )


@staff_view("community.manage")
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["district"] is None and data["activity"] is not None:
            municipality = data["activity"].municipality
        else:
            municipality = _municipality_for(request, data["district"])
        try:
            event = services.create_event(request.user, municipality, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The event was registered."))
            return redirect("community:event_detail", pk=event.pk)
    return render(
        request,
        "community/event_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@dataclass
class _RegistrationRow:
    registration: Registration
    attended: bool


def _event(request: HttpRequest, pk: int) -> Event:
    event: Event = get_object_or_404(
        Event.objects.for_user(request.user).select_related("municipality", "district", "activity"),
        pk=pk,
    )
    return event


def _event_page(
    request: HttpRequest,
    event: Event,
    *,
    registration_form: RegistrationForm | None = None,
    walk_in_form: WalkInForm | None = None,
    action_errors: Sequence[str] = (),
    status: int = 200,
) -> HttpResponse:
    registrations = event.registrations.all()
    active = registrations.filter(cancelled_on__isnull=True).count()
    cancelled = registrations.filter(cancelled_on__isnull=False).count()
    participations = Participation.objects.filter(event=event)
    participants = participations.count()
    registered_participants = participations.filter(registration__isnull=False).count()
    by_district = (
        participations.values("district__name", "district__sort_order")
        .annotate(n=Count("pk"))
        .order_by("district__sort_order")
    )
    can_manage = _can_manage(request)
    rows: list[_RegistrationRow] = []
    if can_manage:
        rows = [
            _RegistrationRow(r, hasattr(r, "attended"))
            for r in services.read_registrations(request.user, event, request=request)
        ]
        registration_form = registration_form or RegistrationForm(municipality=event.municipality)
        walk_in_form = walk_in_form or WalkInForm(municipality=event.municipality)
    capacity_use = round(active * 100 / event.capacity) if event.capacity else None
    return render(
        request,
        "community/event_detail.html",
        {
            "event": event,
            "fy_label": fiscal_year_label(fiscal_year(event.date)),
            "active_registrations": active,
            "cancelled_registrations": cancelled,
            "participants": participants,
            "registered_participants": registered_participants,
            "walk_ins": participants - registered_participants,
            "by_district": by_district,
            "capacity_use": capacity_use,
            "places_left": max(event.capacity - active, 0) if event.capacity else None,
            "can_manage": can_manage,
            "rows": rows,
            "registration_form": registration_form,
            "walk_in_form": walk_in_form,
            "action_errors": action_errors,
        },
        status=status,
    )


@staff_view("community.view")
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_page(request, _event(request, pk))


@staff_view("community.manage")
@require_POST
def registration_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = RegistrationForm(request.POST, municipality=event.municipality)
    if form.is_valid():
        try:
            services.add_registration(request.user, event, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The registration was added."))
            return redirect("community:event_detail", pk=event.pk)
    return _event_page(request, event, registration_form=form, status=400)


def _registration(event: Event, registration_pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.filter(event=event).select_related("event", "district"),
        pk=registration_pk,
    )


@staff_view("community.manage")
@require_POST
def registration_cancel(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event(request, pk)
    registration = _registration(event, registration_pk)
    try:
        services.cancel_registration(request.user, registration)
    except ValidationError as exc:
        return _event_page(request, event, action_errors=exc.messages, status=400)
    messages.success(request, _("The registration was cancelled."))
    return redirect("community:event_detail", pk=event.pk)


@staff_view("community.manage")
@require_POST
def attendance_record(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event(request, pk)
    registration = _registration(event, registration_pk)
    try:
        services.record_attendance(request.user, registration)
    except ValidationError as exc:
        return _event_page(request, event, action_errors=exc.messages, status=400)
    messages.success(request, _("The attendance was recorded."))
    return redirect("community:event_detail", pk=event.pk)


@staff_view("community.manage")
@require_POST
def walk_ins_record(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = WalkInForm(request.POST, municipality=event.municipality)
    if form.is_valid():
        try:
            rows = services.record_walk_ins(
                request.user, event, form.cleaned_data["count"], form.cleaned_data["district"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(count)s participants were recorded.") % {"count": len(rows)},
            )
            return redirect("community:event_detail", pk=event.pk)
    return _event_page(request, event, walk_in_form=form, status=400)


# --- Forums ---------------------------------------------------------------------------


@dataclass
class _ForumRow:
    event: Event
    fy: int
    fy_label: str
    registrations: int
    participants: int


@dataclass
class _PeriodSection:
    period: PlanPeriod | None
    label: str
    first_fy: int
    rows: list[_ForumRow] = field(default_factory=list)

    @property
    def registrations(self) -> int:
        return sum(r.registrations for r in self.rows)

    @property
    def participants(self) -> int:
        return sum(r.participants for r in self.rows)


@staff_view("community.view")
@require_GET
def forum_list(request: HttpRequest) -> HttpResponse:
    forums = list(
        _with_counts(Event.objects.for_user(request.user).filter(kind=EventKind.FORUM)).order_by(
            "date", "id"
        )
    )
    periods: QuerySet[PlanPeriod] = PlanPeriod.objects.filter(
        municipality_id__in={f.municipality_id for f in forums}
    ).order_by("first_fy", "number")
    lang = _lang()
    sections: dict[int | None, _PeriodSection] = {}
    for forum in forums:
        fy = fiscal_year(forum.date)
        period = next(
            (
                p
                for p in periods
                if p.municipality_id == forum.municipality_id and p.first_fy <= fy <= p.last_fy
            ),
            None,
        )
        key = period.pk if period else None
        if key not in sections:
            sections[key] = _PeriodSection(
                period=period,
                label=period.label(lang) if period else "",
                first_fy=period.first_fy if period else fy,
            )
        sections[key].rows.append(
            _ForumRow(
                event=forum,
                fy=fy,
                fy_label=fiscal_year_label(fy),
                registrations=forum.registration_count,
                participants=forum.participant_count,
            )
        )
    ordered = sorted(sections.values(), key=lambda s: (s.period is None, s.first_fy))
    return render(
        request,
        "community/forum_list.html",
        {
            "sections": ordered,
            "forum_count": len(forums),
            "total_registrations": sum(s.registrations for s in ordered),
            "total_participants": sum(s.participants for s in ordered),
        },
    )
