"""Reads of the care app: the person list, the worklist of overdue contacts, the support map's
data and the 民生委員 monthly activity figures.

Every read starts from a scoped queryset (`for_user`) and annotates each person's field level
(`access.person_level_expression`) in the same query, so a page costs the same number of
queries however many people it shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate

from ainet.care import kana
from ainet.care.models import (
    CONTACT_INTERVAL_DAYS,
    Contact,
    ContactCategory,
    ListEntry,
    Person,
    Supporter,
    SupporterKind,
    SupportTie,
    WatchLevel,
)
from ainet.core import access
from ainet.core.access import FieldLevel
from ainet.core.dates import TOKYO, today_tokyo

# people_for's querysets, built once per worker for each `access.person_q_key` (which names
# everything the access condition reads, as read for this request) and handed out as clones:
# building the condition's Q objects costs more than a small list's SQL. The rows are still
# decided by the database on every request.
_PEOPLE_FOR: dict[tuple[Any, ...], QuerySet[Person]] = {}
_PEOPLE_FOR_MAX = 1024


def people_for(user: Any) -> QuerySet[Person]:
    """The people the user may see, each with `field_level` (a FieldLevel value) and
    `only_in_disaster` (True: visible only through a disaster-mode declaration)."""
    from django.db import connection

    key = (connection.alias, access.person_q_key(user))
    cached = _PEOPLE_FOR.get(key) if key[1] else None
    if cached is not None:
        return cached.all()
    uniform = access.uniform_person_level(user)
    level: Any = (
        Value(int(uniform)) if uniform is not None else access.person_level_expression(user)
    )
    unlocked: Any = Value(False)
    if access.disaster_unlocks_possible(user):
        unlocked = Case(When(access.person_normal_q(user), then=Value(False)), default=Value(True))
    people = (
        Person.objects.for_user(user)
        .annotate(field_level=level, only_in_disaster=unlocked)
        .select_related("district", "town")
    )
    if key[1]:
        if len(_PEOPLE_FOR) >= _PEOPLE_FOR_MAX:
            _PEOPLE_FOR.clear()
        _PEOPLE_FOR[key] = people
    return people.all()


def search(people: QuerySet[Person], text: str) -> QuerySet[Person]:
    """By name or furigana, insensitive to kana script and width (すずき = スズキ = ｽｽﾞｷ)."""
    text = kana.normalise(text)
    if not text:
        return people
    words = text.split(" ")
    for word in words:
        key = kana.kana_key(word)
        people = people.filter(
            Q(name__icontains=word) | Q(match_kana__contains=key) | Q(resident_number=word)
        )
    return people


def filter_people(people: QuerySet[Person], data: dict[str, Any]) -> QuerySet[Person]:
    if data.get("q"):
        people = search(people, data["q"])
    if data.get("district"):
        people = people.filter(district_id=int(data["district"]))
    entry = {}
    if data.get("list_kind"):
        entry["list_kind"] = data["list_kind"]
    if data.get("basis"):
        entry["basis"] = data["basis"]
    if entry:
        people = people.filter(
            Exists(ListEntry.objects.filter(person=OuterRef("pk"), left_on__isnull=True, **entry))
        )
    if data.get("need"):
        people = people.filter(
            Exists(
                Person.needs.through.objects.filter(person=OuterRef("pk"), needkind=data["need"])
            )
        )
    if data.get("watch_level"):
        people = people.filter(watch_level=data["watch_level"])
    return people


# --- Worklist --------------------------------------------------------------------------


def _due_at() -> Case:
    """When the next contact is due: the last contact plus the watch level's interval."""
    return Case(
        *[
            When(
                watch_level=level,
                then=ExpressionWrapper(
                    F("last_contact_at") + Value(datetime.timedelta(days=days)),
                    output_field=DateTimeField(),
                ),
            )
            for level, days in CONTACT_INTERVAL_DAYS.items()
        ],
        output_field=DateTimeField(),
    )


def _overdue_q(now: datetime.datetime) -> Q:
    q = Q(last_contact_at__isnull=True)
    for level, days in CONTACT_INTERVAL_DAYS.items():
        q |= Q(watch_level=level, last_contact_at__lt=now - datetime.timedelta(days=days))
    return q


# Watch levels most urgent first (high = weekly contact).
WATCH_LEVEL_URGENCY = (WatchLevel.HIGH, WatchLevel.MEDIUM, WatchLevel.LOW)


def _watch_rank() -> Case:
    return Case(
        *[
            When(watch_level=level, then=Value(rank))
            for rank, level in enumerate(WATCH_LEVEL_URGENCY)
        ],
        default=Value(len(WATCH_LEVEL_URGENCY)),
        output_field=IntegerField(),
    )


def worklist(user: Any, now: datetime.datetime) -> QuerySet[Person]:
    """People whose last contact is older than their watch level allows (or who were never
    contacted), and people with a follow-up still to do. Most urgent first: by watch level
    (high first), then by how long the contact is overdue — never contacted counts as the
    most overdue, and a follow-up whose contact is not yet due comes after every overdue
    person of its level — then by furigana."""
    pending = Contact.objects.filter(
        person=OuterRef("pk"), follow_up_needed=True, follow_up_done_on__isnull=True
    )
    return (
        people_for(user)
        .annotate(
            due_at=_due_at(),
            follow_up_pending=Exists(pending),
            is_overdue=Case(When(_overdue_q(now), then=Value(True)), default=Value(False)),
        )
        .filter(Q(is_overdue=True) | Q(follow_up_pending=True))
        # Within one level an earlier due date is a longer overdue one (and a follow-up not
        # yet due has a due date after now), so the due date alone orders the days overdue.
        .order_by(
            _watch_rank(),
            F("due_at").asc(nulls_first=True),
            "name_kana",
            "pk",
        )
    )


