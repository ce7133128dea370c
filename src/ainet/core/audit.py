"""Recording audit events. Call `record` from services and views; never write AuditEvent
directly elsewhere."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import models
from django.http import HttpRequest

from ainet.core import ratelimit
from ainet.core.models import AuditEvent, Municipality


class Action(models.TextChoices):
    LOGIN_SUCCESS = "login.success", "login.success"
    LOGIN_FAILURE = "login.failure", "login.failure"
    LOGIN_LOCKED_OUT = "login.locked_out", "login.locked_out"
    LOGOUT = "logout", "logout"
    OTP_VERIFIED = "otp.verified", "otp.verified"
    OTP_FAILED = "otp.failed", "otp.failed"
    OTP_ENROLLED = "otp.enrolled", "otp.enrolled"
    PASSWORD_CHANGED = "password.changed", "password.changed"
    VIEW = "record.view", "record.view"
    CREATE = "record.create", "record.create"
    UPDATE = "record.update", "record.update"
    EXPORT = "export", "export"
    PRINT = "print", "print"
    ACCOUNT_CREATED = "account.created", "account.created"
    ACCOUNT_UPDATED = "account.updated", "account.updated"
    ACCOUNT_UNLOCKED = "account.unlocked", "account.unlocked"
    POLICY_CHANGED = "policy.changed", "policy.changed"
    DEMO_BUILT = "demo.built", "demo.built"
    ROSTER_PREVIEW = "roster.preview", "roster.preview"
    ROSTER_IMPORT = "roster.import", "roster.import"
    DISASTER_DECLARED = "disaster.declared", "disaster.declared"
    DISASTER_ENDED = "disaster.ended", "disaster.ended"
    TOKEN_CREATED = "token.created", "token.created"
    TOKEN_REVOKED = "token.revoked", "token.revoked"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the audit log, the log-in lockout (django-axes,
    `AXES_CLIENT_IP_CALLABLE`) and concern reports record it: REMOTE_ADDR, or behind
    `AINET_TRUSTED_PROXIES` proxies the address they saw (`ratelimit.client_address`); None
    when there is none or it is not an address."""
    if request is None:
        return None
    address = ratelimit.client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def record(
    actor: Any,
    action: str,
    *,
    obj: models.Model | None = None,
    municipality: Municipality | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEvent:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if municipality is None and obj is not None:
        municipality = getattr(obj, "municipality", None)
        if municipality is None and isinstance(obj, Municipality):
            municipality = obj
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_username=actor.get_username() if is_user else actor_username,
        municipality=municipality,
        action=str(action),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        reason=reason,
        ip_address=client_ip(request),
        details=details or {},
    )
