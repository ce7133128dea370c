"""Core records every other app stands on: the municipality (tenant), its districts and town
blocks, organisations, staff accounts with district-scoped roles, and the audit log."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ainet.core.codes import validate_municipality_code
from ainet.core.roles import Role

if TYPE_CHECKING:
    from django.db.models import QuerySet


class Municipality(models.Model):
    """A ward or city: the tenant every domain row belongs to."""

    code = models.CharField(
        _("local government code"),
        max_length=6,
        unique=True,
        validators=[validate_municipality_code],
        help_text=_("全国地方公共団体コード, six digits with check digit, e.g. 141011."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=20, blank=True)
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("The people and records of this municipality are synthetic."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class DistrictQuerySet(models.QuerySet["District"]):
    def for_user(self, user: Any) -> DistrictQuerySet:
        from ainet.core import access

        return self.filter(access.district_q(user, "id"))


class District(models.Model):
    """地区: a district federation area; the unit of support teams and plans."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="districts"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_demo_name = models.BooleanField(
        _("demo name"),
        default=False,
        help_text=_("The name is invented for the demo, not a confirmed district name."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "sort_order", "code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="district_code_unique"),
            models.UniqueConstraint(fields=["municipality", "name"], name="district_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class TownQuerySet(models.QuerySet["Town"]):
    def for_user(self, user: Any) -> TownQuerySet:
        from ainet.core import access

        return self.filter(access.district_q(user, "district_id"))


class Town(models.Model):
    """町丁目: a town block with one representative point (WGS84)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="towns")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="towns", null=True, blank=True
    )
    name = models.CharField(_("town block"), max_length=100)
    koaza = models.CharField(_("koaza"), max_length=100, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)

    objects = TownQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "name", "koaza"]
        verbose_name = _("town block")
        verbose_name_plural = _("town blocks")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name", "koaza"], name="town_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}{self.koaza}"


class OrganisationKind(models.TextChoices):
    WARD_OFFICE = "ward_office", _("Ward office")
    WARD_SHAKYO = "ward_shakyo", _("Ward social welfare council")
    CARE_PLAZA = "care_plaza", _("Community care plaza")
    SUPPORT_CENTRE = "support_centre", _("Community general support centre")
    DISTRICT_SHAKYO = "district_shakyo", _("District social welfare council")
    ASSOCIATION = "association", _("Neighbourhood association")
    MINSEI_COUNCIL = "minsei_council", _("Welfare commissioners' council")
    PARTNER_COMPANY = "partner_company", _("Partner company")
    GROUP = "group", _("NPO / citizens' group")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_user(self, user: Any) -> OrganisationQuerySet:
        """Ward-wide organisations (serving no particular district) and those serving one of
        the user's districts."""
        from ainet.core import access

        if not access.can(user, "core.view_organisations"):
            return self.none()
        ward_wide = models.Q(districts__isnull=True) & access.municipality_q(user)
        return self.filter(ward_wide | access.district_q(user, "districts__id")).distinct()


class Organisation(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="organisations"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="organisations",
        verbose_name=_("districts served"),
        help_text=_("Leave empty for an organisation that serves the whole ward."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    is_demo_name = models.BooleanField(_("demo name"), default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "kind", "name_kana", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "name"], name="organisation_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: datetime.date) -> bool:
        started = self.opened_on is None or self.opened_on <= day
        return started and (self.closed_on is None or day < self.closed_on)


class User(AbstractUser):
    """A person who logs in. What they may see comes from their role memberships."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    display_name_kana = models.CharField(_("display name (kana)"), max_length=200, blank=True)
    # The ward whose administrators manage this account (set when it is created).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("municipality"),
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleMembershipQuerySet(models.QuerySet["RoleMembership"]):
    def active_on(self, day: datetime.date) -> RoleMembershipQuerySet:
        return self.filter(
            models.Q(starts_on__isnull=True) | models.Q(starts_on__lte=day),
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day),
        )


class RoleMembership(models.Model):
    """A user holds a role in a municipality, for some districts, for a time."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    districts = models.ManyToManyField(
        District, blank=True, related_name="memberships", verbose_name=_("districts")
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = RoleMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user", "municipality", "role"]
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class RolePolicy(models.Model):
    """Per-municipality settings of a role, such as requiring a TOTP second factor."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="role_policies"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    require_otp = models.BooleanField(_("require a second factor (TOTP)"), default=False)

    class Meta:
        ordering = ["municipality", "role"]
        verbose_name = _("role policy")
        verbose_name_plural = _("role policies")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "role"], name="role_policy_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality.code} {self.role}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Append-only: bulk updates and deletes are refused here, and on PostgreSQL a trigger
    refuses them in the database too (migration 0002)."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("The audit log is append-only.")

    def for_user(self, user: Any) -> QuerySet[AuditEvent]:
        from ainet.core import access

        if not access.can(user, "core.view_audit_log"):
            return self.none()
        return self.filter(
            models.Q(municipality__isnull=True) | access.municipality_q(user, "municipality_id")
        )


class AuditEvent(models.Model):
    """Who did what to which record, when and why. Never changed, never deleted."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # The name at the time of the event, kept even if the account is renamed.
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("record type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("record"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("The audit log is append-only.")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: datetime.datetime | None = None) -> ApiTokenQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    """A personal API token for a field phone or a script (`Authorization: Bearer …`). The
    secret is shown once when it is made; only its SHA-256 digest is stored. It acts as its
    user, with the user's roles and districts as they are on each request, until it expires
    or is revoked. See `core/tokens.py`."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the secret, shown in lists so a user can tell tokens apart.
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
