"""Staff pages of the isolation analysis: the ward's and each district's coverage, people by
their active ties, supporters carrying too many people, and "what if these supporters became
unavailable". Read-only; the CSV export is audited. Counts only people the user may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET

from ainet.care import isolation
from ainet.care.models import Person, SupporterKind
from ainet.core import access, audit
from ainet.core.csvio import csv_response
from ainet.core.dates import today_tokyo
from ainet.core.guards import staff_view
from ainet.core.models import District

PER_PAGE = 50
CANDIDATES = 100


def _districts(user: Any) -> dict[int, District]:
    return {
        d.pk: d
        for d in District.objects.for_user(user).order_by("municipality__code", "sort_order")
    }


class AnalysisFilter(forms.Form):
    district = forms.TypedChoiceField(
        label=gettext_lazy("District"), required=False, coerce=int, empty_value=None
    )
    threshold = forms.IntegerField(
        label=gettext_lazy("A supporter carries too many people above"),
        min_value=1,
        max_value=1000,
        required=False,
    )
    which = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[
            ("", gettext_lazy("Everyone")),
            ("isolated", gettext_lazy("Isolated (no active tie)")),
            ("fragile", gettext_lazy("Fragile (one active tie)")),
        ],
    )

    def __init__(self, data: Any, *, districts: dict[int, District]) -> None:
        super().__init__(data)
        district = self.fields["district"]
        if isinstance(district, forms.TypedChoiceField):  # always; narrows the type
            district.choices = [("", _("All my districts"))] + [
                (pk, d.name) for pk, d in districts.items()
            ]

    def value(self, name: str, default: Any = None) -> Any:
        if not self.is_valid():
            return default
        got = self.cleaned_data.get(name)
        return default if got in (None, "") else got


def _filter(
    request: HttpRequest, *fields: str
) -> tuple[AnalysisFilter, dict[int, District], list[int] | None]:
    """The filter with only `fields` besides the district."""
    districts = _districts(request.user)
    data: QueryDict = request.GET.copy()
    if "threshold" in fields and not data.get("threshold"):
        # Show the threshold in force rather than an empty box.
        data["threshold"] = str(isolation.DEFAULT_OVERLOAD)
    form = AnalysisFilter(data, districts=districts)
    for name in ("threshold", "which"):
        if name not in fields:
            del form.fields[name]
    chosen = form.value("district")
    return form, districts, ([chosen] if chosen else None)


def _kinds() -> list[tuple[str, str]]:
    return [(k.value, str(k.label)) for k in SupporterKind]


@staff_view("care.manage")
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    form, districts, district_ids = _filter(request, "threshold")
    threshold = form.value("threshold", isolation.DEFAULT_OVERLOAD)
    day = today_tokyo()
    result = isolation.analyse(
        request.user, day, district_ids=district_ids, overload_threshold=threshold
    )
    coverage = [
        {
            "district": districts.get(c.district_id) if c.district_id else None,
            "row": c,
            "share_isolated": c.share(c.isolated),
            "share_two": c.share(c.with_two),
        }
        for c in result.coverage
    ]
    kinds = [
        {"label": label, "ties": result.by_kind[k], "people": result.people_with_kind[k]}
        for k, label in _kinds()
    ]
    return render(
        request,
        "care/isolation_overview.html",
        {
            "form": form,
            "result": result,
            "coverage": coverage,
            "kinds": kinds,
            "threshold": threshold,
            "districts": districts,
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


def _people(request: HttpRequest) -> tuple[AnalysisFilter, Any]:
    form, _unused, district_ids = _filter(request, "which")
    day = today_tokyo()
    people = isolation.with_tie_counts(
        isolation.people_in_scope(request.user, day, district_ids), day
    ).select_related("district", "town")
    which = form.value("which", "")
    if which == "isolated":
        people = people.filter(ties_total=0)
    elif which == "fragile":
        people = people.filter(ties_total=1)
    return form, people.order_by("ties_total", "name_kana", "name", "pk")


@staff_view("care.manage")
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    form, _unused, district_ids = _filter(request, "which")
    day = today_tokyo()
    # Order and page on a narrow GROUP BY (id, furigana, name); only the page's people are
    # then loaded with their counts by kind.
    ranked = (
        isolation.people_in_scope(request.user, day, district_ids)
        .order_by()
        .values("pk", "name_kana", "name")
        .annotate(ties_total=Count("ties", filter=isolation.active_tie_q(day, "ties__")))
    )
    which = form.value("which", "")
    if which == "isolated":
        ranked = ranked.filter(ties_total=0)
    elif which == "fragile":
        ranked = ranked.filter(ties_total=1)
    ranked = ranked.order_by("ties_total", "name_kana", "name", "pk")
    page = Paginator(ranked, PER_PAGE).get_page(request.GET.get("page"))
    ids = [row["pk"] for row in page.object_list]
    loaded = {
        p.pk: p
        for p in isolation.with_tie_counts(
            Person.objects.for_user(request.user).filter(pk__in=ids), day
        ).select_related("district", "town")
    }
    kinds = _kinds()
    table = [
        {"person": loaded[pk], "counts": [getattr(loaded[pk], f"ties_{k}") for k, _l in kinds]}
        for pk in ids
        if pk in loaded
    ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "care/isolation_people.html",
        {
            "form": form,
            "page": page,
            "table": table,
            "kinds": kinds,
            "query": params.urlencode(),
        },
        status=400 if form.errors else 200,
    )


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas (=, +, -, @) in exported text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@staff_view("care.manage")
@require_GET
def people_csv(request: HttpRequest) -> HttpResponse:
    form, rows = _people(request)
    if form.errors:
        rows = rows.none()
    kinds = _kinds()
    header = [
        pgettext("person", "Name"),
        _("Furigana"),
        _("District"),
        _("Town block"),
        _("Active ties"),
    ]
    header += [label for _k, label in kinds]
    out = [
        [
            _cell(p.name),
            _cell(p.name_kana),
            p.district.name if p.district else "",
            p.town.name if p.town else "",
            p.ties_total,
            *(getattr(p, f"ties_{k}") for k, _label in kinds),
        ]
        for p in rows
    ]
    audit.record(
        request.user,
        audit.Action.EXPORT,
        request=request,
        municipality=None,
        details={"export": "care.isolation_people", "rows": len(out), "filter": request.GET.dict()},
    )
    encoding = request.GET.get("encoding", "utf-8")
    return csv_response(f"isolation-{today_tokyo():%Y%m%d}.csv", header, out, encoding)


@staff_view("care.manage")
@require_GET
def supporters(request: HttpRequest) -> HttpResponse:
    form, districts, district_ids = _filter(request, "threshold")
    threshold = form.value("threshold", isolation.DEFAULT_OVERLOAD)
    loads = isolation.overloaded_supporters(
        request.user, today_tokyo(), threshold=threshold, district_ids=district_ids
    )
    labels = dict(_kinds())
    rows = [
        {
            "load": s,
            "kind": labels.get(s.kind, s.kind),
            "district": districts.get(s.district_id or 0),
        }
        for s in loads
    ]
    return render(
        request,
        "care/isolation_supporters.html",
        {"form": form, "rows": rows, "threshold": threshold},
        status=400 if form.errors else 200,
    )


def _ids(values: list[str]) -> list[int]:
    ids: list[int] = []
    for value in values[:500]:
        if value.isdigit() and 0 < len(value) <= 18:
            ids.append(int(value))
    return ids


@staff_view("care.manage")
@require_GET
def what_if(request: HttpRequest) -> HttpResponse:
    """Supporters in (checkboxes; `supporter` repeated in the query), the people left with
    nobody out."""
    form, districts, district_ids = _filter(request)
    day = today_tokyo()
    chosen = _ids(request.GET.getlist("supporter"))
    term = request.GET.get("q", "").strip()[:100]
    candidates = isolation.supporter_loads(request.user, day, district_ids)
    if term:
        candidates = candidates.filter(Q(name__icontains=term) | Q(name_kana__icontains=term))
    candidate_rows = list(
        candidates.filter(Q(is_active=True) | Q(pk__in=chosen))
        .order_by("-load", "name", "pk")
        .values("pk", "name", "kind", "district_id", "load")[:CANDIDATES]
    )
    shown = {row["pk"] for row in candidate_rows}
    chosen_rows = list(
        isolation.supporter_loads(request.user, day)
        .filter(pk__in=[pk for pk in chosen if pk not in shown])
        .values("pk", "name", "kind", "district_id", "load")
    )
    labels = dict(_kinds())
    for row in [*chosen_rows, *candidate_rows]:
        row["kind_label"] = labels.get(row["kind"], row["kind"])
        row["district"] = districts.get(row["district_id"] or 0)
    visible_chosen = {row["pk"] for row in chosen_rows} | (shown & set(chosen))
    left: list[Any] = []
    fragile = 0
    if visible_chosen:
        left = list(isolation.left_with_nobody(request.user, day, visible_chosen)[:500])
        fragile = isolation.left_with_one(request.user, day, visible_chosen)
    return render(
        request,
        "care/isolation_what_if.html",
        {
            "form": form,
            "term": term,
            "chosen": visible_chosen,
            "chosen_rows": chosen_rows,
            "candidates": candidate_rows,
            "left": left,
            "fragile": fragile,
            "asked": bool(visible_chosen),
            "can_see_people": access.can(request.user, "care.view"),
        },
        status=400 if form.errors else 200,
    )
