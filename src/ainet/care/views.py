"""Staff pages for people who need support: the person list and record, needs, lists and
their legal basis, supporters and ties (支え合いマップ), contacts, the worklist and the
民生委員 monthly activity figures.

Thin views: parse, authorise (`staff_view`, then scoped querysets so another district's
person is a 404), call a service, render. Which fields of a person a page shows comes from
`access.person_access` (one person) or `access.person_level_expression` (lists, the map).
Every read of a person's record is audited; a read that only disaster mode allows is audited
as a disaster-mode unlock.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ainet.care import isolation, kana, selectors, services
from ainet.care.forms import (
    BasisChangeForm,
    ContactForm,
    DatedNoteForm,
    ListEntryForm,
    MapDistrictForm,
    MonthForm,
    NeedKindForm,
    PersonFilterForm,
    PersonForm,
    SupporterDeactivateForm,
    SupporterForm,
    TieEndForm,
    TieForm,
    need_kinds_for,
)
from ainet.care.models import (
    Basis,
    Contact,
    ListEntry,
    ListKind,
    Person,
    Supporter,
    SupportTie,
    WatchLevel,
)
from ainet.core import access, audit, csvio
from ainet.core.access import FieldLevel
from ainet.core.dates import today_tokyo
from ainet.core.guards import staff_view
from ainet.core.models import District, Municipality, Town

PEOPLE_PER_PAGE = 50


def _home_municipality(request: HttpRequest) -> Municipality:
    municipalities = Municipality.objects.filter(access.municipality_q(request.user, "pk"))
    own_id: int | None = getattr(request.user, "municipality_id", None)
    chosen = (municipalities.filter(pk=own_id).first() if own_id else None) or (
        municipalities.order_by("code").first()
    )
    if chosen is None:
        raise PermissionDenied
    return chosen


def _person_or_404(request: HttpRequest, pk: int) -> tuple[Person, access.PersonAccess]:
    person = get_object_or_404(
        Person.objects.for_user(request.user).select_related("district", "town", "municipality"),
        pk=pk,
    )
    seen = access.person_access(request.user, person)
    if seen is None:  # pragma: no cover - person_q and person_access agree
        raise PermissionDenied
    return person, seen


def _audit_unlocks(request: HttpRequest, page: str, ids: list[int]) -> None:
    """A page that shows people only disaster mode unlocks records which ones."""
    if ids:
        audit.record(
            request.user,
            audit.Action.VIEW,
            municipality=_home_municipality(request),
            request=request,
            details={"disaster_mode": True, "page": page, "people": ids},
        )


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _caps(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {
        "can_manage": access.can(user, "care.manage"),
        "can_manage_basis": access.can(user, "care.manage_basis"),
        "can_record_contact": access.can(user, "care.record_contact"),
        "can_view_figures": access.can(user, "care.view_figures"),
        "can_view_special": access.can(user, "care.view_special"),
    }


def _url_template(name: str) -> str:
    """A person URL with a placeholder, reversed once per page rather than once per row."""
    marker = 999_999_999
    return reverse(name, kwargs={"pk": marker}).replace(str(marker), "{pk}")


# The columns the person list and the worklist read, as plain values (model instances for a
# page of people, their towns, districts and list entries cost more than the page's SQL). No
# special-care field is read.
PERSON_ROW_VALUES = (
    "pk",
    "name",
    "name_kana",
    "birth_date",
    "watch_level",
    "last_contact_at",
    "field_level",
    "only_in_disaster",
    "district__name",
    "town__name",
)
# The worklist is for visiting: it adds the town block's sub-area (小字) and the address, which
# every field level includes (FieldLevel.MINIMAL: "enough to visit"), as the detail page shows.
WORKLIST_ROW_VALUES = (
    *PERSON_ROW_VALUES,
    "town__koaza",
    "address",
    "address_detail",
    "due_at",
    "is_overdue",
    "follow_up_pending",
)
# Its CSV and print add the phone (also MINIMAL) and what the print groups by.
WORKLIST_OUTPUT_VALUES = (
    *WORKLIST_ROW_VALUES,
    "phone",
    "town_id",
    "district__sort_order",
)


def _age_on(born: datetime.date | None, day: datetime.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _current_entries(person_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """(list, basis) of each person's current list entries, in list order: one query."""
    entries: dict[int, list[tuple[str, str]]] = {}
    if person_ids:
        for person_id, list_kind, basis in (
            ListEntry.objects.filter(person_id__in=person_ids, left_on__isnull=True)
            .order_by("list_kind", "pk")
            .values_list("person_id", "list_kind", "basis")
        ):
            entries.setdefault(person_id, []).append((list_kind, basis))
    return entries


