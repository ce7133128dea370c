"""Personal API tokens (`Authorization: Bearer ainet_…`) for field phones and scripts.

A token is made on the user's own account page from a session that has passed any second
factor the user's roles require, and is shown once; the database keeps its SHA-256 digest
(the secret is 256 random bits, so a fast digest is enough — nothing to guess). A request
with a token acts as the token's user: roles, districts and disaster-mode declarations are
read afresh on each request exactly as for a session, so a lost district or an ended
declaration counts from the next request. Tokens expire (at most a year) and can be revoked;
both are audited. A token request reads one row (token joined with its user) and writes
`last_used_at` at most once every ten minutes.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ainet.core import audit
from ainet.core.models import ApiToken, User

PREFIX = "ainet_"
MAX_DAYS = 365
DEFAULT_DAYS = 90
TOUCH_EVERY = datetime.timedelta(minutes=10)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user: User, name: str, days: int = DEFAULT_DAYS, *, request: Any = None) -> str:
    """Make a token for `user`; returns the secret, which is not stored anywhere."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be 1..{MAX_DAYS}")
    secret = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=secret[: len(PREFIX) + 6],
        digest=digest(secret),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    audit.record(
        user,
        audit.Action.TOKEN_CREATED,
        obj=token,
        municipality=user.municipality,
        request=request,
        details={"name": token.name, "expires_at": token.expires_at.isoformat()},
    )
    return secret


def revoke(user: User, token: ApiToken, *, request: Any = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            user,
            audit.Action.TOKEN_REVOKED,
            obj=token,
            municipality=user.municipality,
            request=request,
            details={"name": token.name},
        )


def token_for(secret: str) -> ApiToken | None:
    """The usable token with this secret, its active user read with it, or None. One query
    (token and user), and a conditional write of `last_used_at` every ten minutes."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.usable(now).select_related("user").filter(digest=digest(secret)).first()
    )
    if token is None:
        return None
    if token.last_used_at is None or token.last_used_at < now - TOUCH_EVERY:
        # Conditional, so concurrent requests with one token write it once.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
        ).update(last_used_at=now)
    return token


def user_for(secret: str) -> User | None:
    """The active user a usable token belongs to, or None (see `token_for`)."""
    token = token_for(secret)
    if token is None:
        return None
    user: User = token.user
    return user
