"""Staff pages of the disaster app's plans side (namespace `disaster`, /staff/disaster/):
the evacuation-help list and its prints, individual evacuation plans with history and
prints, supporter assignment, shelters, and disaster-mode declarations.

Thin views: authorise (`staff_view`), read through scoped querysets (another district's
person is a 404), call a service, render. Every print and export is audited; every person a
page shows only because of disaster mode is audited as an unlock."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ainet.care.models import DisasterDeclaration, Person, Supporter
from ainet.core import access, audit
from ainet.core.csvio import csv_response
from ainet.core.dates import today_tokyo
from ainet.core.guards import staff_view
from ainet.core.models import District, Municipality
from ainet.disaster import evaclist, printing, proposals, services
from ainet.disaster.forms import DeclareForm, ListFilterForm, PlanForm, ProposalForm
from ainet.disaster.models import EvacuationPlan
from ainet.disaster.shelters import shelter_map, shelter_rows

# --- Helpers ----------------------------------------------------------------------------------


def _home_municipality(request: HttpRequest) -> Municipality:
    """The user's own municipality if they hold a role there, else the first they do."""
    municipalities = Municipality.objects.filter(access.municipality_q(request.user, "pk"))
    own_id = getattr(request.user, "municipality_id", None)
    chosen = (municipalities.filter(pk=own_id).first() if own_id else None) or (
        municipalities.order_by("pk").first()
    )
    if chosen is None:
        raise PermissionDenied
    return chosen


def _caps(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {
        "view_list": access.can(user, "disaster.view_list"),
        "manage_plans": access.can(user, "disaster.manage_plans"),
        "declare": access.can(user, "disaster.declare"),
    }


def _person(request: HttpRequest, pk: int) -> tuple[Person, access.PersonAccess]:
    person = get_object_or_404(
        Person.objects.for_user(request.user).select_related("district", "town"), pk=pk
    )
    seen = access.person_access(request.user, person)
    if seen is None:  # pragma: no cover - person_q and person_access agree
        raise Http404
    return person, seen


def _audit_person_unlock(
    request: HttpRequest, person: Person, seen: access.PersonAccess, page: str
) -> None:
    if seen.via_disaster_mode:
        evaclist.audit_unlocks(request.user, [person], page=page, request=request)


def _plan_of(person: Person) -> EvacuationPlan | None:
    return (
        EvacuationPlan.objects.filter(person=person)
        .select_related(
            "primary_supporter", "backup_supporter", "destination_facility", "updated_by"
        )
        .first()
    )


def _filtered_rows(
    request: HttpRequest,
) -> tuple[ListFilterForm, list[evaclist.Row], dict[str, Any]]:
    user = request.user
    districts = District.objects.for_user(user).order_by("sort_order", "code")
    associations = evaclist.associations_for(user)
    form = ListFilterForm(request.GET or None, districts=districts, associations=associations)
    district = association = None
    if form.is_valid():
        district = form.cleaned_data["district"]
        association = form.associations.get(form.cleaned_data["association"] or "")
    rows = evaclist.rows(user, district=district, association=association)
    return form, rows, {"district": district, "association": association}


def _group_by_district(rows: list[evaclist.Row]) -> list[tuple[Any, list[evaclist.Row]]]:
    groups: OrderedDict[Any, list[evaclist.Row]] = OrderedDict()
    for row in rows:
        groups.setdefault(row.person.district, []).append(row)
    return list(groups.items())


def _scope_label(selection: dict[str, Any]) -> str:
    if selection["association"] is not None:
        return str(selection["association"].name)
    if selection["district"] is not None:
        return str(selection["district"].name)
    return _("All districts you may see")


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "disaster/print_unavailable.html", status=503)


# --- Overview ---------------------------------------------------------------------------------


@require_GET
@staff_view("disaster.view_list")
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    in_force = list(
        DisasterDeclaration.objects.in_force()
        .filter(access.municipality_q(user))
        .prefetch_related("districts")
    )
    plans = EvacuationPlan.objects.for_user(user)
    return render(
        request,
        "disaster/home.html",
        {
            "caps": _caps(request),
            "in_force": in_force,
            "plan_count": plans.count(),
            "draft_count": plans.filter(status="draft").count(),
        },
    )


# --- The evacuation-help list -----------------------------------------------------------------


@require_GET
@staff_view("disaster.view_list")
def evacuation_list(request: HttpRequest) -> HttpResponse:
    form, rows, selection = _filtered_rows(request)
    evaclist.audit_unlocks(
        request.user,
        [r.person for r in rows if r.unlocked],
        page="evacuation_list",
        request=request,
    )
    return render(
        request,
        "disaster/evacuation_list.html",
        {
            "caps": _caps(request),
            "form": form,
            "rows": rows,
            "query": request.GET.urlencode(),
            "scope_label": _scope_label(selection),
        },
    )


