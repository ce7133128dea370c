"""Log-in events go to the audit log: every success, failure and lock-out."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from ainet.core import audit

_USERNAME_MAX = 150


def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(user, audit.Action.LOGIN_SUCCESS, request=request)


def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(user, audit.Action.LOGOUT, request=request)


def _on_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:_USERNAME_MAX]
    audit.record(None, audit.Action.LOGIN_FAILURE, request=request, actor_username=username)


def _on_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, **kwargs: Any
) -> None:
    audit.record(
        None,
        audit.Action.LOGIN_LOCKED_OUT,
        request=request,
        actor_username=(username or "")[:_USERNAME_MAX],
    )


def connect_signals() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="ainet_audit_login")
    user_logged_out.connect(_on_logout, dispatch_uid="ainet_audit_logout")
    user_login_failed.connect(_on_failure, dispatch_uid="ainet_audit_login_failed")
    user_locked_out.connect(_on_locked_out, dispatch_uid="ainet_audit_locked_out")
