"""Assembles each app's router under /api/v1/ (OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
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

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            # A token was presented and refused: no falling back to the cookie, and no CSRF
            # check either (which would answer a revoked token 403 instead of 401).
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
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


# django-ninja's own messages, in Japanese and English like every other answer here.
NINJA_MESSAGES = {
    "Cannot parse request body": "リクエストの本文を読み取れません（JSON を確かめてください） / "
    "Cannot parse the request body (check the JSON).",
    "CSRF check Failed": "CSRF の確認に失敗しました。ページを開き直すか、"
    "API トークンを使ってください / CSRF check failed. Reload the page, or use an API token.",
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if " / " not in message:  # ours are in both languages already
        message = NINJA_MESSAGES.get(message.split(" (")[0], f"処理できません / {message}")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


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