def _rows(
    people: Any,
    *,
    today: datetime.date,
    now: datetime.datetime | None = None,
    with_lists: bool = True,
) -> list[dict[str, Any]]:
    """Plain rows for the person list and the worklist, from a page of PERSON_ROW_VALUES
    (WORKLIST_ROW_VALUES with `now`): display values computed once per page (choice labels,
    URLs, dates) so rendering does not grow costly per row. Fields beyond MINIMAL are None
    for rows the user sees at MINIMAL."""
    people = list(people)
    url = _url_template("care:person_detail")
    contact_url = _url_template("care:contact_create")
    lists = {k: str(v) for k, v in ListKind.choices}
    bases = {k: str(v) for k, v in Basis.choices}
    watch = {k: str(v) for k, v in WatchLevel.choices}
    entries = (
        _current_entries(
            [p["pk"] for p in people if (p["field_level"] or 0) >= FieldLevel.STANDARD]
        )
        if with_lists
        else {}
    )
    rows: list[dict[str, Any]] = []
    for p in people:
        pk = p["pk"]
        standard = (p["field_level"] or 0) >= FieldLevel.STANDARD
        contacted = p["last_contact_at"]
        last = timezone.localtime(contacted).strftime("%Y-%m-%d") if contacted else ""
        row = {
            "pk": pk,
            "url": url.format(pk=pk),
            "name": p["name"],
            "kana": p["name_kana"],
            "district": p["district__name"] or "",
            "town": p["town__name"] or "",
            "standard": standard,
            "age": _age_on(p["birth_date"], today) if standard else None,
            "lists": [f"{lists[k]}: {bases[b]}" for k, b in entries.get(pk, ())]
            if standard
            else [],
            "watch": watch.get(p["watch_level"], "") if standard else "",
            "last": last if standard else "",
        }
        if now is not None:
            overdue = bool(p["is_overdue"])
            due = p["due_at"]
            row["overdue"] = overdue
            row["days_overdue"] = max((now - due).days, 0) if overdue and due else None
            row["follow_up_pending"] = bool(p["follow_up_pending"])
            row["contact_url"] = contact_url.format(pk=pk)
            row["watch"] = watch.get(p["watch_level"], "")
            row["last"] = last
            row["town"] = f"{p['town__name'] or ''}{p['town__koaza'] or ''}"
            row["address"] = f"{p['address']} {p['address_detail']}".strip()
        rows.append(row)
    return rows


# --- People ----------------------------------------------------------------------------


