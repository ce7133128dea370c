"""The plan page: a period's basic goal, pillars, themes, each organisation's initiatives and
the challenges named for the next period; ward administrators edit it here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, Prefetch
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ainet.core import access
from ainet.core.guards import staff_view
from ainet.core.models import Municipality
from ainet.plan import forms, services
from ainet.plan.models import (
    Challenge,
    Initiative,
    InitiativeOwner,
    Pillar,
    PlanPeriod,
    Theme,
)


def _periods(request: HttpRequest) -> Any:
    return PlanPeriod.objects.for_user(request.user).select_related("municipality")


@staff_view("plan.view")
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    periods = list(_periods(request))
    if not periods:
        return render(request, "plan/overview.html", {"periods": [], "period": None})
    wanted = request.GET.get("period", "")
    chosen = next((p for p in periods if str(p.number) == wanted), None)
    if wanted and chosen is None:
        raise Http404
    # The latest period with content, unless one was asked for.
    period = chosen or next((p for p in reversed(periods) if p.pillars.exists()), periods[-1])
    pillars = period.pillars.prefetch_related(
        "themes",
        Prefetch("initiatives", queryset=Initiative.objects.order_by("owner", "sort_order")),
        Prefetch("challenges", queryset=Challenge.objects.order_by("sort_order")),
    )
    sections = [
        {
            "pillar": pillar,
            "owners": [
                (label, [i for i in pillar.initiatives.all() if i.owner == value])
                for value, label in InitiativeOwner.choices
            ],
        }
        for pillar in pillars
    ]
    return render(
        request,
        "plan/overview.html",
        {
            "periods": periods,
            "period": period,
            "sections": sections,
            "can_edit": period.municipality_id
            in access.administered_municipality_ids(request.user),
        },
    )


@dataclass(frozen=True)
class Kind:
    """An editable element of the plan: its model, form and parent."""

    model: type[Model]
    form: type[ModelForm[Any]]
    parent_model: type[Model] | None
    parent_field: str | None
    period_path: str  # lookup from the element to its period


KINDS: dict[str, Kind] = {
    "period": Kind(PlanPeriod, forms.PeriodForm, None, None, ""),
    "pillar": Kind(Pillar, forms.PillarForm, PlanPeriod, "period", "period"),
    "theme": Kind(Theme, forms.ThemeForm, Pillar, "pillar", "pillar__period"),
    "initiative": Kind(Initiative, forms.InitiativeForm, Pillar, "pillar", "pillar__period"),
    "challenge": Kind(Challenge, forms.ChallengeForm, Pillar, "pillar", "pillar__period"),
}


def _kind(name: str) -> Kind:
    if name not in KINDS:
        raise Http404
    return KINDS[name]


def _administered(request: HttpRequest) -> Any:
    return Municipality.objects.filter(pk__in=access.administered_municipality_ids(request.user))


def _editable(request: HttpRequest, model: type[Model], period_path: str, pk: int) -> Any:
    """An element of a plan of a municipality the user administers, or 404."""
    prefix = f"{period_path}__" if period_path else ""
    queryset = model._default_manager.filter(
        **{f"{prefix}municipality__in": _administered(request)}
    )
    return get_object_or_404(queryset, pk=pk)


def _period_of(item: Model, kind: Kind) -> PlanPeriod:
    period: Any = item
    for step in kind.period_path.split("__") if kind.period_path else []:
        period = getattr(period, step)
    return period  # type: ignore[no-any-return]


def _form_kwargs(kind: Kind, municipality: Municipality) -> dict[str, Any]:
    return {"municipality": municipality} if kind.model is PlanPeriod else {}


def _save(
    request: HttpRequest, kind: Kind, form: ModelForm[Any], municipality: Municipality
) -> HttpResponse | None:
    if request.method != "POST" or not form.is_valid():
        return None
    item = form.save(commit=False)
    try:
        item.validate_constraints()
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    services.save_plan_item(request.user, municipality, item)
    period = item if isinstance(item, PlanPeriod) else _period_of(item, kind)
    messages.success(request, _("The plan was saved."))
    return redirect(f"{_overview_url()}?period={period.number}")


def _overview_url() -> str:
    from django.urls import reverse

    return reverse("plan:overview")


@staff_view("plan.manage")
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest, kind_name: str, parent_pk: int | None = None) -> HttpResponse:
    kind = _kind(kind_name)
    if kind.parent_model is None:
        municipality = _administered(request).first()
        if municipality is None or parent_pk is not None:
            raise Http404
        instance: Model = kind.model(municipality=municipality)
    else:
        if parent_pk is None:
            raise Http404
        parent_path = "" if kind.parent_model is PlanPeriod else "period"
        parent = _editable(request, kind.parent_model, parent_path, parent_pk)
        period = parent if isinstance(parent, PlanPeriod) else parent.period
        municipality = period.municipality
        instance = kind.model(**{kind.parent_field or "": parent})
        if kind.model is Challenge:
            instance.period = period  # type: ignore[attr-defined]
    form = kind.form(request.POST or None, instance=instance, **_form_kwargs(kind, municipality))
    response = _save(request, kind, form, municipality)
    if response is not None:
        return response
    return render(
        request,
        "plan/item_form.html",
        {"form": form, "kind": kind_name, "creating": True},
        status=400 if form.errors else 200,
    )


@staff_view("plan.manage")
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, kind_name: str, pk: int) -> HttpResponse:
    kind = _kind(kind_name)
    item = _editable(request, kind.model, kind.period_path, pk)
    period = item if isinstance(item, PlanPeriod) else _period_of(item, kind)
    form = kind.form(request.POST or None, instance=item, **_form_kwargs(kind, period.municipality))
    response = _save(request, kind, form, period.municipality)
    if response is not None:
        return response
    return render(
        request,
        "plan/item_form.html",
        {"form": form, "kind": kind_name, "creating": False, "item": item},
        status=400 if form.errors else 200,
    )