def _audit_output(
    request: HttpRequest,
    action: str,
    what: str,
    rows: list[evaclist.Row],
    selection: dict[str, Any],
) -> None:
    people = [r.person for r in rows]
    municipality = people[0].municipality if people else _home_municipality(request)
    audit.record(
        request.user,
        action,
        municipality=municipality,
        request=request,
        details={
            "report": what,
            "district": selection["district"].code if selection["district"] else None,
            "association": selection["association"].pk if selection["association"] else None,
            "people": sorted(p.pk for p in people),
        },
    )
    evaclist.audit_unlocks(
        request.user,
        [r.person for r in rows if r.unlocked],
        page=what,
        request=request,
        municipality=municipality,
    )


def _list_context(
    request: HttpRequest, rows: list[evaclist.Row], selection: dict[str, Any]
) -> dict[str, Any]:
    return {
        "groups": _group_by_district(rows),
        "scope_label": _scope_label(selection),
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
        "count": len(rows),
        "any_full": any(r.full for r in rows),
    }


@require_GET
@staff_view("disaster.view_list")
def evacuation_list_print(request: HttpRequest) -> HttpResponse:
    _form, rows, selection = _filtered_rows(request)
    _audit_output(request, audit.Action.PRINT, "evacuation_list_html", rows, selection)
    context = _list_context(request, rows, selection)
    context["query"] = request.GET.urlencode()
    return render(request, "disaster/evacuation_list_print.html", context)


@require_GET
@staff_view("disaster.view_list")
def evacuation_list_pdf(request: HttpRequest) -> HttpResponse:
    _form, rows, selection = _filtered_rows(request)
    try:
        pdf = printing.render_pdf(
            "disaster/print/evacuation_list.html", _list_context(request, rows, selection)
        )
    except printing.PrintUnavailable:
        return _unavailable(request)
    _audit_output(request, audit.Action.PRINT, "evacuation_list_pdf", rows, selection)
    stamp = today_tokyo().strftime("%Y%m%d")
    return _pdf_response(pdf, f"evacuation-list-{stamp}.pdf")


@require_GET
@staff_view("disaster.view_list")
def evacuation_list_csv(request: HttpRequest) -> HttpResponse:
    _form, rows, selection = _filtered_rows(request)
    _audit_output(request, audit.Action.EXPORT, "evacuation_list_csv", rows, selection)
    header = [
        _("District"),
        pgettext("person", "Name"),
        _("Furigana"),
        _("Address"),
        _("Phone"),
        _("Reason help is needed"),
        _("Legal basis"),
        _("Consent given on"),
        _("Removal requested on"),
        _("Primary supporter"),
        _("Backup supporter"),
        _("Destination"),
        _("Plan"),
    ]
    body = [
        [
            r.person.district.name if r.person.district else "",
            r.person.name,
            r.person.name_kana,
            f"{r.person.address} {r.person.address_detail}".strip(),
            r.person.phone,
            r.entry.reason,
            r.entry.get_basis_display(),
            r.entry.consent_on,
            r.entry.removal_requested_on,
            r.plan.primary_supporter.name if r.plan and r.plan.primary_supporter else "",
            r.plan.backup_supporter.name if r.plan and r.plan.backup_supporter else "",
            r.plan.destination if r.plan else "",
            r.plan.get_status_display() if r.plan else "",
        ]
        for r in rows
    ]
    stamp = today_tokyo().strftime("%Y%m%d")
    return csv_response(
        f"避難行動要支援者名簿-{stamp}.csv", header, body, request.GET.get("encoding", "utf-8")
    )


# --- Individual evacuation plans --------------------------------------------------------------


@require_GET
@staff_view("disaster.view_list")
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(
        EvacuationPlan.objects.for_user(request.user).select_related(
            "person__district", "primary_supporter", "backup_supporter", "destination_facility"
        )
    )
    status = request.GET.get("status", "")
    if status in ("draft", "agreed"):
        plans = [p for p in plans if p.status == status]
    unlocked_ids = set(
        Person.objects.filter(pk__in=[p.person_id for p in plans])
        .filter(evaclist.unlock_filter(request.user))
        .values_list("pk", flat=True)
    )
    evaclist.audit_unlocks(
        request.user,
        [p.person for p in plans if p.person_id in unlocked_ids],
        page="plan_list",
        request=request,
    )
    return render(
        request,
        "disaster/plan_list.html",
        {"caps": _caps(request), "plans": plans, "status": status},
    )


