"""Assembles each app's router under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from ainet.care.api import router as care_router
from ainet.core import tokens
from ainet.core.api import router as core_router
from ainet.core.guards import needs_second_factor
from ainet.disaster.api import router as disaster_router
from ainet.plan.api import router as plan_router


class StaffToken(HttpBearer):
    """A personal API token (`Authorization: Bearer ainet_…`, see core/tokens.py): the request
    acts as the token's user. Tokens are made only from a session that passed the second
    factor, so none is asked here; no session or CSRF cookie is needed."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = tokens.user_for(token)
        if user is None:
            return None
        request.user = user
        return user


class StaffSession(SessionAuth):
    """The browser session of a logged-in user who has passed any required second factor."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None  # a token was presented and refused: no falling back to the cookie
        user = super().authenticate(request, key)
        if user is None or needs_second_factor(request):
            return None
        return user


api = NinjaAPI(
    title="ainet API",
    version="1",
    description="ainet — community welfare and health plan platform. "
    "Every operation sees only what the caller's roles and districts allow. "
    "Authenticate with the browser session (and its CSRF token for writes) or with a "
    "personal API token made on the account page: `Authorization: Bearer ainet_…`.",
    auth=[StaffToken(), StaffSession()],
    urls_namespace="api-v1",
    docs_url="/docs",
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "見つかりません / Not found."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "ログインが必要です / Log-in required."},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "入力が正しくありません / Invalid input.", "errors": exc.errors},
        status=422,
    )


@api.get("/", auth=None, summary="API root: version and where the schema is", url_name="root")
def root(request: HttpRequest) -> dict[str, str]:
    return {
        "name": "ainet",
        "version": api.version,
        "openapi": request.build_absolute_uri("openapi.json"),
        "docs": request.build_absolute_uri("docs"),
    }


api.add_router("/", core_router)
api.add_router("/plan", plan_router)
api.add_router("/disaster", disaster_router)
api.add_router("/care", care_router)
