"""District support teams (地区別支援チーム) and who serves on them."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ainet.core import access
from ainet.core.dates import today_tokyo
from ainet.core.guards import staff_view
from ainet.core.models import District
from ainet.plan import services
from ainet.plan.forms import TeamMemberForm
from ainet.plan.models import SupportTeam, SupportTeamMember


def _teams(request: HttpRequest) -> QuerySet[SupportTeam]:
    districts = District.objects.for_user(request.user)
    return SupportTeam.objects.filter(district__in=districts).select_related("district")


@staff_view("plan.view")
@require_GET
def team_list(request: HttpRequest) -> HttpResponse:
    today = today_tokyo()
    current = Q(members__ends_on__isnull=True) | Q(members__ends_on__gte=today)
    teams = _teams(request).annotate(
        current_members=Count("members", filter=current & Q(members__starts_on__lte=today))
    )
    return render(request, "plan/team_list.html", {"teams": teams})


@staff_view("plan.view")
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, code: str) -> HttpResponse:
    team = get_object_or_404(_teams(request), district__code=code)
    can_record = access.can(request.user, "plan.record")
    form = TeamMemberForm(
        request.POST or None,
        instance=SupportTeamMember(team=team),
        municipality=team.district.municipality,
    )
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            services.add_team_member(request.user, form.save(commit=False))
            messages.success(request, _("The member was added to the team."))
            return redirect("plan:team_detail", code=code)
    today = today_tokyo()
    members = team.members.select_related("organisation").order_by("position", "starts_on")
    current = [m for m in members if m.starts_on <= today and (not m.ends_on or m.ends_on >= today)]
    past = [m for m in members if m not in current]
    return render(
        request,
        "plan/team_detail.html",
        {
            "team": team,
            "current": current,
            "past": past,
            "form": form,
            "can_record": can_record,
        },
        status=400 if form.errors else 200,
    )


@staff_view("plan.record")
@require_POST
def team_member_end(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    team = get_object_or_404(_teams(request), district__code=code)
    member = get_object_or_404(team.members.filter(ends_on__isnull=True), pk=pk)
    services.end_team_member(request.user, member, today_tokyo() - datetime.timedelta(days=1))
    messages.success(request, _("The member's service on the team was ended as of yesterday."))
    return redirect("plan:team_detail", code=code)