@require_GET
@staff_view("disaster.view_list")
def plan_detail(request: HttpRequest, person_pk: int) -> HttpResponse:
    person, seen = _person(request, person_pk)
    _audit_person_unlock(request, person, seen, "plan_detail")
    plan = _plan_of(person)
    return render(
        request,
        "disaster/plan_detail.html",
        {
            "caps": _caps(request),
            "person": person,
            "plan": plan,
            "show_care": seen.level >= access.FieldLevel.FULL,
            "via_disaster_mode": seen.via_disaster_mode,
            "entry": person.list_entries.filter(
                list_kind="evacuation", left_on__isnull=True
            ).first(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_view("disaster.manage_plans")
def plan_edit(request: HttpRequest, person_pk: int) -> HttpResponse:
    person, seen = _person(request, person_pk)
    _audit_person_unlock(request, person, seen, "plan_edit")
    plan = _plan_of(person)
    show_care = seen.level >= access.FieldLevel.FULL
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, user=request.user, person=person, show_care=show_care)
        if form.is_valid():
            try:
                services.save_plan(
                    request.user,
                    person,
                    form.to_input(plan),
                    change=form.cleaned_data["change"],
                    request=request,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The evacuation plan was saved."))
                return redirect("disaster:plan_detail", person_pk=person.pk)
        status = 400
    else:
        form = PlanForm(
            initial=PlanForm.initial_for(plan, person),
            user=request.user,
            person=person,
            show_care=show_care,
        )
    return render(
        request,
        "disaster/plan_form.html",
        {"caps": _caps(request), "person": person, "plan": plan, "form": form},
        status=status,
    )


@require_GET
@staff_view("disaster.view_list")
def plan_history(request: HttpRequest, person_pk: int) -> HttpResponse:
    person, seen = _person(request, person_pk)
    _audit_person_unlock(request, person, seen, "plan_history")
    plan = _plan_of(person)
    if plan is None:
        raise Http404
    versions = list(plan.versions.select_related("saved_by"))
    show_care = seen.level >= access.FieldLevel.FULL
    for v in versions:
        if not show_care:
            v.data = {k: val for k, val in v.data.items() if k != "care_needs"}
    return render(
        request,
        "disaster/plan_history.html",
        {
            "caps": _caps(request),
            "person": person,
            "plan": plan,
            "versions": versions,
            "show_care": show_care,
        },
    )


def _plan_print(request: HttpRequest, person_pk: int, supporter_pk: int | None) -> HttpResponse:
    person, seen = _person(request, person_pk)
    plan = _plan_of(person)
    if plan is None:
        raise Http404
    supporter: Supporter | None = None
    if supporter_pk is not None:
        supporter = next((s for s in plan.supporters if s.pk == supporter_pk), None)
        if supporter is None:
            raise Http404
    entry = person.list_entries.filter(list_kind="evacuation", left_on__isnull=True).first()
    context = {
        "person": person,
        "plan": plan,
        "entry": entry,
        "supporter": supporter,
        "show_care": seen.level >= access.FieldLevel.FULL,
        "printed_at": timezone.localtime(),
        "printed_by": request.user,
    }
    try:
        pdf = printing.render_pdf("disaster/print/plan.html", context)
    except printing.PrintUnavailable:
        return _unavailable(request)
    audit.record(
        request.user,
        audit.Action.PRINT,
        obj=plan,
        request=request,
        details={
            "report": "evacuation_plan",
            "for": "supporter" if supporter else "person",
            "supporter": supporter.pk if supporter else None,
            "version": plan.version,
        },
    )
    _audit_person_unlock(request, person, seen, "plan_print")
    suffix = f"-supporter-{supporter.pk}" if supporter else ""
    return _pdf_response(pdf, f"evacuation-plan-{person.pk}{suffix}.pdf")


@require_GET
@staff_view("disaster.view_list")
def plan_print(request: HttpRequest, person_pk: int) -> HttpResponse:
    return _plan_print(request, person_pk, None)


@require_GET
@staff_view("disaster.view_list")
def plan_print_supporter(request: HttpRequest, person_pk: int, supporter_pk: int) -> HttpResponse:
    return _plan_print(request, person_pk, supporter_pk)


# --- Supporter assignment ---------------------------------------------------------------------


@require_GET
@staff_view("disaster.manage_plans")
def proposal(request: HttpRequest) -> HttpResponse:
    form = ProposalForm(request.GET or None)
    result = None
    status = 200
    if request.GET and form.is_valid():
        result = proposals.build(
            request.user,
            _home_municipality(request),
            max_distance_m=form.cleaned_data["max_distance_m"] or proposals.DEFAULT_MAX_DISTANCE_M,
            replan=form.cleaned_data["replan"],
        )
        unlocked = set(
            Person.objects.filter(pk__in=[r.person.pk for r in result.rows])
            .filter(evaclist.unlock_filter(request.user))
            .values_list("pk", flat=True)
        )
        evaclist.audit_unlocks(
            request.user,
            [r.person for r in result.rows if r.person.pk in unlocked],
            page="proposal",
            request=request,
        )
    elif request.GET:
        status = 400
    return render(
        request,
        "disaster/proposal.html",
        {"caps": _caps(request), "form": form, "result": result},
        status=status,
    )


@staff_view("disaster.manage_plans")
@require_POST
def proposal_accept(request: HttpRequest) -> HttpResponse:
    pairs: list[tuple[int, int]] = []
    chosen = set(request.POST.getlist("person"))
    for value in request.POST.getlist("pair"):
        person_id, _sep, supporter_id = value.partition(":")
        if person_id in chosen and person_id.isdigit() and supporter_id.isdigit():
            pairs.append((int(person_id), int(supporter_id)))
    try:
        distance = int(request.POST.get("max_distance_m", proposals.DEFAULT_MAX_DISTANCE_M))
    except ValueError:
        distance = proposals.DEFAULT_MAX_DISTANCE_M
    distance = max(50, min(distance, proposals.MAX_DISTANCE_LIMIT_M))
    if not pairs:
        messages.error(request, _("Choose at least one person to accept."))
        return redirect("disaster:proposal")
    result = services.accept_assignments(
        request.user, _home_municipality(request), pairs, max_distance_m=distance, request=request
    )
    if result.created or result.updated:
        messages.success(
            request,
            _(
                "%(created)d draft plans created, %(updated)d re-planned. "
                "Record each person's consent to complete them."
            )
            % {"created": len(result.created), "updated": len(result.updated)},
        )
    if result.skipped:
        messages.warning(
            request,
            _(
                "%(count)d people were left out: the proposal was no longer valid for them. "
                "Run it again."
            )
            % {"count": len(result.skipped)},
        )
    return redirect("disaster:plan_list")


# --- Shelters ---------------------------------------------------------------------------------


@require_GET
@staff_view("disaster.view_list")
def shelters(request: HttpRequest) -> HttpResponse:
    municipality = _home_municipality(request)
    rows = shelter_rows(municipality)
    return render(
        request,
        "disaster/shelters.html",
        {"caps": _caps(request), "rows": rows, "map": shelter_map(municipality, rows)},
    )


# --- Disaster mode ----------------------------------------------------------------------------


@require_GET
@staff_view("disaster.view_list")
def declaration_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    declarations = list(
        DisasterDeclaration.objects.filter(access.municipality_q(request.user))
        .select_related("declared_by", "ended_by")
        .prefetch_related("districts")
        .order_by("-starts_at", "-id")[:200]
    )
    for d in declarations:
        d.state = (  # type: ignore[attr-defined]
            "ended"
            if d.ended_at is not None
            else (
                "expired"
                if d.expires_at <= now
                else ("in_force" if d.starts_at <= now else "future")
            )
        )
    return render(
        request,
        "disaster/declaration_list.html",
        {"caps": _caps(request), "declarations": declarations},
    )


@require_http_methods(["GET", "POST"])
@staff_view("disaster.declare")
def declare(request: HttpRequest) -> HttpResponse:
    municipality = _home_municipality(request)
    districts = District.objects.filter(municipality=municipality).order_by("sort_order", "code")
    status = 200
    if request.method == "POST":
        form = DeclareForm(request.POST, districts=districts)
        if form.is_valid():
            try:
                services.declare(
                    request.user,
                    municipality,
                    reason=form.cleaned_data["reason"],
                    districts=list(form.cleaned_data["districts"]),
                    duration=datetime.timedelta(hours=form.cleaned_data["hours"]),
                    request=request,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Disaster mode was declared."))
                return redirect("disaster:declaration_list")
        status = 400
    else:
        form = DeclareForm(districts=districts)
    return render(
        request, "disaster/declare.html", {"caps": _caps(request), "form": form}, status=status
    )


@staff_view("disaster.declare")
@require_POST
def declaration_end(request: HttpRequest, pk: int) -> HttpResponse:
    declaration = get_object_or_404(
        DisasterDeclaration.objects.filter(access.municipality_q(request.user)), pk=pk
    )
    try:
        services.end_declaration(request.user, declaration, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Disaster mode was ended."))
    return redirect("disaster:declaration_list")