def days_overdue(person: Person, now: datetime.datetime) -> int | None:
    due: datetime.datetime | None = getattr(person, "due_at", None)
    if due is None:
        return None
    return max((now - due).days, 0)


# --- Support map -----------------------------------------------------------------------


@dataclass
class MapData:
    people: list[dict[str, Any]] = field(default_factory=list)
    supporters: list[dict[str, Any]] = field(default_factory=list)
    ties: list[dict[str, Any]] = field(default_factory=list)
    unlocked_ids: list[int] = field(default_factory=list)


def _coord(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def map_data(user: Any, district_id: int, day: datetime.date, urls: Any) -> MapData:
    """The people the user may see in a district, the supporters they may see, and the
    active ties between them; each person with only the fields their level allows. `urls`
    builds a person's detail URL."""
    data = MapData()
    people = people_for(user).filter(district_id=district_id).order_by("name_kana", "pk")
    seen: dict[int, Person] = {}
    for p in people:
        seen[p.pk] = p
        level = FieldLevel(p.field_level)  # type: ignore[attr-defined]
        if p.only_in_disaster:  # type: ignore[attr-defined]
            data.unlocked_ids.append(p.pk)
        data.people.append(
            {
                "id": p.pk,
                "name": p.name,
                "town": p.town.name if p.town else "",
                "address": p.address,
                "lat": _coord(p.lat),
                "lng": _coord(p.lng),
                "watch_level": p.get_watch_level_display() if level >= FieldLevel.STANDARD else "",
                "url": urls(p.pk),
            }
        )
    ties = (
        SupportTie.objects.for_user(user)
        .active_on(day)
        .filter(person_id__in=list(seen))
        .select_related("supporter")
        .order_by("person_id", "supporter__kind", "pk")
    )
    visible_supporters = set(
        Supporter.objects.for_user(user).filter(ties__in=ties).values_list("pk", flat=True)
    )
    supporters: dict[int, Supporter] = {}
    for tie in ties:
        s = tie.supporter
        # A supporter the user may not see is drawn as "a supporter" with no name or point.
        shown = s.pk in visible_supporters
        if shown:
            supporters[s.pk] = s
        data.ties.append(
            {
                "person": tie.person_id,
                "person_name": seen[tie.person_id].name,
                "supporter": s.pk if shown else None,
                "supporter_name": s.name if shown else "",
                "kind": s.get_kind_display(),
                "frequency": tie.get_frequency_display(),
                "since": tie.since.isoformat() if tie.since else "",
                "evacuation": tie.is_evacuation_support,
            }
        )
    for s in supporters.values():
        data.supporters.append(
            {
                "id": s.pk,
                "name": s.name,
                "kind": s.get_kind_display(),
                "lat": _coord(s.lat),
                "lng": _coord(s.lng),
            }
        )
    return data


# --- 民生委員 monthly activity figures --------------------------------------------------

CATEGORY_ORDER = (
    ContactCategory.VISIT_CONTACT,
    ContactCategory.CONSULTATION,
    ContactCategory.LIAISON,
    ContactCategory.OTHER_ACTIVITY,
)


@dataclass
class FigureRow:
    label: str
    district: str
    counts: dict[str, int]
    days_active: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(c, 0) for c in CATEGORY_ORDER]


@dataclass
class Figures:
    month: datetime.date
    commissioners: list[FigureRow]
    districts: list[FigureRow]


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime(month.year, month.month, 1, tzinfo=TOKYO)
    nxt = datetime.datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=TOKYO)
    return start, nxt


def minsei_figures(user: Any, month: datetime.date, district_id: int | None = None) -> Figures:
    """Contacts logged by 民生委員 in a month, by the national report's categories, per
    commissioner and per district; days active = distinct days with any activity. Counts
    only contacts about people the user may see."""
    start, end = month_bounds(month)
    contacts = Contact.objects.for_user(user).filter(
        at__gte=start, at__lt=end, supporter__kind=SupporterKind.MINSEI_IIN
    )
    if district_id is not None:
        contacts = contacts.filter(supporter__district_id=district_id)
    contacts = contacts.order_by()
    per = (
        contacts.values("supporter_id", "supporter__name", "supporter__district__name", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    days = (
        contacts.annotate(day=TruncDate("at", tzinfo=TOKYO))
        .values("supporter_id", "supporter__district__name", "day")
        .distinct()
        .order_by()
    )
    rows: dict[int, FigureRow] = {}
    for r in per:
        row = rows.setdefault(
            r["supporter_id"],
            FigureRow(r["supporter__name"], r["supporter__district__name"] or "", {}, 0),
        )
        row.counts[r["category"]] = row.counts.get(r["category"], 0) + r["n"]
    for d in days:
        if d["supporter_id"] in rows:
            rows[d["supporter_id"]].days_active += 1
    commissioners = sorted(rows.values(), key=lambda r: (r.district, r.label))
    by_district: dict[str, FigureRow] = {}
    for row in commissioners:
        total = by_district.setdefault(row.district, FigureRow(row.district, row.district, {}, 0))
        for category, n in row.counts.items():
            total.counts[category] = total.counts.get(category, 0) + n
        total.days_active += row.days_active
    return Figures(month, commissioners, [by_district[k] for k in sorted(by_district)])


def default_month(today: datetime.date | None = None) -> datetime.date:
    """The month the report is usually filed for: the one before this."""
    today = today or today_tokyo()
    first = today.replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)
