"""Staff pages for how the plan is governed: the promotion committee, meetings of any body,
district plans and their organisations, advisor consultations and staff trainings.

Thin function views: parse, authorise, call a service in `governance_services`, render.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ainet.core import access
from ainet.core.dates import fiscal_year, fiscal_year_range, today_tokyo
from ainet.core.guards import staff_view
from ainet.core.models import District, Municipality
from ainet.plan import governance_forms as forms
from ainet.plan import governance_services as services
from ainet.plan.models import (
    AdvisorConsultation,
    Committee,
    CommitteeMember,
    DistrictOrganisation,
    DistrictPlan,
    DistrictPlanStage,
    Meeting,
    PlanPeriod,
    StaffTraining,
)

PAGE_SIZE = 50
Crumbs = list[tuple[str, str]]  # (url, label) after the plan overview


# --- Shared helpers -------------------------------------------------------------------------


def _municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    """The municipalities the user holds a role in."""
    return Municipality.objects.filter(access.municipality_q(request.user, "pk"))


def _work_municipality(request: HttpRequest) -> Municipality:
    """The ward whose ward-wide records a plan.record user writes: their account's ward if they
    work there, else the first ward where they are district staff."""
    worked = Municipality.objects.filter(
        districts__pk__in=sorted(access.visible_district_ids(request.user))
    ).distinct()
    own: int | None = getattr(request.user, "municipality_id", None)
    municipality = (own and worked.filter(pk=own).first()) or worked.order_by("code").first()
    if municipality is None:
        raise PermissionDenied
    return municipality


def _managed_committees(request: HttpRequest) -> QuerySet[Committee] | None:
    if not access.can(request.user, "plan.manage"):
        return None
    return Committee.objects.filter(
        municipality_id__in=sorted(access.administered_municipality_ids(request.user))
    ).select_related("municipality")


def _fy_range(fy: int | None) -> tuple[datetime.date, datetime.date] | None:
    return fiscal_year_range(fy) if fy is not None else None


def _years(queryset: QuerySet[Any], field: str) -> list[int]:
    return forms.fiscal_years_of(queryset.dates(field, "month"))


def _page(request: HttpRequest, items: Any) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    submit: str,
    crumbs: Crumbs,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "plan/governance/form.html",
        {"form": form, "title": title, "submit": submit, "crumbs": crumbs, "intro": intro},
        status=400 if form.errors else 200,
    )


# --- Committee ------------------------------------------------------------------------------


def _split_terms(
    members: Iterable[CommitteeMember], today: datetime.date
) -> dict[str, list[CommitteeMember]]:
    groups: dict[str, list[CommitteeMember]] = {"current": [], "upcoming": [], "past": []}
    for member in members:
        if member.term_start > today:
            groups["upcoming"].append(member)
        elif member.term_end is not None and member.term_end < today:
            groups["past"].append(member)
        else:
            groups["current"].append(member)
    groups["past"].sort(key=lambda m: (m.term_start, m.name_kana, m.name), reverse=True)
    return groups


@staff_view("plan.view")
@require_GET
def committee(request: HttpRequest) -> HttpResponse:
    today = today_tokyo()
    committees = (
        Committee.objects.filter(municipality__in=_municipalities(request))
        .select_related("municipality")
        .prefetch_related(
            Prefetch("members", queryset=CommitteeMember.objects.select_related("organisation"))
        )
    )
    administered = access.administered_municipality_ids(request.user)
    manage = access.can(request.user, "plan.manage")
    sections = []
    for item in committees:
        meetings = (
            Meeting.objects.for_user(request.user)
            .filter(committee=item)
            .annotate(attendance_count=Count("attendance"))
            .order_by("held_on", "id")
        )
        sections.append(
            {
                "committee": item,
                "terms": _split_terms(item.members.all(), today),
                "meetings": meetings,
                "can_manage": manage and item.municipality_id in administered,
            }
        )
    return render(
        request,
        "plan/governance/committee.html",
        {"sections": sections, "today": today},
    )


def _committee_crumbs() -> Crumbs:
    return [(reverse("plan:committee"), _("Promotion committee"))]


@staff_view("plan.manage")
@require_http_methods(["GET", "POST"])
def committee_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Committee.objects.filter(
            municipality_id__in=sorted(access.administered_municipality_ids(request.user))
        ).select_related("municipality"),
        pk=pk,
    )
    form = forms.CommitteeMemberForm(request.POST or None, committee=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_committee_member(
                request.user,
                item,
                name=data["name"],
                name_kana=data["name_kana"],
                organisation=data["organisation"],
                organisation_name=data["organisation_name"],
                term_start=data["term_start"],
                term_end=data["term_end"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The committee member was added."))
            return redirect("plan:committee")
    return _form_page(
        request,
        form,
        title=_("Add a member to %(committee)s") % {"committee": item.name},
        submit=_("Add member"),
        crumbs=_committee_crumbs(),
    )


@staff_view("plan.manage")
@require_http_methods(["GET", "POST"])
def committee_member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        CommitteeMember.objects.filter(
            committee__municipality_id__in=sorted(
                access.administered_municipality_ids(request.user)
            )
        ).select_related("committee__municipality", "organisation"),
        pk=pk,
    )
    form = forms.TermEndForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_committee_term(
                request.user, member, term_end=form.cleaned_data["term_end"]
            )
        except ValidationError as exc:
            form.add_error("term_end", exc)
        else:
            messages.success(request, _("The term was ended."))
            return redirect("plan:committee")
    return _form_page(
        request,
        form,
        title=_("End the term of %(name)s") % {"name": member.name},
        submit=_("End the term"),
        crumbs=_committee_crumbs(),
        intro=_(
            "%(name)s represents %(organisation)s on %(committee)s; the term began on %(start)s."
        )
        % {
            "name": member.name,
            "organisation": member.represents or "—",
            "committee": member.committee.name,
            "start": member.term_start.isoformat(),
        },
    )


# --- Meetings -------------------------------------------------------------------------------


def _meeting_crumbs() -> Crumbs:
    return [(reverse("plan:meeting_list"), _("Meetings"))]


@staff_view("plan.view")
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    visible = Meeting.objects.for_user(request.user)
    form = forms.MeetingFilterForm(
        request.GET,
        districts=District.objects.for_user(request.user),
        years=_years(visible, "held_on"),
    )
    meetings = (
        visible.select_related("district", "committee")
        .annotate(attendance_count=Count("attendance"))
        .order_by("-held_on", "-id")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["body"]:
            meetings = meetings.filter(body=data["body"])
        if data["district"]:
            meetings = meetings.filter(district=data["district"])
        if span := _fy_range(data["fy"]):
            meetings = meetings.filter(held_on__range=span)
    else:
        meetings = meetings.none()
    return render(
        request,
        "plan/governance/meeting_list.html",
        {
            "form": form,
            "page": _page(request, meetings),
            "query": _query_without_page(request),
            "can_record": access.can(request.user, "plan.record"),
        },
        status=200 if form.is_valid() else 400,
    )


@staff_view("plan.record")
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = forms.MeetingForm(
        request.POST or None,
        districts=District.objects.for_user(request.user).select_related("municipality"),
        committees=_managed_committees(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        committee_, district = data.get("committee"), data["district"]
        if committee_ is not None:
            municipality = committee_.municipality
        elif district is not None:
            municipality = district.municipality
        else:
            municipality = _work_municipality(request)
        try:
            meeting = services.create_meeting(
                request.user,
                municipality,
                body=data["body"],
                committee=committee_,
                district=district,
                held_on=data["held_on"],
                title=data["title"],
                place=data["place"],
                agenda=data["agenda"],
                minutes=data["minutes"],
                decisions=data["decisions"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The meeting was recorded. Now add who attended."))
            return redirect("plan:meeting_detail", pk=meeting.pk)
    return _form_page(
        request,
        form,
        title=_("Record a meeting"),
        submit=_("Record the meeting"),
        crumbs=_meeting_crumbs(),
    )


@staff_view("plan.view")
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.for_user(request.user).select_related(
            "municipality", "district", "committee"
        ),
        pk=pk,
    )
    can_add = services.can_record_attendance(request.user, meeting)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    form = forms.AttendanceForm(request.POST or None) if can_add else None
    if request.method == "POST" and form is not None and form.is_valid():
        services.add_attendance(
            request.user,
            meeting,
            name=form.cleaned_data["name"],
            organisation_name=form.cleaned_data["organisation_name"],
        )
        messages.success(request, _("The attendance was added."))
        return redirect("plan:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "plan/governance/meeting_detail.html",
        {
            "meeting": meeting,
            "attendance": meeting.attendance.all(),
            "form": form,
            "fiscal_year": forms.fiscal_year_label(fiscal_year(meeting.held_on)),
        },
        status=400 if form is not None and form.errors else 200,
    )


# --- District plans -------------------------------------------------------------------------


def _default_period(periods: list[PlanPeriod], today: datetime.date) -> PlanPeriod:
    """The period running today, else the latest that has started, else the first."""
    running = [p for p in periods if p.fiscal_period.contains(today)]
    started = [p for p in periods if p.fiscal_period.start <= today]
    return (running or started[-1:] or periods)[0]


def _reference_day(period: PlanPeriod, today: datetime.date) -> datetime.date:
    """Today while the period runs (or before it starts), else the period's last day."""
    return min(today, period.fiscal_period.end)


