"""Staff pages of the grants app: the coordinator's list, programmes and rounds, applications,
reviews, decision meetings and letters, funded projects (payments, reports, advisors) and the
donation fund with its ledger and annual statement.

Thin views: parse, authorise (`staff_view`, then scoped querysets so another district's record
is a 404), call a service, render. Bad input answers 400 with the form's errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ainet.core import access, audit
from ainet.core.csvio import csv_response
from ainet.core.dates import fiscal_year, format_fiscal_year, today_tokyo
from ainet.core.guards import staff_view
from ainet.core.models import Municipality
from ainet.core.pdf import PdfUnavailable
from ainet.grants import documents, ledger, services
from ainet.grants.forms import (
    ConflictForm,
    CriterionForm,
    DecisionForm,
    DispatchForm,
    DonationForm,
    FundForm,
    MeetingForm,
    PaymentForm,
    ProgrammeForm,
    ReportForm,
    ReverseForm,
    ReviewerForm,
    RoundForm,
    ScoreForm,
    StatementForm,
)
from ainet.grants.models import (
    Application,
    ApplicationStatus,
    Attachment,
    Decision,
    DecisionMeeting,
    Fund,
    FundedProject,
    LedgerEntry,
    Payment,
    Programme,
    Review,
    Round,
)
from ainet.grants.uploads import check_upload


def _home_municipality(request: HttpRequest) -> Municipality:
    municipalities = Municipality.objects.filter(access.municipality_q(request.user, "pk"))
    own_id: int | None = getattr(request.user, "municipality_id", None)
    chosen = (municipalities.filter(pk=own_id).first() if own_id else None) or (
        municipalities.order_by("code").first()
    )
    if chosen is None:
        raise PermissionDenied
    return chosen


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form; keys the form lacks become form errors."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _projects(user: Any) -> QuerySet[FundedProject]:
    return (
        FundedProject.objects.for_user(user)
        .select_related("programme", "district", "application")
        .prefetch_related(
            "reports",
            Prefetch("payments", queryset=Payment.objects.select_related("entry__reversal")),
        )
    )


# --- The coordinator's list -----------------------------------------------------------------


@staff_view("grants.view")
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = today_tokyo()
    show = request.GET.get("show", "")
    # Projects still being followed: a report is due or not yet in (older history excluded).
    projects = _projects(user).filter(
        Q(interim_report_due__isnull=False) | Q(final_report_due__isnull=False)
    )
    states = services.project_states(projects, today)
    if show == "overdue":
        states = [s for s in states if s.overdue]
    rounds = Round.objects.for_user(user).select_related("programme").order_by("-closes_on")[:20]
    submitted = Application.objects.for_user(user).filter(status=ApplicationStatus.SUBMITTED)
    return render(
        request,
        "grants/home.html",
        {
            "states": states,
            "overdue_count": sum(1 for s in services.project_states(projects, today) if s.overdue),
            "show": show,
            "rounds": rounds,
            "today": today,
            "submitted_count": submitted.count(),
            "can_fund": access.can(user, "grants.fund"),
            "can_review": access.can(user, "grants.review"),
            "funded_total": FundedProject.objects.for_user(user).count(),
        },
    )


# --- Programmes -----------------------------------------------------------------------------


@staff_view("grants.view")
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = (
        Programme.objects.for_user(request.user)
        .select_related("owner_organisation", "fund")
        .order_by("-first_fy", "code")
    )
    return render(
        request,
        "grants/programme_list.html",
        {"programmes": programmes, "can_manage": access.can(request.user, "grants.manage")},
    )


@staff_view("grants.manage")
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    municipality = _home_municipality(request)
    form = ProgrammeForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(request.user, municipality, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        except PermissionDenied:
            form.add_error(
                "owner_organisation", _("You cannot run programmes of this organisation.")
            )
        else:
            messages.success(request, _("The programme was created."))
            return redirect("grants:programme_detail", pk=programme.pk)
    return render(
        request,
        "grants/form_page.html",
        {"form": form, "title": _("New grant programme"), "button": _("Create the programme")},
        status=400 if form.errors else 200,
    )


def _programme(request: HttpRequest, pk: int) -> Programme:
    return get_object_or_404(
        Programme.objects.for_user(request.user).select_related("owner_organisation", "fund"),
        pk=pk,
    )


@staff_view("grants.view")
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    rounds = programme.rounds.order_by("-opens_on")
    visible = FundedProject.objects.for_user(request.user).filter(programme=programme)
    return render(
        request,
        "grants/programme_detail.html",
        {
            "programme": programme,
            "rounds": rounds,
            "project_count": visible.count(),
            "can_manage": services.may_manage_programme(request.user, programme),
        },
    )


@staff_view("grants.manage")
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    if not services.may_manage_programme(request.user, programme):
        raise PermissionDenied
    initial = {
        f: getattr(programme, f)
        for f in ("name", "name_en", "purpose", "eligibility", "first_fy", "last_fy", "fund")
    }
    form = ProgrammeForm(
        request.POST or None,
        initial=initial,
        municipality=programme.municipality,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_programme(request.user, programme, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The programme was saved."))
            return redirect("grants:programme_detail", pk=programme.pk)
    return render(
        request,
        "grants/form_page.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": programme.name},
            "button": _("Save"),
            "back": programme,
        },
        status=400 if form.errors else 200,
    )


# --- Rounds ---------------------------------------------------------------------------------


@staff_view("grants.manage")
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    if not services.may_manage_programme(request.user, programme):
        raise PermissionDenied
    form = RoundForm(request.POST or None, initial={"fiscal_year": fiscal_year(today_tokyo())})
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.create_round(request.user, programme, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The round was created. Add its review criteria."))
            return redirect("grants:round_detail", pk=round_.pk)
    return render(
        request,
        "grants/form_page.html",
        {
            "form": form,
            "title": _("New round of %(name)s") % {"name": programme.name},
            "button": _("Create the round"),
            "back": programme,
        },
        status=400 if form.errors else 200,
    )


def _round(request: HttpRequest, pk: int) -> Round:
    return get_object_or_404(
        Round.objects.for_user(request.user).select_related("programme__owner_organisation"),
        pk=pk,
    )


def _round_page(
    request: HttpRequest, round_: Round, status: int = 200, **forms: Any
) -> HttpResponse:
    applications = (
        Application.objects.for_user(request.user)
        .filter(round=round_)
        .select_related("district", "decision")
        .prefetch_related("conflicts", "reviews__scores")
    )
    can_manage = services.may_manage_programme(request.user, round_.programme)
    context = {
        "round": round_,
        "criteria": round_.criteria.all(),
        "reviewers": round_.reviewers.select_related("reviewer"),
        "rankings": services.rankings(applications),
        "meetings": round_.meetings.all(),
        "drafts": round_.applications.filter(status=ApplicationStatus.DRAFT).count(),
        "can_manage": can_manage,
        "is_open": round_.is_open_on(today_tokyo()),
        "criterion_form": forms.get("criterion_form") or CriterionForm(),
        "reviewer_form": forms.get("reviewer_form")
        or ReviewerForm(candidates=services.reviewer_candidates(round_)),
    }
    return render(request, "grants/round_detail.html", context, status=status)


@staff_view("grants.view")
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, _round(request, pk))


@staff_view("grants.manage")
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if not services.may_manage_programme(request.user, round_.programme):
        raise PermissionDenied
    initial = {f: getattr(round_, f) for f in services.ROUND_FIELDS}
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_round(request.user, round_, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("grants:round_detail", pk=round_.pk)
    return render(
        request,
        "grants/form_page.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": round_}, "button": _("Save")},
        status=400 if form.errors else 200,
    )


@staff_view("grants.manage")
@require_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    form = CriterionForm(request.POST)
    if form.is_valid():
        try:
            services.add_criterion(request.user, round_, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The criterion was added."))
            return redirect("grants:round_detail", pk=round_.pk)
    return _round_page(request, round_, status=400, criterion_form=form)


@staff_view("grants.manage")
@require_POST
def reviewer_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    form = ReviewerForm(request.POST, candidates=services.reviewer_candidates(round_))
    if form.is_valid():
        try:
            services.assign_reviewer(request.user, round_, form.cleaned_data["reviewer"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The reviewer was assigned."))
            return redirect("grants:round_detail", pk=round_.pk)
    return _round_page(request, round_, status=400, reviewer_form=form)


# --- Applications (staff) -------------------------------------------------------------------


def _application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.for_user(request.user).select_related(
            "round__programme", "district", "pillar"
        ),
        pk=pk,
    )


# Staff never see drafts (Application.objects.for_user leaves them out), so they are no filter.
LISTED_STATUSES = [
    (value, label) for value, label in ApplicationStatus.choices if value != ApplicationStatus.DRAFT
]
APPLICATIONS_PER_PAGE = 50


@staff_view("grants.view")
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """Every application the user may see, newest first; ?status= narrows it (the home page's
    "waiting for a decision" card links to ?status=submitted)."""
    status = request.GET.get("status", "")
    applications = (
        Application.objects.for_user(request.user)
        .select_related("round__programme", "district")
        .order_by("-submitted_at", "-pk")
    )
    context: dict[str, Any] = {"status": status, "statuses": LISTED_STATUSES}
    if status and status not in dict(LISTED_STATUSES):
        context.update(page=None, error=_("Choose a status from the list."))
        return render(request, "grants/application_list.html", context, status=400)
    if status:
        applications = applications.filter(status=status)
    context["page"] = Paginator(applications, APPLICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "grants/application_list.html", context)


@staff_view("grants.view")
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    audit.record(
        request.user,
        audit.Action.VIEW,
        obj=application,
        municipality=application.municipality,
        request=request,
    )
    decision = Decision.objects.filter(application=application).select_related("meeting").first()
    conflicted = set(application.conflicts.values_list("reviewer_id", flat=True))
    reviews = [
        r
        for r in application.reviews.select_related("reviewer").prefetch_related(
            "scores__criterion"
        )
        if r.reviewer_id not in conflicted
    ]
    return render(
        request,
        "grants/application_detail.html",
        {
            "application": application,
            "lines": application.budget_lines.all(),
            "attachments": application.attachments.defer("data"),
            "reviews": reviews,
            "conflict_count": len(conflicted),
            "decision": decision,
            "project": FundedProject.objects.filter(application=application).first(),
        },
    )


@staff_view()
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("report__project"), pk=pk)
    if attachment.application_id is not None:
        visible = Application.objects.for_user(request.user) | Application.objects.for_reviewer(
            request.user
        )
        if not visible.filter(pk=attachment.application_id).exists():
            raise Http404
        municipality = attachment.application.municipality  # type: ignore[union-attr]
    else:
        report = attachment.report
        if report is None:
            raise Http404
        project = report.project
        if not FundedProject.objects.for_user(request.user).filter(pk=project.pk).exists():
            raise Http404
        municipality = project.programme.municipality
    audit.record(
        request.user,
        audit.Action.EXPORT,
        obj=attachment,
        municipality=municipality,
        request=request,
    )
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    extension = attachment.filename.rsplit(".", 1)[-1]
    response["Content-Disposition"] = (
        f'attachment; filename="attachment-{attachment.pk}.{extension}"'
    )
    return response


# --- Review ---------------------------------------------------------------------------------


@staff_view("grants.review")
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    applications = (
        Application.objects.for_reviewer(user)
        .select_related("round__programme", "district")
        .order_by("round", "pk")
    )
    mine = set(Review.objects.filter(reviewer_id=user.pk).values_list("application_id", flat=True))
    return render(
        request,
        "grants/review_list.html",
        {
            "rows": [(a, a.pk in mine) for a in applications],
            "rounds": Round.objects.filter(reviewers__reviewer_id=user.pk).select_related(
                "programme"
            ),
        },
    )


def _reviewable(request: HttpRequest, pk: int) -> Application:
    """404 outside the reviewer's rounds and after a declared conflict of interest."""
    return get_object_or_404(
        Application.objects.for_reviewer(request.user).select_related(
            "round__programme", "district", "pillar"
        ),
        pk=pk,
    )


