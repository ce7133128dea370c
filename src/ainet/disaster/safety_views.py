"""Safety-confirmation pages: campaigns, the phone page where supporters record each person's
status (one small form post per person, no script needed; by default only the people still to
confirm, each form folded in a <details>), the live district board (htmx polling), each
person's history, the audited CSV export and the A4 print view.

Thin views: parse, authorise (`staff_view`, then scoped querysets so another district's
campaign or person is a 404), call `safety`, render."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ainet.care import kana
from ainet.care.models import DisasterDeclaration, Person
from ainet.core import access, audit, csvio
from ainet.core.guards import staff_view
from ainet.core.models import District, Municipality
from ainet.disaster import safety
from ainet.disaster.models import SafetyCampaign, SafetyLatest, SafetyStatus, SafetyUpdate

BOARD_REFRESH_SECONDS = 5
HISTORY_LIMIT = 500
# "Not yet confirmed" on the phone page: no update yet, or the last visit found no one (not at
# home, unknown) — the people a supporter still has to find. "Needs help" counts as confirmed:
# someone saw the person, and the board (not the doorstep list) follows it up.
TO_CONFIRM_STATUSES = frozenset({SafetyStatus.NOT_HOME, SafetyStatus.UNKNOWN})
SEARCH_MAX_LENGTH = 100


class OpenCampaignForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    districts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Districts (none: every district)"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    declaration = forms.ModelChoiceField(
        label=gettext_lazy("Disaster-mode declaration (optional)"),
        queryset=DisasterDeclaration.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts: Any = self.fields["districts"]
        districts.queryset = District.objects.filter(municipality=municipality).order_by(
            "sort_order", "code"
        )
        declaration: Any = self.fields["declaration"]
        declaration.queryset = DisasterDeclaration.objects.filter(municipality=municipality)


def _campaign_or_404(request: HttpRequest, pk: int) -> SafetyCampaign:
    campaign = (
        SafetyCampaign.objects.for_user(request.user)
        .select_related("municipality", "declaration")
        .filter(pk=pk)
        .first()
    )
    if campaign is None:
        raise Http404
    return campaign


def _admin_municipality(request: HttpRequest) -> Municipality | None:
    ids = sorted(access.administered_municipality_ids(request.user))
    return Municipality.objects.filter(pk__in=ids).order_by("code").first()


def _campaign_districts(request: HttpRequest, campaign: SafetyCampaign) -> QuerySet[District]:
    """The campaign's districts the user works in (a volunteer has none: they see their own
    people, without a district list)."""
    ids = safety.campaign_district_ids(campaign)
    districts = District.objects.for_user(request.user).filter(
        municipality_id=campaign.municipality_id
    )
    if ids is not None:
        districts = districts.filter(pk__in=sorted(ids))
    return districts.order_by("sort_order", "code")


def _district_filter(
    request: HttpRequest, campaign: SafetyCampaign
) -> tuple[District | None, QuerySet[Person]]:
    """The people of the campaign the user sees, narrowed to ?district= if given (a district
    of another scope or outside the campaign is a 404)."""
    people = safety.campaign_people(request.user, campaign)
    raw = request.GET.get("district", "")
    if not raw:
        return None, people
    if not raw.isdigit():
        raise Http404
    district = _campaign_districts(request, campaign).filter(pk=int(raw)).first()
    if district is None:
        raise Http404
    return district, people.filter(district=district)


@dataclass
class Row:
    person: Person
    latest: SafetyLatest | None


def _rows(campaign: SafetyCampaign, people: QuerySet[Person]) -> list[Row]:
    listed = list(
        people.select_related("district", "town").order_by("district__sort_order", "name_kana")
    )
    latest = {
        row.person_id: row
        for row in SafetyLatest.objects.filter(
            campaign=campaign, person_id__in=[p.pk for p in listed]
        ).select_related("update__recorded_by")
    }
    return [Row(person, latest.get(person.pk)) for person in listed]


def _audit_unlocked_rows(
    request: HttpRequest, campaign: SafetyCampaign, rows: list[Row], what: str
) -> None:
    """Audit the people only disaster mode shows. The board refreshes every few seconds, so
    a refresh that shows the same unlocked people as the last audited one adds nothing."""
    ids = sorted(r.person.pk for r in rows if getattr(r.person, "unlocked", False))
    if not ids:
        return
    session_key = f"safety_unlocked_{campaign.pk}_{what}"
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()
    if request.session.get(session_key) == digest:
        return
    safety.audit_unlocks(request.user, campaign, ids, what=what, request=request)
    request.session[session_key] = digest


# --- Campaigns --------------------------------------------------------------------------


@staff_view("disaster.safety_record")
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(
        SafetyCampaign.objects.for_user(request.user).prefetch_related("districts")[:100]
    )
    municipality = _admin_municipality(request)
    form = (
        OpenCampaignForm(municipality=municipality)
        if municipality and access.can(request.user, "disaster.safety_open")
        else None
    )
    return render(
        request,
        "disaster/safety_campaign_list.html",
        {
            "open_campaigns": [c for c in campaigns if c.is_open],
            "closed_campaigns": [c for c in campaigns if not c.is_open],
            "form": form,
            "can_open": form is not None,
        },
    )


@staff_view("disaster.safety_open")
@require_POST
def campaign_open(request: HttpRequest) -> HttpResponse:
    municipality = _admin_municipality(request)
    if municipality is None:
        raise PermissionDenied
    form = OpenCampaignForm(request.POST, municipality=municipality)
    if form.is_valid():
        try:
            campaign = safety.open_campaign(
                request.user,
                municipality,
                title=form.cleaned_data["title"],
                districts=list(form.cleaned_data["districts"]),
                declaration=form.cleaned_data["declaration"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The safety confirmation campaign is open."))
            return redirect("safety:campaign_detail", campaign.pk)
    campaigns = list(SafetyCampaign.objects.for_user(request.user)[:100])
    return render(
        request,
        "disaster/safety_campaign_list.html",
        {
            "open_campaigns": [c for c in campaigns if c.is_open],
            "closed_campaigns": [c for c in campaigns if not c.is_open],
            "form": form,
            "can_open": True,
        },
        status=400,
    )


@staff_view("disaster.safety_open")
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    try:
        safety.close_campaign(request.user, campaign, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The campaign is closed."))
    return redirect("safety:campaign_detail", campaign.pk)


@staff_view("disaster.safety_record")
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    districts = list(_campaign_districts(request, campaign))
    people = safety.campaign_people(request.user, campaign)
    totals: dict[int | None, int] = {}
    for district_id in people.values_list("district_id", flat=True):
        totals[district_id] = totals.get(district_id, 0) + 1
    confirmed: dict[int | None, int] = {}
    # Confirmed as on the phone page: someone found the person (not "not at home"/"unknown").
    for district_id in (
        SafetyLatest.objects.filter(campaign=campaign, person__in=people.values("pk"))
        .exclude(status__in=sorted(TO_CONFIRM_STATUSES))
        .values_list("person__district_id", flat=True)
    ):
        confirmed[district_id] = confirmed.get(district_id, 0) + 1
    summary = [
        {"district": d, "total": totals.get(d.pk, 0), "confirmed": confirmed.get(d.pk, 0)}
        for d in districts
    ]
    return render(
        request,
        "disaster/safety_campaign_detail.html",
        {
            "campaign": campaign,
            "summary": summary,
            "people_total": sum(totals.values()),
            "confirmed_total": sum(confirmed.values()),
            "can_open": access.can(request.user, "disaster.safety_open"),
            "can_manage": access.can(request.user, "disaster.safety_manage"),
        },
    )


# --- The phone page ---------------------------------------------------------------------


def _to_confirm(row: Row) -> bool:
    return row.latest is None or row.latest.status in TO_CONFIRM_STATUSES


def _record_order(row: Row) -> int:
    """Never recorded first, then those to visit again, then everyone confirmed."""
    if row.latest is None:
        return 0
    return 1 if row.latest.status in TO_CONFIRM_STATUSES else 2


def _search_words(request: HttpRequest) -> list[str]:
    return kana.normalise(request.GET.get("q", "")[:SEARCH_MAX_LENGTH]).split(" ")


def _matches(person: Person, words: list[str]) -> bool:
    """Name, furigana (any kana script or width), town block or address contains every word."""
    name = person.name.replace(" ", "").replace("\u3000", "").casefold()
    furigana = kana.kana_key(person.name_kana)
    address = kana.address_key(f"{person.address}{person.address_detail}")
    town = kana.address_key(str(person.town)) if person.town else ""
    for word in words:
        word_key = kana.address_key(word)
        if not (
            word.casefold() in name
            or kana.kana_key(word) in furigana
            or word_key in address
            or word_key in town
        ):
            return False
    return True


def _record_query(district: District | None, show_all: bool, search: str) -> str:
    """The page's filter as a query string, carried by every form so that a post (and its
    redirect back, or its 400) shows the same list."""
    params: list[tuple[str, str]] = []
    if district:
        params.append(("district", str(district.pk)))
    if show_all:
        params.append(("show", "all"))
    if search:
        params.append(("q", search))
    return urlencode(params)


def _record_context(
    request: HttpRequest, campaign: SafetyCampaign, errors: dict[int, str] | None = None
) -> dict[str, Any]:
    errors = errors or {}
    district, people = _district_filter(request, campaign)
    show_all = request.GET.get("show") == "all"
    words = [w for w in _search_words(request) if w]
    search = " ".join(words)
    rows = sorted(_rows(campaign, people), key=_record_order)  # stable: kana order within
    to_confirm_total = sum(1 for row in rows if _to_confirm(row))
    shown = [
        row
        for row in rows
        # A person whose post failed stays on the page with the reason, whatever the filter.
        if row.person.pk in errors
        or ((show_all or _to_confirm(row)) and (not words or _matches(row.person, words)))
    ]
    _audit_unlocked_rows(request, campaign, shown, "record_page")
    return {
        "campaign": campaign,
        "district": district,
        # One fresh key per form: a browser that re-sends the post re-sends the key.
        "rows": [(row, uuid.uuid4().hex, errors.get(row.person.pk)) for row in shown],
        "statuses": SafetyStatus.choices,
        "evacuated": SafetyStatus.EVACUATED,
        "show_all": show_all,
        "search": search,
        "people_total": len(rows),
        "to_confirm_total": to_confirm_total,
        "query": _record_query(district, show_all, search),
        "todo_query": _record_query(district, False, search),
        "all_query": _record_query(district, True, search),
        "unsearched_query": _record_query(district, show_all, ""),
    }


@staff_view("disaster.safety_record")
@require_GET
def record_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    return render(request, "disaster/safety_record.html", _record_context(request, campaign))


@staff_view("disaster.safety_record")
@require_http_methods(["POST"])
def record_post(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    raw_person = request.POST.get("person", "")
    if not raw_person.isdigit() or len(raw_person) > 18:
        raise Http404
    person_id = int(raw_person)
    try:
        recorded = safety.record_update(
            request.user,
            campaign,
            person_id=person_id,
            key=request.POST.get("key", ""),
            status=request.POST.get("status", ""),
            evacuated_to=request.POST.get("evacuated_to", ""),
            note=request.POST.get("note", ""),
            request=request,
        )
    except safety.SafetyError as error:
        if error.status == 404:
            raise Http404 from error
        context = _record_context(request, campaign, errors={person_id: error.text()})
        return render(request, "disaster/safety_record.html", context, status=400)
    update = recorded.update
    label = SafetyStatus(update.status).label
    # The name says whose card just left the list; a replay for someone no longer visible
    # gets the message without it.
    name = Person.objects.for_user(request.user).filter(pk=person_id).values_list("name").first()
    if recorded.created and name:
        text = _("Recorded for %(name)s: %(status)s.") % {"name": name[0], "status": label}
        messages.success(request, text)
    elif recorded.created:
        messages.success(request, _("Recorded: %(status)s.") % {"status": label})
    elif name:
        text = _("This update for %(name)s was already recorded: %(status)s.") % {
            "name": name[0],
            "status": label,
        }
        messages.info(request, text)
    else:
        messages.info(
            request, _("This update was already recorded: %(status)s.") % {"status": label}
        )
    # Back to the same list. A person still on it (everyone shown, or to visit again) is
    # scrolled to; one who left it lands the supporter on the message and the next people.
    district = request.GET.get("district", "")
    show_all = request.GET.get("show") == "all"
    params = [("district", district)] if district.isdigit() else []
    if show_all:
        params.append(("show", "all"))
    search = " ".join(w for w in _search_words(request) if w)
    if search:
        params.append(("q", search))
    still_listed = show_all or update.status in TO_CONFIRM_STATUSES
    anchor = f"#person-{person_id}" if still_listed else "#main"
    target = reverse("safety:record_page", args=[campaign.pk])
    query = f"?{urlencode(params)}" if params else ""
    return redirect(f"{target}{query}{anchor}")


# --- The board ----------------------------------------------------------------------------


def _board_context(request: HttpRequest, campaign: SafetyCampaign) -> dict[str, Any]:
    district, people = _district_filter(request, campaign)
    status = request.GET.get("status", "")
    rows = _rows(campaign, people)
    counts = safety.status_counts([r.latest for r in rows if r.latest], len(rows))
    if status == "pending":
        rows = [r for r in rows if r.latest is None]
    elif status in SafetyStatus.values:
        rows = [r for r in rows if r.latest and r.latest.status == status]
    _audit_unlocked_rows(request, campaign, rows, "board")
    query = f"district={district.pk}" if district else ""
    return {
        "campaign": campaign,
        "district": district,
        "districts": list(_campaign_districts(request, campaign)),
        "rows": rows,
        "counts": counts,
        "status": status,
        "query": query,
        "refresh": BOARD_REFRESH_SECONDS,
        "now": timezone.now(),
        "can_manage": access.can(request.user, "disaster.safety_manage"),
    }


@staff_view("disaster.safety_record")
@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    return render(request, "disaster/safety_board.html", _board_context(request, campaign))


@staff_view("disaster.safety_record")
@require_GET
def board_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's table and counts alone, for htmx to swap in every few seconds."""
    campaign = _campaign_or_404(request, pk)
    return render(request, "disaster/safety_board_live.html", _board_context(request, campaign))


