"""The one decorator staff views use: log-in, second factor, then capability (403)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import register_converter, reverse

from ainet.core import access

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    is_verified: Callable[[], bool] | None = getattr(user, "is_verified", None)
    # A verified session needs nothing more (and costs no query to tell).
    return not (is_verified and is_verified()) and access.otp_required(user)


def second_factor_redirect(request: HttpRequest) -> HttpResponseRedirect:
    from django_otp import user_has_device

    target = "core:otp_verify" if user_has_device(request.user) else "core:otp_setup"
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(target)}?{query}")


def staff_view(capability: str | None = None) -> Callable[[View], View]:
    if capability is not None and capability not in access.CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if needs_second_factor(request):
                return second_factor_redirect(request)
            if capability is not None and not access.can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


class IdConverter:
    """Positive ids that fit a PostgreSQL bigint; anything else does not resolve (404)."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class CodeConverter:
    regex = "[a-z0-9][a-z0-9-]{0,39}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IdConverter, "id")
register_converter(CodeConverter, "code")
