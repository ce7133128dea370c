"""Concern reports (見守り協定): the public form residents use, the form partner companies and
staff use, the district teams' queue and each report's detail with its actions.

Thin views: parse, authorise (`staff_view`, then `ConcernReport.objects.for_user` so another
district's report is a 404), call `care.concerns`, render. Bad input answers 400 with the
form's errors and saves nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ainet.care import concerns
from ainet.care.concern_forms import (
    ActionForm,
    CloseForm,
    LinkPersonForm,
    PublicConcernForm,
    StaffConcernForm,
)
from ainet.care.models import ConcernReport, Person, ReportStatus
from ainet.core import access, ratelimit
from ainet.core.guards import staff_view
from ainet.core.models import District, Municipality

UNROUTED = "unrouted"
ESCALATED = "escalated"
QUEUE_LIMIT = 200
PERSON_MATCHES = 20


def public_municipality() -> Municipality:
    """The ward the public form files into: AINET_PUBLIC_MUNICIPALITY (a code) if set, else
    the first municipality by code."""
    from django.conf import settings

    code = getattr(settings, "AINET_PUBLIC_MUNICIPALITY", "")
    municipalities = Municipality.objects.order_by("code")
    chosen = municipalities.filter(code=code).first() if code else municipalities.first()
    if chosen is None:
        raise Http404
    return chosen


def user_municipality(user: Any) -> Municipality:
    chosen = Municipality.objects.filter(access.municipality_q(user, "pk")).order_by("code").first()
    if chosen is None:
        raise Http404
    return chosen


# --- The public form -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@ratelimit.limit_posts("concern")
def public_report(request: HttpRequest) -> HttpResponse:
    municipality = public_municipality()
    form = PublicConcernForm(request.POST or None, municipality=municipality)
    status = 200
    if request.method == "POST":
        if form.is_spam():
            # Said to be received, never stored: a bot learns nothing.
            return redirect("care_public:concern_received")
        if form.is_valid():
            try:
                filed = concerns.file_concern(
                    None, municipality, form.concern_input(), request=request
                )
            except concerns.RateLimited:
                # The hourly limit on stored reports (counted in the audit log): the same page
                # as the limit on posts, which says to try again within the hour.
                return ratelimit.limited_response(
                    request, "concern", ratelimit.Decision(allowed=False, retry_after=3600)
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                request.session["concern_reference"] = filed.report.pk
                return redirect("care_public:concern_received")
        status = 400
    return render(
        request,
        "care/concern_public_form.html",
        {"form": form, "municipality": municipality},
        status=status,
    )


@require_GET
def public_received(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "care/concern_public_received.html",
        {"reference": request.session.pop("concern_reference", None)},
    )


# --- Filing as a partner company or staff ----------------------------------------------


@staff_view("care.file_concern")
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    municipality = user_municipality(request.user)
    form = StaffConcernForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            filed = concerns.file_concern(
                request.user, municipality, form.concern_input(), request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Report %(number)s was received and sent to the district team.")
                % {"number": filed.report.pk},
            )
            return redirect("care_concerns:detail", pk=filed.report.pk)
    return render(
        request,
        "care/concern_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@staff_view("care.file_concern")
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    reports = (
        ConcernReport.objects.for_user(request.user)
        .filter(reporter_user_id=request.user.pk)
        .order_by("-received_at", "-id")[:QUEUE_LIMIT]
    )
    return render(request, "care/concern_mine.html", {"reports": reports})


# --- The district team's queue ------------------------------------------------------------


def _queue_filter_choices(user: Any) -> list[tuple[str, str]]:
    choices = [("", _("All my districts"))]
    for district in District.objects.for_user(user).order_by("municipality__code", "sort_order"):
        choices.append((str(district.pk), district.name))
    if access.administered_municipality_ids(user):
        choices.append((ESCALATED, _("Escalated to the ward administrators")))
        choices.append((UNROUTED, _("Not routed to a district")))
    return choices


@staff_view("care.handle_concerns")
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Open reports, overdue first. Escalation is evaluated on every load, so an overdue
    report shows as escalated even where no cron job runs."""
    now = timezone.now()
    user = request.user
    administered = access.administered_municipality_ids(user)
    visible_municipalities = Municipality.objects.filter(access.municipality_q(user, "pk"))
    concerns.escalate_overdue(
        now, municipality_ids=visible_municipalities.values_list("pk", flat=True)
    )

    choices = _queue_filter_choices(user)
    chosen = request.GET.get("team", "")
    show = request.GET.get("show", "open")
    if chosen not in {value for value, _label in choices} or show not in {"open", "closed"}:
        chosen, show, status = "", "open", 400
    else:
        status = 200
    reports: QuerySet[ConcernReport] = concerns.handled_reports(user).select_related(
        "district", "town", "reporter_organisation"
    )
    if chosen == UNROUTED:
        reports = reports.filter(district__isnull=True)
    elif chosen == ESCALATED:
        reports = reports.filter(escalated_at__isnull=False)
    elif chosen:
        reports = reports.filter(district_id=int(chosen))
    if show == "closed":
        reports = reports.filter(status=ReportStatus.CLOSED).order_by("-closed_at", "-id")
    else:
        reports = concerns.with_overdue(
            reports.filter(status__in=concerns.OPEN_STATUSES), now
        ).order_by("-is_overdue", "acknowledge_by", "act_by", "id")
    total = reports.count()

    escalated: list[ConcernReport] = []
    if administered and not chosen and show == "open":
        # The ward administrators' own list: everything escalated or unroutable.
        escalated = list(
            concerns.with_overdue(
                ConcernReport.objects.filter(
                    municipality_id__in=sorted(administered),
                    status__in=concerns.OPEN_STATUSES,
                )
                .filter(Q(escalated_at__isnull=False) | Q(district__isnull=True))
                .select_related("district", "town"),
                now,
            ).order_by("-is_overdue", "acknowledge_by", "id")[:QUEUE_LIMIT]
        )
    return render(
        request,
        "care/concern_queue.html",
        {
            "reports": reports[:QUEUE_LIMIT],
            "total": total,
            "limit": QUEUE_LIMIT,
            "choices": choices,
            "chosen": chosen,
            "show": show,
            "escalated": escalated,
            "is_ward_admin": bool(administered),
            "now": now,
        },
        status=status,
    )