def _stage_on(stages: Iterable[DistrictPlanStage], day: datetime.date) -> DistrictPlanStage | None:
    """DistrictPlan.stage_on over prefetched stages."""
    reached = [s for s in stages if s.started_on <= day]
    return max(reached, key=lambda s: (s.started_on, s.pk)) if reached else None


def _existing_on(organisation: DistrictOrganisation, day: datetime.date) -> bool:
    return organisation.founded_on <= day and (
        organisation.dissolved_on is None or organisation.dissolved_on >= day
    )


@staff_view("plan.view")
@require_GET
def district_plan_list(request: HttpRequest) -> HttpResponse:
    periods = list(PlanPeriod.objects.for_user(request.user).order_by("municipality", "number"))
    form = forms.PeriodFilterForm(request.GET, periods=periods)
    context: dict[str, Any] = {
        "form": form,
        "period": None,
        "rows": [],
        "can_record": access.can(request.user, "plan.record"),
    }
    if not form.is_valid():
        return render(request, "plan/governance/district_plan_list.html", context, status=400)
    if not periods:
        return render(request, "plan/governance/district_plan_list.html", context)
    today = today_tokyo()
    wanted = form.cleaned_data["period"]
    period = next((p for p in periods if p.number == wanted), None) or _default_period(
        periods, today
    )
    day = _reference_day(period, today)
    districts = District.objects.for_user(request.user).filter(municipality=period.municipality_id)
    plans = {
        plan.district_id: plan
        for plan in DistrictPlan.objects.for_user(request.user)
        .filter(period=period)
        .prefetch_related("stages")
    }
    organisations: dict[int, list[DistrictOrganisation]] = {}
    for organisation in DistrictOrganisation.objects.for_user(request.user).filter(
        district__in=districts, founded_on__lte=day
    ):
        if _existing_on(organisation, day):
            organisations.setdefault(organisation.district_id, []).append(organisation)
    rows = []
    for district in districts:
        plan = plans.get(district.pk)
        rows.append(
            {
                "district": district,
                "plan": plan,
                "stage": _stage_on(plan.stages.all(), day) if plan else None,
                "organisations": organisations.get(district.pk, []),
            }
        )
    context.update(
        {
            "period": period,
            "period_label": period.label(),
            "day": day,
            "rows": rows,
            "plan_count": len(plans),
        }
    )
    return render(request, "plan/governance/district_plan_list.html", context)


