"""The public call page and the online application form (no log-in).

A group starts an application on an open round; saving it makes a draft reachable only through
a private resume link (an unguessable token; only its hash is stored). Through that link the
group edits the draft, attaches files and submits it. Bad input answers 400 with every error
and saves nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ainet.core import ratelimit
from ainet.core.dates import today_tokyo
from ainet.grants import services
from ainet.grants.forms import (
    EMPTY_BUDGET_ROWS,
    ApplicationForm,
    AttachmentForm,
    BudgetFormSet,
    budget_items,
)
from ainet.grants.models import Application, ApplicationStatus, Round
from ainet.grants.uploads import check_upload


def _open_rounds() -> Any:
    return (
        Round.objects.open_on(today_tokyo())
        .select_related("programme__municipality", "programme__owner_organisation")
        .order_by("closes_on", "pk")
    )


@require_GET
def calls(request: HttpRequest) -> HttpResponse:
    today = today_tokyo()
    upcoming = (
        Round.objects.filter(is_published=True, opens_on__gt=today)
        .select_related("programme__municipality")
        .order_by("opens_on")
    )
    return render(
        request, "grants/public/calls.html", {"rounds": _open_rounds(), "upcoming": upcoming}
    )


def _published_round(pk: int) -> Round:
    return get_object_or_404(
        Round.objects.filter(is_published=True).select_related(
            "programme__municipality", "programme__owner_organisation"
        ),
        pk=pk,
    )


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _published_round(pk)
    return render(
        request,
        "grants/public/round_detail.html",
        {
            "round": round_,
            "is_open": round_.is_open_on(today_tokyo()),
            "criteria": round_.criteria.all(),
        },
    )


def _budget_formset(request: HttpRequest, application: Application | None) -> Any:
    if request.method == "POST":
        return BudgetFormSet(request.POST, prefix="budget")
    lines = application.budget_lines.all() if application else []
    initial = [{"item": line.item, "amount_yen": line.amount_yen} for line in lines]
    # A few empty rows, so a group can add lines without script.
    return BudgetFormSet(initial=initial + [{}] * EMPTY_BUDGET_ROWS, prefix="budget")


def _form_page(
    request: HttpRequest,
    round_: Round,
    form: ApplicationForm,
    budget: Any,
    *,
    application: Application | None = None,
    token: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "grants/public/application_form.html",
        {
            "round": round_,
            "form": form,
            "budget": budget,
            "application": application,
            "token": token,
            "attachment_form": AttachmentForm(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@ratelimit.limit_posts("grant")
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _published_round(pk)
    if not round_.is_open_on(today_tokyo()):
        return render(request, "grants/public/round_closed.html", {"round": round_}, status=410)
    form = ApplicationForm(request.POST or None, round_=round_)
    budget = _budget_formset(request, None)
    if request.method == "POST":
        if form.is_valid() and budget.is_valid():
            try:
                # Submitting at once: the draft and its submission stand or fall together.
                with transaction.atomic():
                    application, token = services.start_application(
                        round_, lines=budget_items(budget), **form.cleaned_data
                    )
                    if request.POST.get("action") == "submit":
                        services.save_application(
                            application,
                            lines=budget_items(budget),
                            submit=True,
                            **form.cleaned_data,
                        )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _saved(request, application, token)
        return _form_page(request, round_, form, budget, status=400)
    return _form_page(request, round_, form, budget)


def _saved(request: HttpRequest, application: Application, token: str) -> HttpResponse:
    application.refresh_from_db()
    if application.status == ApplicationStatus.SUBMITTED:
        messages.success(request, _("Your application was submitted. Thank you."))
    else:
        messages.success(
            request,
            _(
                "Your draft was saved. Keep the private link on this page: it is the only way "
                "back to the draft."
            ),
        )
    return redirect("grants_public:application", token=token)


def _by_token(token: str) -> Application:
    application = services.application_for_token(token)
    if application is None:
        raise Http404
    return application


@require_http_methods(["GET", "POST"])
@ratelimit.limit_posts("grant")
def application(request: HttpRequest, token: str) -> HttpResponse:
    app = _by_token(token)
    round_ = app.round
    resume_url = request.build_absolute_uri(reverse("grants_public:application", args=[token]))
    editable = app.status == ApplicationStatus.DRAFT and round_.is_open_on(today_tokyo())
    if not editable:
        if request.method == "POST":
            return render(
                request,
                "grants/public/application_view.html",
                {
                    "application": app,
                    "resume_url": resume_url,
                    "error": _("This application can no longer be changed."),
                },
                status=400,
            )
        return render(
            request,
            "grants/public/application_view.html",
            {"application": app, "resume_url": resume_url},
        )
    if request.method == "POST":
        form = ApplicationForm(request.POST, round_=round_)
        budget = _budget_formset(request, app)
        if form.is_valid() and budget.is_valid():
            try:
                services.save_application(
                    app,
                    lines=budget_items(budget),
                    submit=request.POST.get("action") == "submit",
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _saved(request, app, token)
        page = _form_page(request, round_, form, budget, application=app, token=token, status=400)
        return page
    initial = {name: getattr(app, name) for name in services.APPLICATION_FIELDS}
    form = ApplicationForm(initial=initial, round_=round_)
    return render(
        request,
        "grants/public/application_form.html",
        {
            "round": round_,
            "form": form,
            "budget": _budget_formset(request, app),
            "application": app,
            "token": token,
            "resume_url": resume_url,
            "attachment_form": AttachmentForm(),
        },
    )


@require_POST
@ratelimit.limit_posts("grant")
def attachment_add(request: HttpRequest, token: str) -> HttpResponse:
    app = _by_token(token)
    form = AttachmentForm(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        try:
            checked = check_upload(form.cleaned_data["file"])
            services.add_attachment(app, checked)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The file was attached."))
            return redirect("grants_public:application", token=token)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return render(
        request,
        "grants/public/attachment_refused.html",
        {"error": error, "token": token, "application": app},
        status=400,
    )


@require_POST
@ratelimit.limit_posts("grant")
def attachment_remove(request: HttpRequest, token: str, attachment_pk: int) -> HttpResponse:
    app = _by_token(token)
    attachment = get_object_or_404(app.attachments.all(), pk=attachment_pk)
    try:
        services.remove_attachment(app, attachment)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("The file was removed."))
    return redirect("grants_public:application", token=token)
