"""Writes of the core app. Each takes the acting user first, checks permission, writes inside
a transaction and records an audit event."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction

from ainet.core import access, audit
from ainet.core.codes import normalise_code
from ainet.core.dates import today_tokyo
from ainet.core.models import (
    District,
    Municipality,
    Organisation,
    RoleMembership,
    RolePolicy,
    User,
)
from ainet.core.roles import Role


def _require_admin_of(actor: Any, municipality: Municipality) -> None:
    if municipality.pk not in access.administered_municipality_ids(actor):
        raise PermissionDenied


def create_account(
    actor: Any,
    municipality: Municipality,
    *,
    username: str,
    display_name: str,
    password: str,
    display_name_kana: str = "",
    email: str = "",
) -> User:
    _require_admin_of(actor, municipality)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            email=email,
            display_name=display_name,
            display_name_kana=display_name_kana,
            municipality=municipality,
        )
        audit.record(actor, audit.Action.ACCOUNT_CREATED, obj=user, municipality=municipality)
    return user


def add_membership(
    actor: Any,
    user: User,
    municipality: Municipality,
    *,
    role: Role,
    districts: Iterable[District] = (),
    organisation: Organisation | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> RoleMembership:
    _require_admin_of(actor, municipality)
    district_list = list(districts)
    foreign = [d for d in district_list if d.municipality_id != municipality.pk]
    if foreign or (organisation and organisation.municipality_id != municipality.pk):
        raise PermissionDenied
    with transaction.atomic():
        membership = RoleMembership.objects.create(
            user=user,
            municipality=municipality,
            role=role,
            organisation=organisation,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        membership.districts.set(district_list)
        audit.record(
            actor,
            audit.Action.ACCOUNT_UPDATED,
            obj=user,
            municipality=municipality,
            details={
                "membership_added": membership.pk,
                "role": str(role),
                "districts": [d.code for d in district_list],
            },
        )
    access.forget(user)
    return membership


def end_membership(actor: Any, membership: RoleMembership) -> RoleMembership:
    """Memberships end rather than vanish, so the history of who could see what stays."""
    _require_admin_of(actor, membership.municipality)
    yesterday = today_tokyo() - datetime.timedelta(days=1)
    with transaction.atomic():
        membership.ends_on = yesterday
        membership.save(update_fields=["ends_on"])
        audit.record(
            actor,
            audit.Action.ACCOUNT_UPDATED,
            obj=membership.user,
            municipality=membership.municipality,
            details={"membership_ended": membership.pk, "role": membership.role},
        )
    access.forget(membership.user)
    return membership


def set_account_active(actor: Any, user: User, municipality: Municipality, active: bool) -> None:
    _require_admin_of(actor, municipality)
    if user.pk == actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor,
            audit.Action.ACCOUNT_UPDATED,
            obj=user,
            municipality=municipality,
            details={"is_active": active},
        )


def unlock_account(actor: Any, user: User, municipality: Municipality) -> None:
    _require_admin_of(actor, municipality)
    with transaction.atomic():
        axes_reset(username=user.username)
        audit.record(actor, audit.Action.ACCOUNT_UNLOCKED, obj=user, municipality=municipality)


def set_otp_roles(actor: Any, municipality: Municipality, required: set[str]) -> None:
    _require_admin_of(actor, municipality)
    with transaction.atomic():
        for role in Role:
            RolePolicy.objects.update_or_create(
                municipality=municipality,
                role=role.value,
                defaults={"require_otp": role.value in required},
            )
        audit.record(
            actor,
            audit.Action.POLICY_CHANGED,
            obj=municipality,
            details={"require_otp": sorted(required)},
        )


def reset_second_factor(actor: Any, user: User, municipality: Municipality) -> int:
    """Remove a lost authenticator so the person can enrol a new one at next log-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_admin_of(actor, municipality)
    with transaction.atomic():
        removed: int = TOTPDevice.objects.filter(user=user).delete()[0]
        audit.record(
            actor,
            audit.Action.ACCOUNT_UPDATED,
            obj=user,
            municipality=municipality,
            details={"second_factor_reset": removed},
        )
    return removed


def create_municipality(
    code: str, name: str, *, name_kana: str = "", name_en: str = "", prefecture: str = ""
) -> Municipality:
    """A new ward, by the server's operator (`ainet ward create`): nothing in it yet. Raises
    ValidationError (the code's check digit, a code already registered)."""
    municipality = Municipality(
        code=normalise_code(code),
        name=name.strip(),
        name_kana=name_kana.strip(),
        name_en=name_en.strip(),
        prefecture=prefecture.strip(),
    )
    with transaction.atomic():
        municipality.full_clean()
        municipality.save()
        audit.record(
            None, audit.Action.CREATE, obj=municipality, actor_username="ainet ward create"
        )
    return municipality


def create_ward_admin(
    municipality: Municipality, *, username: str, display_name: str, password: str
) -> User:
    """A ward administrator, by the server's operator (`ainet ward admin`): how a new ward
    gets its first account, who then makes the others on the web. Raises ValidationError
    (a taken or malformed username, a password the validators refuse)."""
    user = User(username=username, display_name=display_name.strip(), municipality=municipality)
    with transaction.atomic():
        user.full_clean(exclude=["password"])
        validate_password(password, user)
        user.set_password(password)
        user.save()
        RoleMembership.objects.create(user=user, municipality=municipality, role=Role.WARD_ADMIN)
        audit.record(
            None,
            audit.Action.ACCOUNT_CREATED,
            obj=user,
            municipality=municipality,
            actor_username="ainet ward admin",
            details={"role": str(Role.WARD_ADMIN)},
        )
    return user