def _district_plan_crumbs(period: PlanPeriod | None = None) -> Crumbs:
    url = reverse("plan:district_plan_list")
    if period is not None:
        url += f"?period={period.number}"
    return [(url, _("District plans"))]


@staff_view("plan.record")
@require_http_methods(["GET", "POST"])
def district_plan_create(request: HttpRequest) -> HttpResponse:
    periods = PlanPeriod.objects.for_user(request.user).select_related("municipality")
    initial: dict[str, Any] = {}
    wanted = request.GET.get("period", "")
    if wanted.isdigit() and len(wanted) < 6:
        initial["period"] = periods.filter(number=int(wanted)).first()
    form = forms.DistrictPlanForm(
        request.POST or None,
        initial=initial,
        periods=periods,
        districts=District.objects.for_user(request.user).select_related("municipality"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.create_district_plan(
                request.user, data["district"], data["period"], title=data["title"]
            )
        except ValidationError as exc:
            form.add_error("district", exc)
        else:
            messages.success(request, _("The district plan was recorded. Now add its stages."))
            return redirect("plan:district_plan_detail", pk=plan.pk)
    return _form_page(
        request,
        form,
        title=_("Record a district plan"),
        submit=_("Record the district plan"),
        crumbs=_district_plan_crumbs(initial.get("period")),
        intro="" if periods.exists() else _("No plan period is recorded yet."),
    )


def _plan_or_404(request: HttpRequest, pk: int) -> DistrictPlan:
    plan: DistrictPlan = get_object_or_404(
        DistrictPlan.objects.for_user(request.user).select_related(
            "district__municipality", "period"
        ),
        pk=pk,
    )
    return plan


def _render_plan(
    request: HttpRequest,
    plan: DistrictPlan,
    *,
    stage_form: forms.StageForm | None = None,
    organisation_form: forms.DistrictOrganisationForm | None = None,
) -> HttpResponse:
    today = today_tokyo()
    district = plan.district
    can_record = services.can_record_in(request.user, district.municipality, district)
    stages = list(plan.stages.order_by("started_on", "pk"))
    timeline = []
    for i, stage in enumerate(stages):
        following = stages[i + 1] if i + 1 < len(stages) else None
        # Older records may hold two stages from one day: the earlier was replaced that day.
        replaced = following is not None and following.started_on <= stage.started_on
        timeline.append(
            {
                "stage": stage,
                "until": (
                    following.started_on - datetime.timedelta(days=1)
                    if following is not None and not replaced
                    else None
                ),
                "ongoing": following is None,
            }
        )
    day = _reference_day(plan.period, today)
    if can_record:
        stage_form = stage_form or forms.StageForm(plan=plan)
        organisation_form = organisation_form or forms.DistrictOrganisationForm(district=district)
    failed = any(f is not None and f.errors for f in (stage_form, organisation_form))
    return render(
        request,
        "plan/governance/district_plan_detail.html",
        {
            "plan": plan,
            "district": district,
            "period_label": plan.period.label(),
            "timeline": timeline,
            "day": day,
            "current": _stage_on(stages, day),
            "organisations": DistrictOrganisation.objects.for_user(request.user).filter(
                district=district
            ),
            "other_plans": DistrictPlan.objects.for_user(request.user)
            .filter(district=district)
            .exclude(pk=plan.pk)
            .select_related("period"),
            "stage_form": stage_form if can_record else None,
            "organisation_form": organisation_form if can_record else None,
            "crumbs": _district_plan_crumbs(plan.period),
        },
        status=400 if failed else 200,
    )


@staff_view("plan.view")
@require_GET
def district_plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_plan(request, _plan_or_404(request, pk))


@staff_view("plan.record")
@require_POST
def district_plan_stage_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    form = forms.StageForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            services.add_plan_stage(
                request.user,
                plan,
                stage=form.cleaned_data["stage"],
                started_on=form.cleaned_data["started_on"],
            )
        except ValidationError as exc:
            form.add_error("started_on", exc)
        else:
            messages.success(request, _("The stage was added."))
            return redirect("plan:district_plan_detail", pk=plan.pk)
    return _render_plan(request, plan, stage_form=form)


@staff_view("plan.record")
@require_POST
def district_organisation_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    form = forms.DistrictOrganisationForm(request.POST, district=plan.district)
    if form.is_valid():
        try:
            services.found_district_organisation(
                request.user,
                plan.district,
                name=form.cleaned_data["name"],
                founded_on=form.cleaned_data["founded_on"],
            )
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(request, _("The founding of the organisation was recorded."))
            return redirect("plan:district_plan_detail", pk=plan.pk)
    return _render_plan(request, plan, organisation_form=form)


# --- Advisors and trainings -----------------------------------------------------------------


@staff_view("plan.view")
@require_GET
def advisor_list(request: HttpRequest) -> HttpResponse:
    visible = AdvisorConsultation.objects.for_user(request.user)
    form = forms.FiscalYearFilterForm(request.GET, years=_years(visible, "held_on"))
    consultations = visible.select_related("district")
    if form.is_valid():
        if span := _fy_range(form.cleaned_data["fy"]):
            consultations = consultations.filter(held_on__range=span)
    else:
        consultations = consultations.none()
    return render(
        request,
        "plan/governance/advisor_list.html",
        {
            "form": form,
            "page": _page(request, consultations),
            "query": _query_without_page(request),
            "can_record": access.can(request.user, "plan.record"),
        },
        status=200 if form.is_valid() else 400,
    )


@staff_view("plan.record")
@require_http_methods(["GET", "POST"])
def advisor_create(request: HttpRequest) -> HttpResponse:
    form = forms.AdvisorConsultationForm(
        request.POST or None,
        districts=District.objects.for_user(request.user).select_related("municipality"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        district = data["district"]
        services.add_advisor_consultation(
            request.user,
            district.municipality if district else _work_municipality(request),
            district=district,
            advisor_name=data["advisor_name"],
            held_on=data["held_on"],
            topic=data["topic"],
            advice=data["advice"],
        )
        messages.success(request, _("The advisor consultation was recorded."))
        return redirect("plan:advisor_list")
    return _form_page(
        request,
        form,
        title=_("Record an advisor consultation"),
        submit=_("Record the consultation"),
        crumbs=[(reverse("plan:advisor_list"), _("Advisor consultations"))],
    )


@staff_view("plan.view")
@require_GET
def training_list(request: HttpRequest) -> HttpResponse:
    visible = StaffTraining.objects.for_user(request.user)
    form = forms.FiscalYearFilterForm(request.GET, years=_years(visible, "held_on"))
    trainings = visible
    if form.is_valid():
        if span := _fy_range(form.cleaned_data["fy"]):
            trainings = trainings.filter(held_on__range=span)
    else:
        trainings = trainings.none()
    return render(
        request,
        "plan/governance/training_list.html",
        {
            "form": form,
            "page": _page(request, trainings),
            "query": _query_without_page(request),
            "participants": trainings.aggregate(total=Sum("participants"))["total"] or 0,
            "can_record": access.can(request.user, "plan.record"),
        },
        status=200 if form.is_valid() else 400,
    )


@staff_view("plan.record")
@require_http_methods(["GET", "POST"])
def training_create(request: HttpRequest) -> HttpResponse:
    form = forms.StaffTrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.add_staff_training(
            request.user,
            _work_municipality(request),
            held_on=data["held_on"],
            title=data["title"],
            organiser=data["organiser"],
            participants=data["participants"],
            notes=data["notes"],
        )
        messages.success(request, _("The training was recorded."))
        return redirect("plan:training_list")
    return _form_page(
        request,
        form,
        title=_("Record a staff training"),
        submit=_("Record the training"),
        crumbs=[(reverse("plan:training_list"), _("Staff trainings"))],
    )
