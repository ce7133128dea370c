"""Staff pages of the volunteer centre: volunteers, skills and certificates, requests and the
coordinator's board, matching (one request, and the batch solver), hours, event attendance and
dementia-supporter courses.

Thin views: parse, authorise (`staff_view`, then scoped querysets so another district's record
is a 404), call a service, render. Bad input answers 400 with the form's errors and saves
nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ainet.core import access
from ainet.core.dates import today_tokyo
from ainet.core.guards import staff_view
from ainet.core.models import Municipality
from ainet.volunteers import proposals, services
from ainet.volunteers.forms import (
    DEFAULT_DISTANCE_M,
    AttendanceForm,
    AttendeeForm,
    CertificateHoldingForm,
    CourseForm,
    DistanceForm,
    HoursForm,
    RequestForm,
    StatusForm,
    TransitionForm,
    VocabularyForm,
    VolunteerFilterForm,
    VolunteerForm,
    coordinators_for,
    user_municipality_ids,
)
from ainet.volunteers.models import (
    LANGUAGE_CHOICES,
    OPEN_STATES,
    Assignment,
    Certificate,
    CourseAttendee,
    DementiaCourse,
    MatchRun,
    RequestState,
    Skill,
    Volunteer,
    VolunteerRequest,
    VolunteerStatus,
    csv_contains,
    slot_label,
)

PER_PAGE = 50
LANGUAGE_LABELS = dict(LANGUAGE_CHOICES)
VOCABULARIES: dict[str, type[Skill] | type[Certificate]] = {
    "skills": Skill,
    "certificates": Certificate,
}


def _lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


def _can_manage(request: HttpRequest) -> bool:
    return access.can(request.user, "volunteers.manage")


def _home_municipality(request: HttpRequest) -> Municipality:
    ids = user_municipality_ids(request.user)
    own_id = getattr(request.user, "municipality_id", None)
    chosen = own_id if own_id in ids else (ids[0] if ids else None)
    if chosen is None:
        raise PermissionDenied
    return Municipality.objects.get(pk=chosen)


def _volunteer(request: HttpRequest, pk: int) -> Volunteer:
    return get_object_or_404(
        Volunteer.objects.for_user(request.user).select_related("municipality", "district"),
        pk=pk,
    )


def _request(request: HttpRequest, pk: int) -> VolunteerRequest:
    return get_object_or_404(
        VolunteerRequest.objects.for_user(request.user).select_related(
            "municipality", "district", "town", "coordinator"
        ),
        pk=pk,
    )


def _allowed_steps(req: VolunteerRequest) -> list[tuple[str, str]]:
    allowed = services.TRANSITIONS.get(req.state, frozenset())
    return [(value, str(label)) for value, label in RequestState.choices if value in allowed]


# --- Hub ------------------------------------------------------------------------------


@staff_view("volunteers.view")
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    volunteers = Volunteer.objects.for_user(request.user)
    requests = VolunteerRequest.objects.for_user(request.user)
    counts = {
        row["status"]: row["n"]
        for row in volunteers.values("status").annotate(n=Count("pk")).order_by()
    }
    return render(
        request,
        "volunteers/home.html",
        {
            "active_count": counts.get(VolunteerStatus.ACTIVE, 0),
            "pending_count": counts.get(VolunteerStatus.PENDING, 0),
            "paused_count": counts.get(VolunteerStatus.PAUSED, 0),
            "open_request_count": requests.filter(state__in=OPEN_STATES).count(),
            "waiting_count": requests.filter(
                state__in=[RequestState.RECEIVED, RequestState.COORDINATING]
            ).count(),
            "course_count": DementiaCourse.objects.for_user(request.user).count(),
            "can_manage": _can_manage(request),
        },
    )


# --- Volunteers -----------------------------------------------------------------------


@staff_view("volunteers.view")
@require_GET
def volunteer_list(request: HttpRequest) -> HttpResponse:
    form = VolunteerFilterForm(request.GET, user=request.user)
    volunteers = Volunteer.objects.for_user(request.user).select_related("district")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            volunteers = volunteers.filter(
                Q(name__icontains=data["q"]) | Q(name_kana__icontains=data["q"])
            )
        if data["district"]:
            volunteers = volunteers.filter(district=data["district"])
        if data["status"]:
            volunteers = volunteers.filter(status=data["status"])
        if data["skill"]:
            volunteers = volunteers.filter(skills=data["skill"])
        if data["language"]:
            volunteers = volunteers.filter(csv_contains("languages", data["language"]))
        if data["slot"]:
            volunteers = volunteers.filter(csv_contains("availability", data["slot"]))
        if data["certificate"]:
            volunteers = volunteers.filter(certificates__certificate=data["certificate"])
    else:
        volunteers = volunteers.none()
    volunteers = volunteers.distinct().order_by("status", "name_kana", "name", "pk")
    page = Paginator(volunteers, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "volunteers/volunteer_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": _can_manage(request),
        },
        status=400 if form.errors else 200,
    )


@staff_view("volunteers.manage")
@require_http_methods(["GET", "POST"])
def volunteer_create(request: HttpRequest) -> HttpResponse:
    form = VolunteerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.create_volunteer(
                request.user, _home_municipality(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The volunteer was registered."))
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/volunteer_form.html",
        {"form": form, "volunteer": None},
        status=400 if form.errors else 200,
    )


@staff_view("volunteers.manage")
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer(request, pk)
    form = VolunteerForm(
        request.POST or None, user=request.user, initial=VolunteerForm.initial_for(volunteer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_volunteer(request.user, volunteer, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The volunteer's details were saved."))
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return render(
        request,
        "volunteers/volunteer_form.html",
        {"form": form, "volunteer": volunteer},
        status=400 if form.errors else 200,
    )


def _volunteer_page(
    request: HttpRequest, volunteer: Volunteer, status: int = 200, **forms: Any
) -> HttpResponse:
    services.read_volunteer(request.user, volunteer, request)
    can_manage = _can_manage(request)
    assignments = (
        volunteer.assignments.select_related("request")
        .filter(request__in=VolunteerRequest.objects.for_user(request.user))
        .order_by("-started_on")
    )
    logs = volunteer.logs.select_related("request").order_by("-date", "-id")[:50]
    context: dict[str, Any] = {
        "volunteer": volunteer,
        "skills": volunteer.skills.all(),
        "areas": volunteer.areas.all(),
        "language_labels": [str(LANGUAGE_LABELS.get(c, c)) for c in volunteer.language_list],
        "slots": [slot_label(s) for s in volunteer.slot_list],
        "certificates": volunteer.certificates.select_related("certificate"),
        "assignments": assignments,
        "logs": logs,
        "total_hours": volunteer.logs.aggregate(total=Sum("hours"))["total"] or 0,
        "attendances": volunteer.attendances.select_related("event").order_by("-event__date"),
        "can_manage": can_manage,
        "lang": _lang(),
    }
    if can_manage:
        context["status_form"] = forms.get("status_form") or StatusForm()
        context["certificate_form"] = forms.get("certificate_form") or CertificateHoldingForm(
            municipality_id=volunteer.municipality_id
        )
        context["hours_form"] = forms.get("hours_form") or HoursForm(
            volunteer=volunteer, user=request.user
        )
        context["attendance_form"] = forms.get("attendance_form") or AttendanceForm(
            user=request.user, volunteer=volunteer
        )
    return render(request, "volunteers/volunteer_detail.html", context, status=status)


@staff_view("volunteers.view")
@require_GET
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _volunteer_page(request, _volunteer(request, pk))


@staff_view("volunteers.manage")
@require_POST
def volunteer_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer(request, pk)
    try:
        services.confirm_registration(request.user, volunteer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The registration was confirmed."))
    return redirect("volunteers:volunteer_detail", pk=volunteer.pk)


@staff_view("volunteers.manage")
@require_POST
def volunteer_status(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(request.user, volunteer, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _volunteer_page(request, volunteer, status=400, status_form=form)


@staff_view("volunteers.manage")
@require_POST
def volunteer_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer(request, pk)
    form = CertificateHoldingForm(request.POST, municipality_id=volunteer.municipality_id)
    if form.is_valid():
        try:
            services.add_certificate(request.user, volunteer, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The certificate was added."))
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _volunteer_page(request, volunteer, status=400, certificate_form=form)


@staff_view("volunteers.manage")
@require_POST
def volunteer_hours(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer(request, pk)
    form = HoursForm(request.POST, volunteer=volunteer, user=request.user)
    if form.is_valid():
        try:
            services.log_hours(request.user, volunteer, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The hours were recorded."))
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _volunteer_page(request, volunteer, status=400, hours_form=form)


@staff_view("volunteers.manage")
@require_POST
def volunteer_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer(request, pk)
    form = AttendanceForm(request.POST, user=request.user, volunteer=volunteer)
    if form.is_valid():
        try:
            services.record_event_attendance(request.user, form.cleaned_data["event"], volunteer)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(
                None,
                exc
                if isinstance(exc, ValidationError)
                else _("You cannot record attendance at this event."),
            )
        else:
            messages.success(request, _("The attendance was recorded."))
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return _volunteer_page(request, volunteer, status=400, attendance_form=form)


# --- Vocabulary -----------------------------------------------------------------------


def _vocabulary(kind: str) -> type[Skill] | type[Certificate]:
    model = VOCABULARIES.get(kind)
    if model is None:
        raise Http404
    return model


@staff_view("volunteers.view")
@require_http_methods(["GET", "POST"])
def vocabulary_list(request: HttpRequest, kind: str) -> HttpResponse:
    model = _vocabulary(kind)
    municipality = _home_municipality(request)
    form = VocabularyForm(request.POST or None)
    if request.method == "POST":
        if not _can_manage(request):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_vocabulary_item(
                    request.user, model, municipality, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The term was added."))
                return redirect("volunteers:vocabulary_list", kind=kind)
    items = model.objects.filter(municipality=municipality).order_by("sort_order", "name")
    return render(
        request,
        "volunteers/vocabulary_list.html",
        {
            "kind": kind,
            "items": items,
            "form": form,
            "can_manage": _can_manage(request),
            "lang": _lang(),
        },
        status=400 if form.errors else 200,
    )


@staff_view("volunteers.manage")
@require_http_methods(["GET", "POST"])
def vocabulary_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = _vocabulary(kind)
    item: Skill | Certificate = get_object_or_404(  # type: ignore[assignment]
        model.objects.filter(municipality_id__in=user_municipality_ids(request.user)), pk=pk
    )
    initial = {
        "code": item.code,
        "name": item.name,
        "name_en": item.name_en,
        "sort_order": item.sort_order,
        "is_active": item.is_active,
    }
    form = VocabularyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_vocabulary_item(
                request.user, model, item.municipality, item=item, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The term was saved."))
            return redirect("volunteers:vocabulary_list", kind=kind)
    return render(
        request,
        "volunteers/vocabulary_form.html",
        {"kind": kind, "item": item, "form": form},
        status=400 if form.errors else 200,
    )


# --- Requests -------------------------------------------------------------------------


@staff_view("volunteers.view")
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    requests = VolunteerRequest.objects.for_user(request.user).select_related(
        "district", "coordinator"
    )
    if state == "open":
        requests = requests.filter(state__in=OPEN_STATES)
    elif state in RequestState.values:
        requests = requests.filter(state=state)
    elif state:
        return render(
            request,
            "volunteers/request_list.html",
            {
                "page": None,
                "error": _("Choose a state from the list."),
                "states": RequestState.choices,
            },
            status=400,
        )
    page = Paginator(requests.order_by("-received_on", "-id"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "volunteers/request_list.html",
        {
            "page": page,
            "state": state,
            "states": RequestState.choices,
            "can_manage": _can_manage(request),
        },
    )


@staff_view("volunteers.manage")
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    form = RequestForm(
        request.POST or None, user=request.user, initial={"coordinator": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            req = services.create_request(
                request.user, _home_municipality(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The request was received."))
            return redirect("volunteers:request_detail", pk=req.pk)
    return render(
        request,
        "volunteers/request_form.html",
        {"form": form, "req": None},
        status=400 if form.errors else 200,
    )


@staff_view("volunteers.manage")
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request(request, pk)
    form = RequestForm(
        request.POST or None, user=request.user, initial=RequestForm.initial_for(req)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_request(request.user, req, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The request was saved."))
            return redirect("volunteers:request_detail", pk=req.pk)
    return render(
        request,
        "volunteers/request_form.html",
        {"form": form, "req": req},
        status=400 if form.errors else 200,
    )


def _request_page(
    request: HttpRequest,
    req: VolunteerRequest,
    status: int = 200,
    transition_form: TransitionForm | None = None,
) -> HttpResponse:
    distance_form = DistanceForm(request.GET or None)
    max_distance = DEFAULT_DISTANCE_M
    if distance_form.is_bound:
        if distance_form.is_valid():
            max_distance = distance_form.cleaned_data["max_distance_m"]
        else:
            status = 400
    else:
        distance_form = DistanceForm(initial={"max_distance_m": DEFAULT_DISTANCE_M})
    services.read_request(request.user, req, request)
    ranking = None
    can_manage = _can_manage(request)
    if req.state in (RequestState.RECEIVED, RequestState.COORDINATING):
        ranking = proposals.rank_for_request(request.user, req, max_distance)
    return render(
        request,
        "volunteers/request_detail.html",
        {
            "req": req,
            "skills": req.skills.all(),
            "slot": slot_label(req.slot),
            "transitions": req.transitions.select_related("actor"),
            "assignments": req.assignments.select_related("volunteer").filter(
                volunteer__in=Volunteer.objects.for_user(request.user)
            ),
            "ranking": ranking,
            "distance_form": distance_form,
            "transition_form": transition_form or TransitionForm(allowed=_allowed_steps(req)),
            "allowed": _allowed_steps(req),
            "logs": req.logs.select_related("volunteer")[:50],
            "can_manage": can_manage,
            "lang": _lang(),
        },
        status=status,
    )


@staff_view("volunteers.view")
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, _request(request, pk))


@staff_view("volunteers.manage")
@require_POST
def request_transition(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request(request, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.transition(request.user, req, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The request moved to “%(state)s”.")
                % {"state": RequestState(form.cleaned_data["to_state"]).label},
            )
            target = request.POST.get("next", "")
            if target == "board":
                return redirect(reverse("volunteers:board") + f"#request-{req.pk}")
            return redirect("volunteers:request_detail", pk=req.pk)
    if request.POST.get("next") == "board":
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
        return redirect(reverse("volunteers:board") + f"#request-{req.pk}")
    return _request_page(request, req, status=400, transition_form=form)


@staff_view("volunteers.manage")
@require_POST
def request_assign(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request(request, pk)
    volunteer_id = request.POST.get("volunteer", "")
    if not volunteer_id.isdigit():
        messages.error(request, _("Choose a volunteer from the list."))
        return redirect("volunteers:request_detail", pk=req.pk)
    volunteer = _volunteer(request, int(volunteer_id))
    try:
        services.assign(request.user, req, volunteer)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(name)s was assigned to the request.") % {"name": volunteer.name}
        )
    return redirect("volunteers:request_detail", pk=req.pk)


@staff_view("volunteers.manage")
@require_POST
def assignment_end(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    req = _request(request, pk)
    assignment = get_object_or_404(Assignment, pk=assignment_pk, request=req)
    try:
        services.end_assignment(request.user, assignment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The assignment was ended."))
    return redirect("volunteers:request_detail", pk=req.pk)


# --- Board ----------------------------------------------------------------------------

BOARD_CLOSED_LIMIT = 10


@staff_view("volunteers.view")
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """One board per coordinator: their requests in a column per state.

    Without a choice the board is the user's own while they coordinate an open request, and
    everyone's otherwise (a ward administrator who coordinates nothing would see an empty
    board); the page says which it shows and how many open requests each choice holds."""
    coordinators = list(coordinators_for(request.user))
    visible = VolunteerRequest.objects.for_user(request.user)
    open_total = visible.filter(state__in=OPEN_STATES).count()
    open_mine = visible.filter(state__in=OPEN_STATES, coordinator_id=request.user.pk).count()
    chosen = request.GET.get("coordinator", "")
    defaulted = not chosen
    if not chosen:
        is_coordinator = any(c.pk == request.user.pk for c in coordinators)
        chosen = str(request.user.pk) if is_coordinator and open_mine else "all"
    requests = visible.select_related("district").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.current().select_related("volunteer"),
            to_attr="current_assignments",
        )
    )
    if chosen == "none":
        requests = requests.filter(coordinator__isnull=True)
    elif chosen != "all":
        if not chosen.isdigit() or int(chosen) not in {c.pk for c in coordinators}:
            raise Http404
        requests = requests.filter(coordinator_id=int(chosen))
    columns = []
    for value, label in RequestState.choices:
        in_state = requests.filter(state=value)
        if value == RequestState.CLOSED:
            in_state = in_state.order_by("-closed_on", "-id")[:BOARD_CLOSED_LIMIT]
        cards = [
            {"req": r, "allowed": _allowed_steps(r), "slot": slot_label(r.slot)} for r in in_state
        ]
        columns.append({"state": value, "label": label, "cards": cards})
    return render(
        request,
        "volunteers/board.html",
        {
            "columns": columns,
            "coordinators": coordinators,
            "chosen": chosen,
            "defaulted": defaulted,
            "showing_mine": chosen == str(request.user.pk),
            "open_total": open_total,
            "open_mine": open_mine,
            "today": today_tokyo(),
            "can_manage": _can_manage(request),
            "closed_limit": BOARD_CLOSED_LIMIT,
        },
    )


# --- Batch matching -------------------------------------------------------------------


@staff_view("volunteers.manage")
@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest) -> HttpResponse:
    municipality = _home_municipality(request)
    form = DistanceForm(request.POST or None, initial={"max_distance_m": DEFAULT_DISTANCE_M})
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_batch(
                request.user, municipality, form.cleaned_data["max_distance_m"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("volunteers:batch_run", pk=run.pk)
    waiting = proposals.open_unassigned_requests(request.user, municipality)
    runs = MatchRun.objects.filter(municipality=municipality, created_by_id=request.user.pk)[:10]
    return render(
        request,
        "volunteers/batch.html",
        {"form": form, "waiting_count": waiting.count(), "runs": runs},
        status=400 if form.errors else 200,
    )


def _run(request: HttpRequest, pk: int) -> MatchRun:
    return get_object_or_404(
        MatchRun.objects.filter(
            municipality_id__in=user_municipality_ids(request.user), created_by_id=request.user.pk
        ),
        pk=pk,
    )


@staff_view("volunteers.manage")
@require_GET
def batch_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    requests = VolunteerRequest.objects.for_user(request.user).in_bulk(
        [p["request"] for p in run.proposal] + list(run.unassigned)
    )
    volunteers = Volunteer.objects.for_user(request.user).in_bulk(
        [p["volunteer"] for p in run.proposal]
    )
    rows = [
        {
            "req": requests.get(p["request"]),
            "volunteer": volunteers.get(p["volunteer"]),
            "distance_m": p["distance_m"],
        }
        for p in run.proposal
    ]
    return render(
        request,
        "volunteers/batch_run.html",
        {
            "run": run,
            "rows": [r for r in rows if r["req"] and r["volunteer"]],
            "unassigned": [requests[i] for i in run.unassigned if i in requests],
            "average_m": round(run.total_distance_m / run.served) if run.served else None,
        },
    )


@staff_view("volunteers.manage")
@require_POST
def batch_apply(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    chosen = [int(v) for v in request.POST.getlist("request") if v.isdigit()]
    try:
        made = services.apply_run(request.user, run, chosen)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("volunteers:batch_run", pk=run.pk)
    messages.success(
        request, _("%(n)s volunteers were assigned. Nothing else changed.") % {"n": len(made)}
    )
    return redirect("volunteers:board")


# --- Dementia-supporter courses -------------------------------------------------------


@staff_view("volunteers.view")
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    courses = (
        DementiaCourse.objects.for_user(request.user)
        .select_related("event", "event__district")
        .annotate(
            attendee_count=Count("attendees", distinct=True),
            graduate_count=Count(
                "attendees", filter=Q(attendees__graduated_on__isnull=False), distinct=True
            ),
        )
    )
    page = Paginator(courses.order_by("-event__date", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "volunteers/course_list.html",
        {"page": page, "can_manage": _can_manage(request)},
    )


def _trainers(request: HttpRequest, municipality: Municipality) -> Any:
    return (
        services.active_caravan_mates(municipality, today_tokyo())
        .filter(pk__in=Volunteer.objects.for_user(request.user).values("pk"))
        .select_related("district")
        .distinct()
        .order_by("name")
    )


@staff_view("volunteers.manage")
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    municipality = _home_municipality(request)
    form = CourseForm(
        request.POST or None, user=request.user, trainers=_trainers(request, municipality)
    )
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(request.user, municipality, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(
                None,
                exc if isinstance(exc, ValidationError) else _("You cannot plan courses here."),
            )
        else:
            messages.success(request, _("The course was planned."))
            return redirect("volunteers:course_detail", pk=course.pk)
    return render(
        request, "volunteers/course_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _course(request: HttpRequest, pk: int) -> DementiaCourse:
    return get_object_or_404(
        DementiaCourse.objects.for_user(request.user).select_related("event", "event__district"),
        pk=pk,
    )


def _course_page(
    request: HttpRequest,
    course: DementiaCourse,
    form: AttendeeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    services.read_course(request.user, course, request)
    can_manage = _can_manage(request)
    return render(
        request,
        "volunteers/course_detail.html",
        {
            "course": course,
            "trainers": course.trainers.select_related("district"),
            "attendees": course.attendees.select_related("volunteer"),
            "form": (
                form or AttendeeForm(user=request.user, municipality_id=course.municipality_id)
            )
            if can_manage
            else None,
            "can_manage": can_manage,
            "today": today_tokyo(),
        },
        status=status,
    )


@staff_view("volunteers.view")
@require_GET
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _course_page(request, _course(request, pk))


@staff_view("volunteers.manage")
@require_POST
def course_attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    form = AttendeeForm(request.POST, user=request.user, municipality_id=course.municipality_id)
    if form.is_valid():
        try:
            services.add_attendee(request.user, course, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The attendee was added."))
            return redirect("volunteers:course_detail", pk=course.pk)
    return _course_page(request, course, form, status=400)


@staff_view("volunteers.manage")
@require_POST
def course_graduate(request: HttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    course = _course(request, pk)
    attendee = get_object_or_404(CourseAttendee, pk=attendee_pk, course=course)
    try:
        services.graduate(request.user, attendee)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s completed the course.") % {"name": attendee.name})
    return redirect("volunteers:course_detail", pk=course.pk)