def _person_rows_html(rows: list[dict[str, Any]]) -> SafeString:
    """The person list's table body, escaped, in one pass: a template loop costs about ten
    times as much per row, which a name search of few rows shows against its SQL."""
    dash = "—"
    never = escape(_("Never"))
    out: list[str] = []
    for p in rows:
        cells = [
            # Names, kana and districts never break mid-word; the lists column wraps instead.
            f'<tr>\n      <th scope="row" class="nowrap"><a href="{escape(p["url"])}">'
            f"{escape(p['name'])}</a></th>"
            f'\n      <td class="nowrap">{escape(p["kana"])}</td>'
            f'\n      <td class="nowrap">{escape(p["district"] or dash)}</td>'
            f"\n      <td>{escape(p['town'] or dash)}</td>"
        ]
        if p["standard"]:
            age = dash if p["age"] is None else str(p["age"])
            lists = "<br>".join(escape(text) for text in p["lists"]) or dash
            cells.append(
                f'\n      <td class="number">{age}</td>'
                f"\n      <td>{lists}</td>"
                f"\n      <td>{escape(p['watch'])}</td>"
                f"\n      <td>{escape(p['last']) if p['last'] else never}</td>"
            )
        else:
            cells.append(f'\n      <td class="number">{dash}</td>' + f"<td>{dash}</td>" * 3)
        cells.append("\n    </tr>")
        out.append("".join(cells))
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


@staff_view("care.view")
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET, user=request.user)
    people = selectors.people_for(request.user)
    if form.is_valid():
        people = selectors.filter_people(people, form.cleaned_data)
    else:
        people = people.none()
    people = people.order_by("name_kana", "name", "pk").values(*PERSON_ROW_VALUES)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    rows = _rows(page, today=today_tokyo())
    _audit_unlocks(request, "person_list", [p["pk"] for p in page if p["only_in_disaster"]])
    return render(
        request,
        "care/person_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "rows_html": _person_rows_html(rows),
            "query": _query_without_page(request),
            "standard": int(FieldLevel.STANDARD),
            **_caps(request),
        },
        status=400 if form.errors else 200,
    )


@staff_view("care.view")
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person, seen = _person_or_404(request, pk)
    level = seen.level
    details: dict[str, Any] = {"level": level.name.lower()}
    if seen.via_disaster_mode:
        details["disaster_mode"] = True
    audit.record(request.user, audit.Action.VIEW, obj=person, request=request, details=details)
    standard = level >= FieldLevel.STANDARD
    full = level >= FieldLevel.FULL
    needs = [n for n in person.needs.all() if full or (standard and not n.is_special_care)]
    entries = list(person.list_entries.all()) if standard else []
    history = list(person.consent_events.select_related("recorded_by")) if standard else []
    ties = (
        list(
            SupportTie.objects.filter(person=person)
            .select_related("supporter")
            .order_by("ended_on", "-since", "pk")
        )
        if standard
        else []
    )
    contacts = Contact.objects.filter(person=person).select_related("supporter", "recorded_by")
    if not standard:
        contacts = contacts.filter(recorded_by_id=request.user.pk)
    return render(
        request,
        "care/person_detail.html",
        {
            "person": person,
            "level": level,
            "standard": standard,
            "full": full,
            "via_disaster_mode": seen.via_disaster_mode,
            "age": person.age_on(today_tokyo()) if standard else None,
            "needs": needs,
            "entries": entries,
            "history": history,
            "ties": ties,
            "contacts": contacts[:50],
            **_caps(request),
        },
    )