# --- One report ------------------------------------------------------------------------------


def _timeline(report: ConcernReport) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [{"at": report.received_at, "what": _("Received")}]
    if report.acknowledged_at:
        events.append(
            {"at": report.acknowledged_at, "what": _("Acknowledged"), "by": report.acknowledged_by}
        )
    if report.escalated_at:
        events.append(
            {"at": report.escalated_at, "what": _("Escalated to the ward administrators")}
        )
    for action in report.actions.select_related("by"):
        events.append({"at": action.at, "what": _("Action"), "by": action.by, "note": action.note})
    if report.closed_at:
        events.append(
            {
                "at": report.closed_at,
                "what": pgettext("concern report", "Closed"),
                "by": report.closed_by,
                "note": report.outcome,
            }
        )
    return sorted(events, key=lambda e: e["at"])


def _person_matches(request: HttpRequest, report: ConcernReport) -> list[Person] | None:
    term = request.GET.get("person_search", "").strip()[:100]
    if not term:
        return None
    people = Person.objects.for_user(request.user).filter(municipality_id=report.municipality_id)
    return list(
        people.filter(
            Q(name__icontains=term) | Q(name_kana__icontains=term) | Q(address__icontains=term)
        )
        .select_related("town")
        .order_by("name_kana", "name", "id")[:PERSON_MATCHES]
    )


def _detail_context(request: HttpRequest, report: ConcernReport, **forms: Any) -> dict[str, Any]:
    now = timezone.now()
    handler = concerns.handles(request.user, report)
    # The linked person is shown only to whoever may see them.
    person = None
    if handler and report.person_id:
        person = Person.objects.for_user(request.user).filter(pk=report.person_id).first()
    context: dict[str, Any] = {
        "report": report,
        "handler": handler,
        "person": person,
        "overdue": report.status in concerns.OPEN_STATUSES
        and ConcernReport.objects.filter(pk=report.pk).filter(concerns.overdue_q(now)).exists(),
        "is_open": report.status != ReportStatus.CLOSED,
    }
    if handler:
        context.update(
            {
                "timeline": _timeline(report),
                "action_form": forms.get("action_form") or ActionForm(),
                "close_form": forms.get("close_form") or CloseForm(),
                "person_search": request.GET.get("person_search", ""),
                "person_matches": _person_matches(request, report),
                "link_error": forms.get("link_error"),
            }
        )
    return context


def _load(request: HttpRequest, pk: int) -> ConcernReport:
    return get_object_or_404(
        ConcernReport.objects.for_user(request.user).select_related(
            "district", "town", "reporter_organisation", "acknowledged_by", "closed_by"
        ),
        pk=pk,
    )


@staff_view("care.file_concern")
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _load(request, pk)
    context = _detail_context(request, report)
    if context["handler"]:
        return render(request, "care/concern_detail.html", context)
    # A reporter who does not handle the report sees its status, never the person or notes.
    return render(request, "care/concern_status.html", context)


def _handled(request: HttpRequest, pk: int) -> ConcernReport:
    report = _load(request, pk)
    if not _detail_context(request, report)["handler"]:
        raise Http404
    return report


def _rerender(request: HttpRequest, report: ConcernReport, **forms: Any) -> HttpResponse:
    return render(
        request, "care/concern_detail.html", _detail_context(request, report, **forms), status=400
    )


@staff_view("care.handle_concerns")
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    report = _handled(request, pk)
    try:
        concerns.acknowledge(request.user, report, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The report was acknowledged."))
    return redirect("care_concerns:detail", pk=report.pk)


@staff_view("care.handle_concerns")
@require_POST
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    report = _handled(request, pk)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            concerns.add_action(request.user, report, form.cleaned_data["note"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The action was recorded."))
            return redirect("care_concerns:detail", pk=report.pk)
    return _rerender(request, report, action_form=form)


@staff_view("care.handle_concerns")
@require_POST
def link_person(request: HttpRequest, pk: int) -> HttpResponse:
    report = _handled(request, pk)
    form = LinkPersonForm(request.POST)
    if not form.is_valid():
        return _rerender(request, report, link_error=_("Choose a person from the search results."))
    person = get_object_or_404(
        Person.objects.for_user(request.user), pk=form.cleaned_data["person"]
    )
    try:
        concerns.link_person(request.user, report, person, request=request)
    except Person.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        return _rerender(request, report, link_error=" ".join(exc.messages))
    messages.success(request, _("The report was linked to the person."))
    return redirect("care_concerns:detail", pk=report.pk)


@staff_view("care.handle_concerns")
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    report = _handled(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            concerns.close(request.user, report, form.cleaned_data["outcome"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The report was closed with its outcome."))
            return redirect("care_concerns:detail", pk=report.pk)
    return _rerender(request, report, close_form=form)
