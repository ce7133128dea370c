"""The single place that decides what a user may see and do (ARCHITECTURE.md, patterns 2–4).

Everything here fails closed: an anonymous, inactive or role-less user can do nothing, an
unknown capability name is a programming error, and a queryset scoped through `district_q`
matches nothing unless a membership grants the district. Django's superuser flag grants
nothing here: ainet's powers come only from role memberships.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from rules.predicates import Predicate

from ainet.core.dates import today_tokyo
from ainet.core.roles import DISTRICT_STAFF_ROLES, WARD_WIDE_ROLES, Role

_CACHE_ATTR = "_ainet_access_cache"


# SQL of the two queries every staff request makes (the user's memberships, the second-factor
# check), compiled once per worker for each key that names all their inputs. Compiling costs
# more than running them; the rows are read afresh on every request.
_COMPILED: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
_COMPILED_MAX = 2048


def compiled_rows(
    key: tuple[Any, ...], build: Callable[[], QuerySet[Any]]
) -> list[tuple[Any, ...]]:
    """The rows of `build()`'s query (a `values_list`), its SQL compiled once per `key`."""
    from django.db import connection

    key = (connection.alias, *key)
    compiled = _COMPILED.get(key)
    if compiled is None:
        try:
            sql, params = build().query.sql_with_params()
        except EmptyResultSet:
            return []
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        compiled = _COMPILED[key] = (sql, tuple(params))
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        return list(cursor.fetchall())


@dataclass
class _Membership:
    role: Role
    municipality_id: int
    district_ids: set[int]


class _Scope:
    """What one user's active memberships add up to, computed once per request."""

    def __init__(self, user: Any) -> None:
        from ainet.core.models import RoleMembership

        # One query: a row per (membership, district), the district NULL for none.
        memberships: dict[int, _Membership] = {}
        today = today_tokyo()
        for pk, role, municipality_id, district_id in compiled_rows(
            ("memberships", user.pk, today),
            lambda: (
                RoleMembership.objects.filter(user_id=user.pk)
                .active_on(today)
                .values_list("pk", "role", "municipality_id", "districts__id")
            ),
        ):
            m = memberships.setdefault(pk, _Membership(Role(role), municipality_id, set()))
            if district_id is not None:
                m.district_ids.add(district_id)
        self.roles = frozenset(m.role for m in memberships.values())
        self.municipality_ids = frozenset(m.municipality_id for m in memberships.values())
        staff = [m for m in memberships.values() if m.role in DISTRICT_STAFF_ROLES]
        ward_wide = {m.municipality_id for m in staff if m.role in WARD_WIDE_ROLES}
        district_ids = {d for m in staff for d in m.district_ids}
        for municipality_id in ward_wide:
            district_ids |= self._ward_district_ids(municipality_id)
        self.district_ids = frozenset(district_ids)
        by_role: dict[Role, set[int]] = {}
        for m in memberships.values():
            ids = by_role.setdefault(m.role, set())
            if m.role in WARD_WIDE_ROLES:
                ids |= self._ward_district_ids(m.municipality_id)
            else:
                ids |= m.district_ids
        self.districts_by_role = {role: frozenset(ids) for role, ids in by_role.items()}
        self.ward_wide_municipality_ids = frozenset(ward_wide)

    def _ward_district_ids(self, municipality_id: int) -> frozenset[int]:
        from ainet.core.models import District

        cache = self.__dict__.setdefault("_ward_districts", {})
        if municipality_id not in cache:
            cache[municipality_id] = frozenset(
                District.objects.filter(municipality_id=municipality_id).values_list(
                    "pk", flat=True
                )
            )
        ids: frozenset[int] = cache[municipality_id]
        return ids

    @cached_property
    def declarations_in_force(self) -> list[tuple[Any, frozenset[int]]]:
        """Disaster-mode declarations of the user's municipalities in force now, each with
        the districts it names (empty: the whole municipality). Read once per request, so a
        declaration that ends is gone by the next one; the staff banner shares this read."""
        from ainet.care.models import DisasterDeclaration

        if not self.municipality_ids:
            return []
        return [
            (declaration, frozenset(d.pk for d in declaration.districts.all()))
            for declaration in DisasterDeclaration.objects.in_force()
            .filter(municipality_id__in=self.municipality_ids)
            .prefetch_related("districts")
        ]

    @cached_property
    def disaster_district_ids(self) -> frozenset[int]:
        """Districts of the user's municipalities under a disaster-mode declaration now."""
        ids: set[int] = set()
        for declaration, declared in self.declarations_in_force:
            ids |= declared or self._ward_district_ids(declaration.municipality_id)
        return frozenset(ids)

    def otp_required_by_role(self) -> Exists:
        """A role policy of the user's municipalities and roles asks for a second factor."""
        from ainet.core.models import RolePolicy

        return Exists(
            RolePolicy.objects.filter(
                require_otp=True,
                municipality_id__in=sorted(self.municipality_ids),
                role__in=sorted(self.roles),
            )
        )