@staff_view("care.manage")
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        needs = list(data.pop("needs"))
        try:
            person = services.create_person(
                request.user, _home_municipality(request), needs=needs, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error("district", _("You cannot register people in this district."))
        else:
            messages.success(request, _("The person was registered."))
            return redirect("care:person_detail", pk=person.pk)
    return render(
        request,
        "care/person_form.html",
        {"form": form, "person": None},
        status=400 if form.errors else 200,
    )


@staff_view("care.manage")
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person, _seen = _person_or_404(request, pk)
    special = access.can(request.user, "care.view_special")
    form = PersonForm(
        request.POST or None,
        user=request.user,
        initial=PersonForm.initial_for(person, special=special),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        needs = list(data.pop("needs"))
        try:
            services.update_person(request.user, person, needs=needs, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error("district", _("You cannot move people to this district."))
        else:
            messages.success(request, _("The record was updated."))
            return redirect("care:person_detail", pk=person.pk)
    return render(
        request,
        "care/person_form.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


# --- Needs -----------------------------------------------------------------------------


@staff_view("care.view")
@require_GET
def need_kind_list(request: HttpRequest) -> HttpResponse:
    special = access.can(request.user, "care.view_special")
    needs = need_kinds_for(request.user, special=special).annotate(
        people_count=Count("people", filter=Q(people__in=Person.objects.for_user(request.user)))
    )
    return render(request, "care/need_kind_list.html", {"needs": needs, **_caps(request)})


@staff_view("care.manage")
@require_http_methods(["GET", "POST"])
def need_kind_create(request: HttpRequest) -> HttpResponse:
    form = NeedKindForm(request.POST or None)
    if not access.can(request.user, "care.view_special"):
        del form.fields["is_special_care"]
    if request.method == "POST" and form.is_valid():
        try:
            services.create_need_kind(
                request.user, _home_municipality(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The kind of need was added."))
            return redirect("care:need_kind_list")
    return render(
        request, "care/need_kind_form.html", {"form": form}, status=400 if form.errors else 200
    )


# --- Lists and legal basis -------------------------------------------------------------


def _entry_or_404(request: HttpRequest, pk: int) -> ListEntry:
    return get_object_or_404(
        ListEntry.objects.filter(access.person_q(request.user, "person__")).select_related(
            "person__municipality"
        ),
        pk=pk,
    )


@staff_view("care.manage_basis")
@require_http_methods(["GET", "POST"])
def list_entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    person, _seen = _person_or_404(request, pk)
    form = ListEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_to_list(request.user, person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The person was added to the list."))
            return redirect("care:person_detail", pk=person.pk)
    return render(
        request,
        "care/list_entry_form.html",
        {"form": form, "person": person, "entry": None},
        status=400 if form.errors else 200,
    )


@staff_view("care.manage_basis")
@require_http_methods(["GET", "POST"])
def list_entry_change(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    form = BasisChangeForm(
        request.POST or None,
        initial={
            "basis": entry.basis,
            "consent_on": entry.consent_on,
            "consent_scope": entry.consent_scope,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_basis(request.user, entry, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The legal basis was changed."))
            return redirect("care:person_detail", pk=entry.person_id)
    return render(
        request,
        "care/list_entry_form.html",
        {"form": form, "person": entry.person, "entry": entry},
        status=400 if form.errors else 200,
    )


def _dated_entry_action(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    form = DatedNoteForm(request.POST)
    if form.is_valid():
        try:
            action(request.user, entry, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect("care:person_detail", pk=entry.person_id)


@staff_view("care.manage")
@require_POST
def list_entry_removal_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _dated_entry_action(
        request, pk, services.record_removal_request, _("The removal request was recorded.")
    )


@staff_view("care.manage_basis")
@require_POST
def list_entry_leave(request: HttpRequest, pk: int) -> HttpResponse:
    return _dated_entry_action(
        request, pk, services.leave_list, _("The person was taken off the list.")
    )


# --- Supporters and ties ---------------------------------------------------------------


@staff_view("care.view")
@require_GET
def supporter_list(request: HttpRequest) -> HttpResponse:
    today = today_tokyo()
    active_ties = SupportTie.objects.for_user(request.user).active_on(today)
    supporters = (
        Supporter.objects.for_user(request.user)
        .select_related("district")
        .annotate(tie_count=Count("ties", filter=Q(ties__in=active_ties)))
        .order_by("district__sort_order", "kind", "name_kana", "pk")
    )
    page = Paginator(supporters, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "care/supporter_list.html", {"page": page, "query": "", **_caps(request)}
    )


@staff_view("care.view")
@require_GET
def supporter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supporter = get_object_or_404(
        Supporter.objects.for_user(request.user).select_related("district", "user"), pk=pk
    )
    ties = (
        SupportTie.objects.for_user(request.user)
        .filter(supporter=supporter)
        .select_related("person")
        .order_by("ended_on", "person__name_kana", "pk")
    )
    return render(
        request,
        "care/supporter_detail.html",
        {
            "supporter": supporter,
            "ties": ties,
            "can_edit": access.can(request.user, "care.manage")
            and supporter.district_id in access.visible_district_ids(request.user),
            **_caps(request),
        },
    )


@staff_view("care.manage")
@require_http_methods(["GET", "POST"])
def supporter_create(request: HttpRequest) -> HttpResponse:
    form = SupporterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            supporter = services.create_supporter(
                request.user, _home_municipality(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error("district", _("You cannot register supporters in this district."))
        else:
            messages.success(request, _("The supporter was registered."))
            return redirect("care:supporter_detail", pk=supporter.pk)
    return render(
        request, "care/supporter_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _managed_supporter_or_404(request: HttpRequest, pk: int) -> Supporter:
    """A supporter the user may manage: one of their districts' — or, for someone who sees
    the whole ward, one with no district yet (another district's is a 404, as is a supporter
    seen only as the user's own profile)."""
    user = request.user
    managed = access.district_q(user, "district_id") | Q(
        district__isnull=True,
        municipality_id__in=sorted(access.ward_wide_municipality_ids(user)),
    )
    return get_object_or_404(
        Supporter.objects.for_user(user).filter(managed).select_related("district", "municipality"),
        pk=pk,
    )


@staff_view("care.manage")
@require_http_methods(["GET", "POST"])
def supporter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supporter = _managed_supporter_or_404(request, pk)
    form = SupporterForm(
        request.POST or None, user=request.user, initial=SupporterForm.initial_for(supporter)
    )
    form.fields["town"].help_text = _("Leave empty to keep the present position on the map.")
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_supporter(request.user, supporter, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error("district", _("You cannot move supporters to this district."))
        else:
            messages.success(
                request,
                _("The supporter was updated.") if changed else _("Nothing was changed."),
            )
            return redirect("care:supporter_detail", pk=supporter.pk)
        supporter.refresh_from_db()
    return render(
        request,
        "care/supporter_form.html",
        {"form": form, "supporter": supporter},
        status=400 if form.errors else 200,
    )


@staff_view("care.manage")
@require_http_methods(["GET", "POST"])
def supporter_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    supporter = _managed_supporter_or_404(request, pk)
    if not supporter.is_active:
        messages.info(request, _("This supporter is no longer active."))
        return redirect("care:supporter_detail", pk=supporter.pk)
    form = SupporterDeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ended = services.deactivate_supporter(
                request.user,
                supporter,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                end_ties=form.cleaned_data["end_ties"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "The supporter is no longer active; %(count)d tie was ended.",
                    "The supporter is no longer active; %(count)d ties were ended.",
                    len(ended),
                )
                % {"count": len(ended)},
            )
            return redirect("care:supporter_detail", pk=supporter.pk)
    today = today_tokyo()
    open_ties = list(
        SupportTie.objects.for_user(request.user)
        .filter(supporter=supporter, ended_on__isnull=True)
        .select_related("person")
        .order_by("person__name_kana", "pk")
    )
    # What the isolation analysis would show once this supporter counts no more.
    left_alone = list(isolation.left_with_nobody(request.user, today, [supporter.pk])[:50])
    return render(
        request,
        "care/supporter_deactivate.html",
        {
            "form": form,
            "supporter": supporter,
            "open_ties": open_ties,
            "left_alone": left_alone,
            "left_with_one": isolation.left_with_one(request.user, today, [supporter.pk]),
            "what_if_url": reverse("care_analysis:what_if") + f"?supporter={supporter.pk}",
            "can_see_analysis": access.can(request.user, "care.manage"),
        },
        status=400 if form.errors else 200,
    )


@staff_view("care.manage")
@require_POST
def supporter_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    supporter = _managed_supporter_or_404(request, pk)
    try:
        services.reactivate_supporter(request.user, supporter)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The supporter is active again."))
    return redirect("care:supporter_detail", pk=supporter.pk)


@staff_view("care.manage")
@require_http_methods(["GET", "POST"])
def tie_create(request: HttpRequest, pk: int) -> HttpResponse:
    person, _seen = _person_or_404(request, pk)
    form = TieForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        supporter = data.pop("supporter")
        try:
            services.create_tie(request.user, person, supporter, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The support tie was recorded."))
            return redirect("care:person_detail", pk=person.pk)
    return render(
        request,
        "care/tie_form.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


@staff_view("care.manage")
@require_http_methods(["GET", "POST"])
def tie_end(request: HttpRequest, pk: int) -> HttpResponse:
    tie = get_object_or_404(
        SupportTie.objects.for_user(request.user).select_related("person", "supporter"), pk=pk
    )
    form = TieEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_tie(
                request.user,
                tie,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["end_reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The support tie was ended."))
            return redirect("care:person_detail", pk=tie.person_id)
    return render(
        request,
        "care/tie_end_form.html",
        {"form": form, "tie": tie},
        status=400 if form.errors else 200,
    )


@staff_view("care.view")
@require_GET
def support_map(request: HttpRequest) -> HttpResponse:
    districts = list(
        District.objects.filter(
            pk__in=Person.objects.for_user(request.user).values("district_id")
        ).order_by("sort_order")
    )
    form = MapDistrictForm(request.GET or None, user=request.user)
    form.fields["district"].choices = [(str(d.pk), d.name) for d in districts]  # type: ignore[attr-defined]
    chosen: District | None = None
    if request.GET and form.is_valid():
        chosen = next(d for d in districts if str(d.pk) == form.cleaned_data["district"])
    elif not request.GET and districts:
        chosen = districts[0]
    data = selectors.MapData()
    towns: list[dict[str, Any]] = []
    if chosen is not None:
        data = selectors.map_data(
            request.user,
            chosen.pk,
            today_tokyo(),
            lambda pk: reverse("care:person_detail", kwargs={"pk": pk}),
        )
        towns = [
            {"name": f"{t.name}{t.koaza}", "lat": float(t.lat), "lng": float(t.lng)}
            for t in Town.objects.filter(district=chosen).order_by("name", "koaza")
        ]
        _audit_unlocks(request, "support_map", data.unlocked_ids)
    tied = {t["person"] for t in data.ties}
    return render(
        request,
        "care/support_map.html",
        {
            "form": form,
            "district": chosen,
            "data": data,
            "untied": [p for p in data.people if p["id"] not in tied],
            "map_json": {
                "people": data.people,
                "supporters": data.supporters,
                "ties": data.ties,
                "towns": towns,
                "tile_url": getattr(settings, "AINET_MAP_TILE_URL", "") or "",
                "tile_attribution": getattr(settings, "AINET_MAP_TILE_ATTRIBUTION", "") or "",
                "labels": {
                    "person": _("Person who needs support"),
                    "supporter": _("Supporter"),
                    "open": _("Open the record"),
                },
            },
        },
        status=400 if form.errors else 200,
    )


# --- Contacts and the worklist ---------------------------------------------------------


@staff_view("care.record_contact")
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    person, _seen = _person_or_404(request, pk)
    form = ContactForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_contact(request.user, person, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The contact was logged."))
            return redirect("care:person_detail", pk=person.pk)
    return render(
        request,
        "care/contact_form.html",
        {"form": form, "person": person},
        status=400 if form.errors else 200,
    )


@staff_view("care.record_contact")
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(
        Contact.objects.for_user(request.user).select_related("person__municipality"), pk=pk
    )
    form = DatedNoteForm(request.POST)
    if form.is_valid():
        try:
            services.complete_follow_up(request.user, contact, on=form.cleaned_data["on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The follow-up was marked as done."))
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect("care:person_detail", pk=contact.person_id)


def _worklist_people(request: HttpRequest, now: datetime.datetime) -> tuple[PersonFilterForm, Any]:
    """The filter form and the worklist it selects (the page, its CSV and its print read the
    same rows in the same order)."""
    form = PersonFilterForm(request.GET, user=request.user)
    people = selectors.worklist(request.user, now)
    if form.is_valid():
        people = selectors.filter_people(people, form.cleaned_data)
    else:
        people = people.none()
    return form, people


def _can_export_worklist(request: HttpRequest) -> bool:
    # Whoever sees the worklist may take it into the field: the CSV and the print hold the
    # rows and fields the page shows them (plus the phone, as the person's page does), and
    # each one is audited with the people in it.
    return access.can(request.user, "care.view")


@staff_view("care.view")
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form, people = _worklist_people(request, now)
    page = Paginator(people.values(*WORKLIST_ROW_VALUES), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # The worklist shows no lists column: no list entries are read for it.
    rows = _rows(page, today=today_tokyo(), now=now, with_lists=False)
    _audit_unlocks(request, "worklist", [p["pk"] for p in page if p["only_in_disaster"]])
    return render(
        request,
        "care/worklist.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": _query_without_page(request),
            "standard": int(FieldLevel.STANDARD),
            "can_export": _can_export_worklist(request),
            **_caps(request),
        },
        status=400 if form.errors else 200,
    )


def _worklist_output(
    request: HttpRequest, action: str, report: str
) -> tuple[PersonFilterForm, list[dict[str, Any]], datetime.datetime]:
    """Every row of the worklist the filter selects (not one page), audited as `action`
    with the people in it — the evacuation list's prints and export do the same."""
    if not _can_export_worklist(request):
        raise PermissionDenied
    now = timezone.now()
    form, people = _worklist_people(request, now)
    values = list(people.values(*WORKLIST_OUTPUT_VALUES))
    rows = _rows(values, today=today_tokyo(), now=now, with_lists=False)
    for row, p in zip(rows, values, strict=True):
        row["phone"] = p["phone"]
        row["town_id"] = p["town_id"]
        row["district_order"] = p["district__sort_order"]
    municipality = _home_municipality(request)
    audit.record(
        request.user,
        action,
        municipality=municipality,
        request=request,
        details={
            "report": report,
            "filter": _filter_values(form),
            "people": sorted(row["pk"] for row in rows),
        },
    )
    _audit_unlocks(request, report, [p["pk"] for p in values if p["only_in_disaster"]])
    return form, rows, now


def _filter_values(form: PersonFilterForm) -> dict[str, str]:
    if not form.is_bound or form.errors:
        return {}
    return {name: str(value) for name, value in form.cleaned_data.items() if value}


def _filter_summary(form: PersonFilterForm) -> str:
    """Each filter in use with its chosen value ("地区: 矢向 / 見守りの頻度: 高…"), as the
    print shows them; empty when there is none."""
    summary = []
    for name, value in _filter_values(form).items():
        field = form.fields[name]
        choices = dict(getattr(field, "choices", ()))
        summary.append(
            _("%(label)s: %(value)s") % {"label": field.label, "value": choices.get(value, value)}
        )
    return " / ".join(summary)


def _days_overdue_text(row: dict[str, Any]) -> str:
    if not row["overdue"]:
        return ""
    if row["days_overdue"] is None:
        return _("never contacted")
    return str(row["days_overdue"])


@staff_view("care.view")
@require_GET
def worklist_csv(request: HttpRequest) -> HttpResponse:
    _form, rows, _now = _worklist_output(request, audit.Action.EXPORT, "worklist_csv")
    header = [
        _("District"),
        _("Town block"),
        _("Address"),
        pgettext("person", "Name"),
        _("Furigana"),
        _("Phone"),
        _("Watch-over level"),
        _("Last contact"),
        _("Days overdue"),
        _("Follow-up waiting"),
    ]
    yes, no = _("Yes"), _("No")
    body = [
        [
            row["district"],
            row["town"],
            row["address"],
            row["name"],
            row["kana"],
            row["phone"],
            row["watch"],
            row["last"] or _("Never"),
            _days_overdue_text(row),
            yes if row["follow_up_pending"] else no,
        ]
        for row in rows
    ]
    return csvio.csv_response(
        f"worklist-{today_tokyo():%Y%m%d}.csv", header, body, request.GET.get("encoding", "utf-8")
    )


_CHOME_NUMBER = re.compile(r"^(.*?)(\d+)丁目(.*)$")


def _town_order(name: str) -> tuple[str, int, str]:
    """Town blocks in their numbered order (尻手一丁目, 尻手二丁目, 尻手三丁目), not by the
    kanji numerals' code points."""
    key = kana.address_key(name)
    match = _CHOME_NUMBER.match(key)
    if match is None:
        return (key, 0, "")
    return (match.group(1), int(match.group(2)), match.group(3))


@staff_view("care.view")
@require_GET
def worklist_print(request: HttpRequest) -> HttpResponse:
    form, rows, now = _worklist_output(request, audit.Action.PRINT, "worklist_print")
    # Grouped by town block for planning a round: districts in their order, town blocks by
    # name; within a town block the worklist's own order (most urgent first).
    rows.sort(
        key=lambda r: (
            r["district_order"] is None,
            r["district_order"] or 0,
            r["district"],
            r["town_id"] is None,
            *_town_order(r["town"]),
            r["town_id"] or 0,
        )
    )
    groups: list[dict[str, Any]] = []
    for row in rows:
        if not groups or groups[-1]["town_id"] != row["town_id"]:
            groups.append(
                {
                    "town_id": row["town_id"],
                    "town": row["town"],
                    "district": row["district"],
                    "rows": [],
                }
            )
        groups[-1]["rows"].append(row)
    return render(
        request,
        "care/worklist_print.html",
        {
            "groups": groups,
            "count": len(rows),
            "filters": _filter_summary(form),
            "printed_at": timezone.localtime(now),
            "printed_by": request.user,
            "query": _query_without_page(request),
        },
    )


# --- 民生委員 monthly activity figures -------------------------------------------------


def _figures(request: HttpRequest) -> tuple[MonthForm, selectors.Figures]:
    form = MonthForm(request.GET or None, user=request.user)
    month = form.month_date(selectors.default_month())
    district_id = None
    if form.is_valid() and form.cleaned_data["district"]:
        district_id = int(form.cleaned_data["district"])
    return form, selectors.minsei_figures(request.user, month, district_id)


def _category_headers() -> list[str]:
    from ainet.care.models import ContactCategory

    return [str(ContactCategory(c).label) for c in selectors.CATEGORY_ORDER]


@staff_view("care.view_figures")
@require_GET
def minsei_figures(request: HttpRequest) -> HttpResponse:
    form, figures = _figures(request)
    return render(
        request,
        "care/minsei_figures.html",
        {
            "form": form,
            "figures": figures,
            "headers": _category_headers(),
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


@staff_view("care.view_figures")
@require_GET
def minsei_figures_csv(request: HttpRequest) -> HttpResponse:
    _form, figures = _figures(request)
    header = [
        _("Commissioner"),
        _("District"),
        *_category_headers(),
        _("Total"),
        _("Days active"),
    ]
    rows = [
        [r.label, r.district, *r.cells(), r.total, r.days_active] for r in figures.commissioners
    ]
    rows += [
        [_("District total"), r.district, *r.cells(), r.total, r.days_active]
        for r in figures.districts
    ]
    audit.record(
        request.user,
        audit.Action.EXPORT,
        municipality=_home_municipality(request),
        request=request,
        details={"export": "minsei_figures", "month": figures.month.strftime("%Y-%m")},
    )
    return csvio.csv_response(
        f"minsei-{figures.month:%Y-%m}.csv",
        header,
        rows,
        request.GET.get("encoding", "utf-8"),
    )