@staff_view("grants.review")
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    application = _reviewable(request, pk)
    criteria = list(application.round.criteria.all())
    existing = Review.objects.filter(application=application, reviewer_id=request.user.pk).first()
    initial: dict[str, Any] = {}
    if existing:
        initial = {f"criterion_{s.criterion_id}": s.score for s in existing.scores.all()}
        initial["comment"] = existing.comment
    form = ScoreForm(request.POST or None, initial=initial, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_application(
                request.user,
                application,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Your scores were saved."))
            return redirect("grants:review_list")
    audit.record(
        request.user,
        audit.Action.VIEW,
        obj=application,
        municipality=application.municipality,
        request=request,
    )
    return render(
        request,
        "grants/review.html",
        {
            "application": application,
            "lines": application.budget_lines.all(),
            "attachments": application.attachments.defer("data"),
            "form": form,
            "conflict_form": ConflictForm(),
            "existing": existing,
        },
        status=400 if form.errors else 200,
    )


@staff_view("grants.review")
@require_POST
def conflict_declare(request: HttpRequest, pk: int) -> HttpResponse:
    application = _reviewable(request, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        services.declare_conflict(request.user, application, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("Your conflict of interest was recorded; the application is no longer shown to you."),
        )
        return redirect("grants:review_list")
    return render(
        request,
        "grants/review.html",
        {
            "application": application,
            "lines": application.budget_lines.all(),
            "attachments": application.attachments.defer("data"),
            "form": ScoreForm(criteria=list(application.round.criteria.all())),
            "conflict_form": form,
        },
        status=400,
    )


# --- Decision meetings and letters --------------------------------------------------------


@staff_view("grants.manage")
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if not services.may_manage_programme(request.user, round_.programme):
        raise PermissionDenied
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.create_meeting(request.user, round_, **form.cleaned_data)
        messages.success(request, _("The meeting was recorded. Record its decisions."))
        return redirect("grants:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "grants/form_page.html",
        {
            "form": form,
            "title": _("Decision meeting of %(name)s") % {"name": round_},
            "button": _("Record the meeting"),
        },
        status=400 if form.errors else 200,
    )


def _meeting(request: HttpRequest, pk: int) -> DecisionMeeting:
    return get_object_or_404(
        DecisionMeeting.objects.filter(
            access.municipality_q(request.user, "round__programme__municipality_id")
        ).select_related("round__programme"),
        pk=pk,
    )


def _meeting_page(
    request: HttpRequest, meeting: DecisionMeeting, *, errors: dict[int, Any] | None = None
) -> HttpResponse:
    applications = (
        Application.objects.for_user(request.user)
        .filter(round=meeting.round)
        .select_related("district", "decision")
        .prefetch_related("conflicts", "reviews__scores")
    )
    rows = []
    for ranking in services.rankings(applications):
        app = ranking.application
        form = (errors or {}).get(app.pk) or DecisionForm(
            prefix=f"a{app.pk}", initial={"amount_yen": app.requested_yen}
        )
        rows.append({"ranking": ranking, "form": form})
    return render(
        request,
        "grants/meeting_detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "can_manage": services.may_manage_programme(request.user, meeting.round.programme),
        },
        status=400 if errors else 200,
    )


@staff_view("grants.view")
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _meeting(request, pk))


@staff_view("grants.manage")
@require_POST
def decision_record(request: HttpRequest, pk: int, application_pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    application = _application(request, application_pk)
    form = DecisionForm(request.POST, prefix=f"a{application.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_decision(
                request.user,
                meeting,
                application,
                outcome=data["outcome"],
                reason=data["reason"],
                amount_yen=data["amount_yen"] or 0,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The decision was recorded. Its letter can be printed."))
            return redirect("grants:meeting_detail", pk=meeting.pk)
    return _meeting_page(request, meeting, errors={application.pk: form})


@staff_view("grants.view")
@require_GET
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(
        Decision.objects.filter(
            application__in=Application.objects.for_user(request.user)
        ).select_related("application__round__programme__owner_organisation", "meeting"),
        pk=pk,
    )
    try:
        pdf = documents.decision_letter(decision)
    except PdfUnavailable as exc:
        return render(request, "grants/pdf_unavailable.html", {"reason": str(exc)}, status=503)
    audit.record(
        request.user,
        audit.Action.PRINT,
        obj=decision,
        municipality=decision.application.municipality,
        request=request,
        details={"document": "letter", "bytes": len(pdf.data)},
    )
    response = HttpResponse(pdf.data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{documents.letter_filename(decision)}"'
    return response


# --- Funded projects ------------------------------------------------------------------------


def _project(request: HttpRequest, pk: int) -> FundedProject:
    return get_object_or_404(_projects(request.user), pk=pk)


def _project_page(
    request: HttpRequest, project: FundedProject, status: int = 200, **forms: Any
) -> HttpResponse:
    state = services.project_states([project], today_tokyo())[0]
    return render(
        request,
        "grants/project_detail.html",
        {
            "project": project,
            "state": state,
            "payments": project.payments.select_related("entry"),
            "reports": project.reports.prefetch_related(
                Prefetch("receipts", queryset=Attachment.objects.defer("data"))
            ),
            "dispatches": project.advisor_dispatches.all(),
            "can_manage": services.may_manage_programme(request.user, project.programme),
            "payment_form": forms.get("payment_form") or PaymentForm(),
            "report_form": forms.get("report_form") or ReportForm(),
            "dispatch_form": forms.get("dispatch_form") or DispatchForm(),
            "left": project.amount_yen - state.paid,
        },
        status=status,
    )


@staff_view("grants.view")
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_page(request, _project(request, pk))


@staff_view("grants.manage")
@require_POST
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.record_payment(request.user, project, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect("grants:project_detail", pk=project.pk)
    return _project_page(request, project, status=400, payment_form=form)


@staff_view("grants.manage")
@require_POST
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            receipts = [check_upload(f, "receipts") for f in data.pop("receipts")]
            services.record_report(request.user, project, receipts=receipts, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The report was recorded."))
            return redirect("grants:project_detail", pk=project.pk)
    return _project_page(request, project, status=400, report_form=form)


@staff_view("grants.manage")
@require_POST
def dispatch_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = DispatchForm(request.POST)
    if form.is_valid():
        services.record_dispatch(request.user, project, **form.cleaned_data)
        messages.success(request, _("The advisor's visit was recorded."))
        return redirect("grants:project_detail", pk=project.pk)
    return _project_page(request, project, status=400, dispatch_form=form)


# --- The donation fund ----------------------------------------------------------------------


@staff_view("grants.fund")
@require_GET
def fund_list(request: HttpRequest) -> HttpResponse:
    funds = Fund.objects.for_user(request.user).select_related("owner_organisation")
    return render(
        request,
        "grants/fund_list.html",
        {"rows": [(f, ledger.balance(f)) for f in funds]},
    )


@staff_view("grants.fund")
@require_http_methods(["GET", "POST"])
def fund_create(request: HttpRequest) -> HttpResponse:
    municipality = _home_municipality(request)
    form = FundForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            fund = services.create_fund(request.user, municipality, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The fund was created."))
            return redirect("grants:fund_detail", pk=fund.pk)
    return render(
        request,
        "grants/form_page.html",
        {"form": form, "title": _("New fund"), "button": _("Create the fund")},
        status=400 if form.errors else 200,
    )


def _fund(request: HttpRequest, pk: int) -> Fund:
    return get_object_or_404(Fund.objects.for_user(request.user), pk=pk)


def _fund_page(request: HttpRequest, fund: Fund, status: int = 200, **forms: Any) -> HttpResponse:
    entries = (
        LedgerEntry.objects.posted()
        .filter(fund=fund)
        .select_related("reverses", "reversal")
        .prefetch_related("lines")
        .order_by("-number")[:200]
    )
    fy = fiscal_year(today_tokyo())
    return render(
        request,
        "grants/fund_detail.html",
        {
            "fund": fund,
            "balance": ledger.balance(fund),
            "entries": entries,
            "donation_form": forms.get("donation_form") or DonationForm(),
            "reverse_error": forms.get("reverse_error"),
            "statement_form": StatementForm(initial={"fy": fy}),
            "programmes": fund.programmes.all(),
        },
        status=status,
    )


@staff_view("grants.fund")
@require_GET
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _fund_page(request, _fund(request, pk))


@staff_view("grants.fund")
@require_POST
def donation_add(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    form = DonationForm(request.POST)
    if form.is_valid():
        try:
            services.record_donation(request.user, fund, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The donation was posted to the ledger."))
            return redirect("grants:fund_detail", pk=fund.pk)
    return _fund_page(request, fund, status=400, donation_form=form)


@staff_view("grants.fund")
@require_POST
def entry_reverse(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    entry = get_object_or_404(LedgerEntry.objects.filter(fund=fund), pk=entry_pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            services.reverse_entry(request.user, entry, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            return _fund_page(request, fund, status=400, reverse_error=" ".join(exc.messages))
        messages.success(request, _("The reversal was posted."))
        return redirect("grants:fund_detail", pk=fund.pk)
    return _fund_page(request, fund, status=400, reverse_error=_("Say why the entry is reversed."))


@staff_view("grants.fund")
@require_GET
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(request, pk)
    form = StatementForm(request.GET or {"fy": fiscal_year(today_tokyo())})
    if not form.is_valid():
        return render(request, "grants/statement.html", {"fund": fund, "form": form}, status=400)
    fy = form.cleaned_data["fy"]
    result = ledger.statement(fund, fy)
    output = form.cleaned_data.get("format") or "html"
    if output == "csv":
        encoding = form.cleaned_data.get("encoding") or "utf-8"
        audit.record(
            request.user,
            audit.Action.EXPORT,
            obj=fund,
            municipality=fund.municipality,
            request=request,
            details={"statement": fy, "format": "csv"},
        )
        return csv_response(
            f"fund-{fund.code}-FY{fy}.csv",
            documents.STATEMENT_CSV_HEADER,
            documents.statement_rows(result),
            encoding,
        )
    if output == "pdf":
        try:
            pdf = documents.statement_pdf(result)
        except PdfUnavailable as exc:
            return render(request, "grants/pdf_unavailable.html", {"reason": str(exc)}, status=503)
        audit.record(
            request.user,
            audit.Action.PRINT,
            obj=fund,
            municipality=fund.municipality,
            request=request,
            details={"statement": fy, "format": "pdf"},
        )
        response = HttpResponse(pdf.data, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="{documents.statement_filename(result)}"'
        )
        return response
    return render(
        request,
        "grants/statement.html",
        {"fund": fund, "form": form, "s": result, "fy_label": format_fiscal_year(fy)},
    )