@staff_view("disaster.safety_record")
@require_GET
def person_history(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    person = (
        safety.campaign_people(request.user, campaign)
        .select_related("district")
        .filter(pk=person_pk)
        .first()
    )
    if person is None:
        raise Http404
    if getattr(person, "unlocked", False):
        safety.audit_unlocks(request.user, campaign, [person.pk], what="history", request=request)
    updates = list(
        SafetyUpdate.objects.filter(campaign=campaign, person=person)
        .select_related("recorded_by")
        .order_by("-observed_at", "-id")[:HISTORY_LIMIT]
    )
    return render(
        request,
        "disaster/safety_history.html",
        {"campaign": campaign, "person": person, "updates": updates},
    )


# --- Export and print -----------------------------------------------------------------


def _export_rows(campaign: SafetyCampaign, rows: list[Row]) -> list[list[Any]]:
    out = []
    for row in rows:
        latest = row.latest
        out.append(
            [
                row.person.pk,
                row.person.name,
                row.person.name_kana,
                row.person.district.name if row.person.district else "",
                f"{row.person.address} {row.person.address_detail}".strip(),
                row.person.phone,
                SafetyStatus(latest.status).label if latest else _("Not yet confirmed"),
                latest.evacuated_to if latest else "",
                timezone.localtime(latest.observed_at).strftime("%Y-%m-%d %H:%M") if latest else "",
                latest.update.recorded_by.get_username() if latest else "",
                latest.update_count if latest else 0,
            ]
        )
    return out


@staff_view("disaster.safety_manage")
@require_GET
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    district, people = _district_filter(request, campaign)
    rows = _rows(campaign, people)
    header = [
        _("ID"),
        pgettext("person", "Name"),
        _("Furigana"),
        _("District"),
        _("Address"),
        _("Phone"),
        _("Status"),
        _("Evacuated to"),
        _("Observed at"),
        _("Recorded by"),
        _("Updates"),
    ]
    audit.record(
        request.user,
        audit.Action.EXPORT,
        obj=campaign,
        request=request,
        details={
            "district": district.code if district else None,
            "rows": len(rows),
            "disaster_mode_people": sorted(
                r.person.pk for r in rows if getattr(r.person, "unlocked", False)
            ),
        },
    )
    name = f"safety-{campaign.pk}{'-' + district.code if district else ''}.csv"
    return csvio.csv_response(
        name, header, _export_rows(campaign, rows), request.GET.get("encoding", "utf-8")
    )


@staff_view("disaster.safety_manage")
@require_GET
def print_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    district, people = _district_filter(request, campaign)
    rows = _rows(campaign, people)
    audit.record(
        request.user,
        audit.Action.PRINT,
        obj=campaign,
        request=request,
        details={
            "district": district.code if district else None,
            "rows": len(rows),
            "disaster_mode_people": sorted(
                r.person.pk for r in rows if getattr(r.person, "unlocked", False)
            ),
        },
    )
    return render(
        request,
        "disaster/safety_print.html",
        {
            "campaign": campaign,
            "district": district,
            "rows": rows,
            "counts": safety.status_counts([r.latest for r in rows if r.latest], len(rows)),
            "printed_at": timezone.now(),
        },
    )