def _scope(user: Any) -> _Scope | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached: _Scope | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _Scope(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def declarations_in_force(user: Any) -> list[tuple[Any, frozenset[int]]]:
    """The disaster-mode declarations in force for the user's municipalities, with the
    districts each names (empty for the whole municipality); read once per request."""
    scope = _scope(user)
    return scope.declarations_in_force if scope else []


def forget(user: Any) -> None:
    """Drop the cached scope, e.g. after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user: Any) -> frozenset[Role]:
    scope = _scope(user)
    return scope.roles if scope else frozenset()


def visible_district_ids(user: Any) -> frozenset[int]:
    scope = _scope(user)
    return scope.district_ids if scope else frozenset()


def district_q(user: Any, field: str) -> Q:
    """Rows whose district, reached through `field`, the user may see."""
    return Q(**{f"{field}__in": sorted(visible_district_ids(user))})


def ward_wide_municipality_ids(user: Any) -> frozenset[int]:
    """Municipalities where the user holds a ward-wide staff role (sees every district)."""
    scope = _scope(user)
    return scope.ward_wide_municipality_ids if scope else frozenset()


def municipality_ids_of(user: Any) -> frozenset[int]:
    """The municipalities of the user's active memberships."""
    scope = _scope(user)
    return scope.municipality_ids if scope else frozenset()


def municipality_q(user: Any, field: str = "municipality_id") -> Q:
    scope = _scope(user)
    return Q(**{f"{field}__in": sorted(scope.municipality_ids if scope else ())})


def has_any_role(*wanted: Role) -> Predicate:
    def holds(user: Any) -> bool:
        return bool(roles_of(user) & set(wanted))

    return Predicate(holds, name="has_any_role:" + ",".join(sorted(wanted)))


is_ward_admin = has_any_role(Role.WARD_ADMIN)
is_district_staff = has_any_role(*DISTRICT_STAFF_ROLES)
is_auditor = has_any_role(Role.AUDITOR)
is_plan_reader = has_any_role(*DISTRICT_STAFF_ROLES, Role.COMMITTEE_MEMBER)
# Staff of the organisations in a district support team record its work.
is_team_staff = has_any_role(
    Role.WARD_ADMIN, Role.WARD_STAFF, Role.SHAKYO_COORDINATOR, Role.CARE_PLAZA_STAFF
)

is_special_care_reader = has_any_role(Role.WARD_ADMIN, Role.WARD_STAFF, Role.CARE_PLAZA_STAFF)
# Everyone who may open the people pages at all (what they see there: `person_q`).
is_care_reader = has_any_role(*DISTRICT_STAFF_ROLES, Role.VOLUNTEER)

# Capability name → `rules` predicate. Apps add theirs here as they arrive.
CAPABILITIES: dict[str, Predicate] = {
    "core.view_districts": is_district_staff,
    "core.view_organisations": is_district_staff,
    "core.manage_accounts": is_ward_admin,
    # The ward's districts, town blocks and organisations (ainet/core/geography.py).
    "core.manage_ward": is_ward_admin,
    "core.view_audit_log": is_auditor,
    # The plan, its indicators and the booklet are not personal data.
    "plan.view": is_plan_reader,
    "plan.manage": is_ward_admin,
    "plan.record": is_team_staff,
    # Community records name contact people and participants.
    "community.view": is_district_staff,
    "community.manage": is_team_staff,
    # Volunteers are personal data: the volunteer centre (区社協) and the ward office manage
    # them; care plaza staff see their districts' volunteers to refer requests.
    "volunteers.view": is_team_staff,
    "volunteers.manage": has_any_role(Role.WARD_ADMIN, Role.WARD_STAFF, Role.SHAKYO_COORDINATOR),
    # People who need support (care). Which people and fields: `person_q`, `person_access`.
    "care.view": is_care_reader,
    "care.manage": has_any_role(
        Role.WARD_ADMIN, Role.WARD_STAFF, Role.CARE_PLAZA_STAFF, Role.SHAKYO_COORDINATOR
    ),
    "care.manage_basis": is_ward_admin,  # legal basis, consent, roster import
    "care.record_contact": has_any_role(
        Role.WARD_ADMIN,
        Role.WARD_STAFF,
        Role.CARE_PLAZA_STAFF,
        Role.SHAKYO_COORDINATOR,
        Role.MINSEI_IIN,
        Role.VOLUNTEER,
    ),
    "care.view_special": is_special_care_reader,
    # 民生委員 monthly activity figures (names commissioners, counts their contacts).
    "care.view_figures": has_any_role(
        Role.WARD_ADMIN,
        Role.WARD_STAFF,
        Role.SHAKYO_COORDINATOR,
        Role.CARE_PLAZA_STAFF,
        Role.MINSEI_IIN,
    ),
    "care.file_concern": has_any_role(*DISTRICT_STAFF_ROLES, Role.PARTNER_COMPANY),
    "care.handle_concerns": is_team_staff,
    # Grants: the staff who run programmes (ward office, 区社協) and the coordinators who follow
    # funded groups; reviewers are assigned per round (committee members review too); the
    # donation fund names donors, so only its owner (区社協) and the ward administrator see it.
    "grants.view": is_team_staff,
    "grants.manage": has_any_role(Role.WARD_ADMIN, Role.WARD_STAFF, Role.SHAKYO_COORDINATOR),
    "grants.review": has_any_role(
        Role.WARD_ADMIN,
        Role.WARD_STAFF,
        Role.SHAKYO_COORDINATOR,
        Role.CARE_PLAZA_STAFF,
        Role.COMMITTEE_MEMBER,
    ),
    "grants.fund": has_any_role(Role.WARD_ADMIN, Role.SHAKYO_COORDINATOR),
    # Safety confirmation (安否確認) after a disaster. Recording: everyone who visits people;
    # which people each sees is `person_q` (a volunteer: the people tied to them as supporter).
    "disaster.safety_record": has_any_role(*DISTRICT_STAFF_ROLES, Role.VOLUNTEER),
    # Exports and prints of the whole campaign's statuses.
    "disaster.safety_manage": has_any_role(Role.WARD_ADMIN, Role.WARD_STAFF),
    # Opening and closing a campaign.
    "disaster.safety_open": is_ward_admin,
    # Evacuation-help list, individual evacuation plans, disaster mode (issue 7). The list's
    # rows are `person_q`; an association manager sees rows only under an agreement.
    "disaster.view_list": has_any_role(
        Role.WARD_ADMIN,
        Role.WARD_STAFF,
        Role.CARE_PLAZA_STAFF,
        Role.SHAKYO_COORDINATOR,
        Role.MINSEI_IIN,
        Role.ASSOCIATION_MANAGER,
    ),
    "disaster.manage_plans": has_any_role(Role.WARD_ADMIN, Role.WARD_STAFF, Role.CARE_PLAZA_STAFF),
    "disaster.declare": is_ward_admin,
    # Facilities are not personal data; staff read them, ward administrators import them.
    "facilities.view": is_district_staff,
    "facilities.manage": is_ward_admin,
    # The public pages' content in residents' languages.
    "public.edit_translations": is_ward_admin,
}


def can(user: Any, capability: str, obj: Any = None) -> bool:
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    if _scope(user) is None:
        return False
    return CAPABILITIES[capability].test(user, obj)


def otp_required(user: Any) -> bool:
    """A second factor is needed when a role policy asks for it or the user enrolled one.
    Asked afresh on every call, in one query (it runs on every staff request)."""
    from django.contrib.auth import get_user_model
    from django_otp import device_classes

    scope = _scope(user)
    if scope is None:
        return False
    classes = tuple(device_classes())

    def query() -> QuerySet[Any]:
        needed = Q(scope.otp_required_by_role())
        for model in classes:  # a confirmed device of any kind django-otp knows
            needed |= Q(Exists(model.objects.devices_for_user(user, confirmed=True)))
        users = get_user_model()._default_manager.filter(needed, pk=user.pk)
        return users.values_list("pk")[:1]

    key = (
        "otp",
        user.pk,
        tuple(sorted(scope.municipality_ids)),
        tuple(sorted(scope.roles)),
        classes,
    )
    return bool(compiled_rows(key, query))


def administered_municipality_ids(user: Any) -> frozenset[int]:
    """Municipalities where the user is a ward administrator (manages accounts there)."""
    from ainet.core.models import RoleMembership

    if _scope(user) is None:
        return frozenset()
    return frozenset(
        RoleMembership.objects.filter(user_id=user.pk, role=Role.WARD_ADMIN)
        .active_on(today_tokyo())
        .values_list("municipality_id", flat=True)
    )


# --- People who need support (care) -------------------------------------------------------


class FieldLevel(enum.IntEnum):
    """How much of a person's record a user may see. Higher includes lower."""

    MINIMAL = 1  # name, address, phone, emergency contact, language: enough to visit
    STANDARD = 2  # everything but special-care data (要配慮個人情報)
    FULL = 3  # including care level, disability, illness, special-care needs, notes


@dataclass(frozen=True)
class PersonAccess:
    level: FieldLevel
    # True when only a disaster-mode declaration makes the person visible to this user:
    # every such read is audited as an unlock.
    via_disaster_mode: bool


# Roles that see whole districts, and the field level each gets.
_DISTRICT_ROLE_LEVELS = {
    Role.WARD_ADMIN: FieldLevel.FULL,
    Role.WARD_STAFF: FieldLevel.FULL,
    Role.CARE_PLAZA_STAFF: FieldLevel.FULL,
    Role.SHAKYO_COORDINATOR: FieldLevel.STANDARD,
    Role.MINSEI_IIN: FieldLevel.STANDARD,
    Role.ASSOCIATION_MANAGER: FieldLevel.STANDARD,
}
_ROLE_LEVELS = {**_DISTRICT_ROLE_LEVELS, Role.VOLUNTEER: FieldLevel.MINIMAL}


def _entries(prefix: str, condition: Q | None = None, **conditions: Any) -> Exists:
    from ainet.care.models import ListEntry

    outer = OuterRef(prefix[:-2] if prefix else "pk")
    entries = ListEntry.objects.filter(person=outer, left_on__isnull=True, **conditions)
    return Exists(entries.filter(condition) if condition is not None else entries)


# Conditions on one current list entry. A person has at most one current entry per list, so
# "on the watch list and not ward-only there" is one entry's condition, and the union of the
# conditions below is a single EXISTS (cheaper to build and to run than one per condition).


def _shareable_entry() -> Q:
    from ainet.care.models import SHAREABLE_EVACUATION_BASES, Basis, ListKind

    consented = [b for b in SHAREABLE_EVACUATION_BASES if b != Basis.OPT_OUT]
    return Q(list_kind=ListKind.EVACUATION, basis__in=consented) | Q(
        list_kind=ListKind.EVACUATION, basis=Basis.OPT_OUT, removal_requested_on__isnull=True
    )


def _watch_entry() -> Q:
    from ainet.care.models import Basis, ListKind

    return Q(list_kind=ListKind.WATCH) & ~Q(basis=Basis.WARD_ONLY)


def _shareable_evacuation(prefix: str) -> Q:
    return Q(_entries(prefix, _shareable_entry()))


def _watch_or_shareable(prefix: str) -> Q:
    return Q(_entries(prefix, _watch_entry() | _shareable_entry()))


def _on_evacuation_list(prefix: str) -> Q:
    from ainet.care.models import ListKind

    return Q(_entries(prefix, list_kind=ListKind.EVACUATION))


def _tied_to_user(user: Any, prefix: str) -> Q:
    from ainet.care.models import SupportTie

    outer = OuterRef(prefix[:-2] if prefix else "pk")
    return Q(
        Exists(
            SupportTie.objects.filter(
                person=outer, supporter__user_id=user.pk, supporter__is_active=True
            ).active_on(today_tokyo())
        )
    )


def _has_information_agreement(user: Any) -> bool:
    """An association manager receives data only under a current signed agreement naming
    them as information manager. Cached with the request's scope."""
    from ainet.care.models import InformationAgreement

    scope = _scope(user)
    if scope is None:
        return False
    if "_agreement" not in scope.__dict__:
        today = today_tokyo()
        scope.__dict__["_agreement"] = (
            InformationAgreement.objects.filter(manager_id=user.pk, signed_on__lte=today)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
            .exists()
        )
    return bool(scope.__dict__["_agreement"])


def _role_person_q(user: Any, scope: _Scope, role: Role, prefix: str, disaster: bool) -> Q:
    """The people one role lets the user see; with `disaster`, only those that disaster mode
    adds (non-consented evacuation-list people in declared districts)."""
    districts = sorted(scope.districts_by_role.get(role, ()))
    in_districts = Q(**{f"{prefix}district_id__in": districts})
    if disaster:
        # Evacuation support providers: commissioners and association managers. A volunteer
        # supporter sees the people assigned to them, in normal times and in a disaster alike.
        if role not in (Role.MINSEI_IIN, Role.ASSOCIATION_MANAGER):
            return Q(pk__in=[])
        declared = sorted(scope.disaster_district_ids)
        if not declared:
            return Q(pk__in=[])
        in_declared = Q(**{f"{prefix}district_id__in": declared})
        if role == Role.ASSOCIATION_MANAGER and not _has_information_agreement(user):
            return Q(pk__in=[])
        return in_districts & in_declared & _on_evacuation_list(prefix)
    if role in (Role.WARD_ADMIN, Role.WARD_STAFF):
        q = in_districts
        if role == Role.WARD_ADMIN:
            municipalities = sorted(scope.ward_wide_municipality_ids)
            q |= Q(**{f"{prefix}municipality_id__in": municipalities})
        return q
    if role in (Role.CARE_PLAZA_STAFF, Role.SHAKYO_COORDINATOR):
        return in_districts & _watch_or_shareable(prefix)
    if role == Role.MINSEI_IIN:
        return (in_districts & _watch_or_shareable(prefix)) | _tied_to_user(user, prefix)
    if role == Role.ASSOCIATION_MANAGER:
        if not _has_information_agreement(user):
            return Q(pk__in=[])
        return in_districts & _shareable_evacuation(prefix)
    if role == Role.VOLUNTEER:
        return _tied_to_user(user, prefix)
    return Q(pk__in=[])


def person_q(user: Any, prefix: str = "", *, disaster_unlocks: bool = True) -> Q:
    """People (reached through `prefix`, e.g. "person__") the user may see: the union of
    what each of their roles allows, plus what a disaster-mode declaration unlocks (unless
    `disaster_unlocks` is False: then only what they see in normal times, which tells a list
    which of its rows are unlocks to audit). Fails closed: no role that sees people → a
    condition nothing matches."""
    scope = _scope(user)
    if scope is None:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for role in scope.roles & set(_ROLE_LEVELS):
        q |= _role_person_q(user, scope, role, prefix, disaster=False)
        if disaster_unlocks:
            q |= _role_person_q(user, scope, role, prefix, disaster=True)
    return q


def person_q_key(user: Any) -> tuple[Any, ...]:
    """Everything `person_q(user, …)` (and `person_normal_q`) reads besides its arguments, as
    read for this request. Equal keys give the same condition, so a hot path may reuse the
    SQL it compiled for an equal key — the rows are still decided by the database on every
    request. Keep in step with `_role_person_q` (tests/disaster/test_safety_service.py
    checks that the compiled safety check agrees with the queryset for every persona)."""
    scope = _scope(user)
    if scope is None:
        return ()
    widened = scope.roles & {Role.MINSEI_IIN, Role.ASSOCIATION_MANAGER}
    return (
        user.pk,
        today_tokyo(),
        scope.roles,
        tuple(sorted(scope.districts_by_role.items())),
        scope.ward_wide_municipality_ids,
        scope.disaster_district_ids if widened else None,
        _has_information_agreement(user) if Role.ASSOCIATION_MANAGER in scope.roles else None,
    )


def person_access(user: Any, person: Any) -> PersonAccess | None:
    """Whether the user may see this person at all, at which field level, and whether only
    disaster mode makes them visible. None: not visible (views answer 404)."""
    from ainet.care.models import Person

    scope = _scope(user)
    if scope is None:
        return None
    best: FieldLevel | None = None
    normal = False
    one = Person.objects.filter(pk=person.pk)
    for role in sorted(scope.roles & set(_ROLE_LEVELS), key=lambda r: -_ROLE_LEVELS[r]):
        level = _ROLE_LEVELS[role]
        if one.filter(_role_person_q(user, scope, role, "", disaster=False)).exists():
            normal = True
        elif not one.filter(_role_person_q(user, scope, role, "", disaster=True)).exists():
            continue
        if best is None or level > best:
            best = level
    if best is None:
        return None
    return PersonAccess(level=best, via_disaster_mode=not normal)


def person_level_expression(user: Any, prefix: str = "") -> Case:
    """Per person row, the `FieldLevel` value the user gets (0: not visible), in the same
    query as the rows: lists and maps need one level per person without one query each.
    Agrees with `person_access(...).level` for every person (tests/care/test_access_rules.py)."""
    scope = _scope(user)
    whens = []
    if scope is not None:
        for role in sorted(scope.roles & set(_ROLE_LEVELS), key=lambda r: -_ROLE_LEVELS[r]):
            q = _role_person_q(user, scope, role, prefix, disaster=False) | _role_person_q(
                user, scope, role, prefix, disaster=True
            )
            whens.append(When(q, then=Value(int(_ROLE_LEVELS[role]))))
    return Case(*whens, default=Value(0), output_field=IntegerField())


def uniform_person_level(user: Any) -> FieldLevel | None:
    """The field level of every person the user sees, when all their roles that see people
    give the same level (most users hold one role); None when it differs by person. Lists
    then need no per-row level expression."""
    scope = _scope(user)
    levels = {_ROLE_LEVELS[r] for r in scope.roles & set(_ROLE_LEVELS)} if scope else set()
    return next(iter(levels)) if len(levels) == 1 else None


def disaster_unlocks_possible(user: Any) -> bool:
    """Whether any person could be visible to the user only through disaster mode now: a
    declaration is in force in their municipalities and they hold a role it widens."""
    scope = _scope(user)
    if scope is None or not scope.roles & {Role.MINSEI_IIN, Role.ASSOCIATION_MANAGER}:
        return False
    return bool(scope.disaster_district_ids)


def person_normal_q(user: Any, prefix: str = "") -> Q:
    """People the user sees without any disaster-mode declaration. A visible person outside
    this condition is a disaster-mode unlock, and reading them is audited as one."""
    scope = _scope(user)
    if scope is None:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for role in scope.roles & set(_ROLE_LEVELS):
        q |= _role_person_q(user, scope, role, prefix, disaster=False)
    return q


def supporter_q(user: Any) -> Q:
    """Supporters the user may see: staff of their districts, and their own profile."""
    scope = _scope(user)
    if scope is None:
        return Q(pk__in=[])
    q = Q(user_id=user.pk)
    if can(user, "care.view") and scope.roles & set(_DISTRICT_ROLE_LEVELS):
        q |= district_q(user, "district_id")
        if scope.ward_wide_municipality_ids:
            q |= Q(municipality_id__in=sorted(scope.ward_wide_municipality_ids))
    return q


def concern_report_q(user: Any) -> Q:
    """Concern reports: the district team's staff see their districts' reports (ward
    administrators also the unrouted ones); a reporter sees the reports they filed."""
    scope = _scope(user)
    if scope is None:
        return Q(pk__in=[])
    q = Q(reporter_user_id=user.pk)
    if can(user, "care.handle_concerns"):
        q |= district_q(user, "district_id")
        if scope.ward_wide_municipality_ids:
            q |= Q(municipality_id__in=sorted(scope.ward_wide_municipality_ids))
    return q


def person_full_q(user: Any, prefix: str = "") -> Q:
    """People whose every field, special-care data included, the user may see
    (`FieldLevel.FULL` in `person_access`): those a FULL-level role of theirs shows, in
    normal times or through disaster mode. Lets a list decide the level per row in SQL."""
    scope = _scope(user)
    if scope is None:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for role in scope.roles & set(_ROLE_LEVELS):
        if _ROLE_LEVELS[role] == FieldLevel.FULL:
            q |= _role_person_q(user, scope, role, prefix, disaster=False)
            q |= _role_person_q(user, scope, role, prefix, disaster=True)
    return q
