"""The single place that decides what a user may see and do (ARCHITECTURE.md, patterns 2–4).

Everything here fails closed: an anonymous, inactive or role-less user can do nothing, an
unknown capability name is a programming error, and a queryset scoped through `district_q`
matches nothing unless a membership grants the district. Django's superuser flag grants
nothing here: ainet's powers come only from role memberships.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Q
from rules.predicates import Predicate

from ainet.core.dates import today_tokyo
from ainet.core.roles import DISTRICT_STAFF_ROLES, WARD_WIDE_ROLES, Role

_CACHE_ATTR = "_ainet_access_cache"


class _Scope:
    """What one user's active memberships add up to, computed once per request."""

    def __init__(self, user: Any) -> None:
        from ainet.core.models import District, RoleMembership

        memberships = list(
            RoleMembership.objects.filter(user_id=user.pk)
            .active_on(today_tokyo())
            .prefetch_related("districts")
        )
        self.roles = frozenset(Role(m.role) for m in memberships)
        self.municipality_ids = frozenset(m.municipality_id for m in memberships)
        staff = [m for m in memberships if m.role in DISTRICT_STAFF_ROLES]
        ward_wide = {m.municipality_id for m in staff if m.role in WARD_WIDE_ROLES}
        district_ids = {d.pk for m in staff for d in m.districts.all()}
        if ward_wide:
            district_ids |= set(
                District.objects.filter(municipality_id__in=ward_wide).values_list("pk", flat=True)
            )
        self.district_ids = frozenset(district_ids)

    @cached_property
    def otp_required_by_role(self) -> bool:
        from ainet.core.models import RolePolicy

        return RolePolicy.objects.filter(
            require_otp=True,
            municipality_id__in=self.municipality_ids,
            role__in=self.roles,
        ).exists()


def _scope(user: Any) -> _Scope | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached: _Scope | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _Scope(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


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

# Capability name → `rules` predicate. Apps add theirs here as they arrive.
CAPABILITIES: dict[str, Predicate] = {
    "core.view_districts": is_district_staff,
    "core.view_organisations": is_district_staff,
    "core.manage_accounts": is_ward_admin,
    "core.view_audit_log": is_auditor,
    # The plan, its indicators and the booklet are not personal data.
    "plan.view": is_plan_reader,
    "plan.manage": is_ward_admin,
    "plan.record": is_team_staff,
    # Community records name contact people and participants.
    "community.view": is_district_staff,
    "community.manage": is_team_staff,
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
}


def can(user: Any, capability: str, obj: Any = None) -> bool:
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    if _scope(user) is None:
        return False
    return CAPABILITIES[capability].test(user, obj)


def otp_required(user: Any) -> bool:
    """A second factor is needed when a role policy asks for it or the user enrolled one."""
    from django_otp import user_has_device

    scope = _scope(user)
    if scope is None:
        return False
    return scope.otp_required_by_role or bool(user_has_device(user, confirmed=True))


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
