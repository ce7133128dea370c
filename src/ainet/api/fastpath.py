"""The hot path of safety confirmation: `POST /api/v1/disaster/campaigns/{id}/updates` with a
personal API token, answered in front of Django's middleware in one database statement.

After a disaster every field phone sends updates at once, and the whole Django request
(middleware, routing, the schema, the user's roles and the access check, five round trips)
costs several times the insert itself. This WSGI wrapper answers only the usual case — a
well-formed update with a fresh key for a person the token's user sees in normal times — and
hands everything else to Django unchanged (`environ` with its body), which decides it as
before: replays, refused keys, bad input, disaster-mode unlocks (audited), sessions, errors.

What the database decides, on every request, in the one statement that stores the update:
the token is usable (not revoked, not expired, its user active), the campaign is open, the
person is among the campaign's people that the user sees in normal times (the condition
`access.person_normal_q` builds, compiled for this user), the key is fresh; and the scope
epoch (`disaster.ScopeEpoch`, bumped by triggers on role memberships, districts, information
agreements and campaigns) still has the value it had when the worker compiled that
condition. So a revoked token, a lost district or a closed campaign count from the next
request, exactly as on the Django path; only the compiled condition is kept per worker.

PostgreSQL only (SQLite serialises writers anyway, and the Django path is the same there);
`AINET_SAFETY_FAST_PATH=off` turns it off. The statement is prepared on the server, so it is
planned once per connection; connection poolers in transaction mode must support prepared
statements (PgBouncer ≥ 1.21 with `max_prepared_statements`), or turn this off.
"""

from __future__ import annotations

import datetime
import functools
import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.http import HttpResponse, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from ainet.core import access, schemas, tokens
from ainet.core.dates import today_tokyo
from ainet.core.models import ApiToken, User
from ainet.disaster import safety
from ainet.disaster.api import UpdateIn, _update_out
from ainet.disaster.models import SafetyCampaign, SafetyUpdate, ScopeEpoch
from ainet.public import languages

logger = logging.getLogger(__name__)

PATH = re.compile(r"/api/v1/disaster/campaigns/([1-9][0-9]{0,17})/updates")
MAX_BODY = 16 * 1024
FIELDS = frozenset(UpdateIn.model_fields)
REQUIRED = frozenset(name for name, info in UpdateIn.model_fields.items() if info.is_required())
# The times both this path and the schema (pydantic) read the same way; others go to Django.
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)?")
# The schema's text fields and their limits; longer values go to Django to be refused.
MAX_LENGTHS = {
    name: next(m.max_length for m in info.metadata if hasattr(m, "max_length"))
    for name, info in UpdateIn.model_fields.items()
    if info.annotation is str
}
ENTRIES_MAX = 4096
# Errors after which the connection cannot be trusted (Django's, and psycopg's own from the
# statement run on the raw connection).
BROKEN = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


@dataclass(frozen=True)
class _Entry:
    """What a worker keeps for one token and campaign: the compiled statement and the
    values it was compiled from. Rebuilt on a new day, after `tokens.TOUCH_EVERY` (which
    also keeps the token's `last_used_at` current) and when the epoch moved."""

    key: tuple[str, str, int]
    token_id: int
    user_id: int
    campaign_id: int
    epoch: int
    today: datetime.date
    built_at: float
    sql: str
    check_params: tuple[Any, ...]
    person_at: int


_ENTRIES: dict[tuple[str, str, int], _Entry] = {}


def _table(model: type[Any]) -> str:
    return safety._columns(model, [])[0]


def _column(model: type[Any], field: str) -> str:
    return safety._columns(model, [field])[1][0]


def _epoch_sql() -> str:
    return f"SELECT {_column(ScopeEpoch, 'value')} FROM {_table(ScopeEpoch)} WHERE id = 1"  # noqa: S608


def _read_epoch() -> int:
    with connection.cursor() as cursor:
        cursor.execute(_epoch_sql())
        row = cursor.fetchone()
        if row is None:  # a flushed database: written like the triggers write it
            cursor.execute(
                f"INSERT INTO {_table(ScopeEpoch)} (id, {_column(ScopeEpoch, 'value')}) "  # noqa: S608
                "VALUES (1, nextval('ainet_scope_epoch_seq')) ON CONFLICT (id) DO NOTHING"
            )
            cursor.execute(_epoch_sql())
            row = cursor.fetchone()
    return int(row[0])


def _statement(check_sql: str) -> str:
    """The one statement: a guard row when the token, user, campaign and epoch still hold;
    the insert of the update when the guard row exists, the person passes `check_sql` and
    the key is fresh; the latest-status upsert of what was inserted. It answers one row:
    (the new update's id or NULL, the recorder's username or NULL, the epoch now)."""
    token, user, campaign = ApiToken, User, SafetyCampaign
    guard = (
        f"SELECT u.{_column(user, 'username')} AS username FROM {_table(token)} t "  # noqa: S608
        f"JOIN {_table(user)} u ON u.id = t.{_column(token, 'user')} "
        f"WHERE t.id = %s AND t.{_column(token, 'revoked_at')} IS NULL "
        f"AND t.{_column(token, 'expires_at')} > %s AND u.{_column(user, 'is_active')} "
        f"AND EXISTS (SELECT 1 FROM {_table(campaign)} c WHERE c.id = %s "
        f"AND c.{_column(campaign, 'closed_at')} IS NULL) "
        f"AND ({_epoch_sql()}) = %s"
    )
    table, columns = safety._columns(SafetyUpdate, safety._UPDATE_COLUMNS)
    returned = safety._returned_columns()
    insert = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(['%s'] * len(columns))} FROM guard WHERE EXISTS ({check_sql}) "
        f"ON CONFLICT ({columns[0]}, {columns[2]}) DO NOTHING RETURNING {', '.join(returned)}"
    )
    latest = safety._latest_sql(f"SELECT {', '.join(returned)}, 1 FROM inserted")  # noqa: S608
    return (
        f"WITH guard AS ({guard}), inserted AS ({insert}), latest AS ({latest}) "  # noqa: S608
        f"SELECT (SELECT {returned[2]} FROM inserted), (SELECT username FROM guard), "
        f"({_epoch_sql()})"
    )


def _entry(secret: str, campaign_id: int, today: datetime.date) -> _Entry | None:
    key = (connection.alias, tokens.digest(secret), campaign_id)
    entry = _ENTRIES.get(key)
    now = time.monotonic()
    if (
        entry is not None
        and entry.today == today
        and now - entry.built_at < tokens.TOUCH_EVERY.total_seconds()
    ):
        return entry
    _ENTRIES.pop(key, None)
    token = tokens.token_for(secret)  # usable now; the statement checks it again each time
    if token is None:
        return None
    # The epoch before the scope: a change committed after this read moves it, so what is
    # read below can only be newer than the epoch it is kept with, never older.
    epoch = _read_epoch()
    user = token.user
    if not access.can(user, "disaster.safety_record"):
        return None
    campaign = SafetyCampaign.objects.for_user(user).filter(pk=campaign_id).first()
    if campaign is None or not campaign.is_open:
        return None
    check = safety.seen_check_sql(user, campaign)
    if check is None:
        return None
    check_sql, check_params, person_at = check
    entry = _Entry(
        key=key,
        token_id=token.pk,
        user_id=user.pk,
        campaign_id=campaign.pk,
        epoch=epoch,
        today=today,
        built_at=now,
        sql=_statement(check_sql),
        check_params=check_params,
        person_at=person_at,
    )
    if len(_ENTRIES) >= ENTRIES_MAX:
        _ENTRIES.clear()
    _ENTRIES[key] = entry
    return entry


def forget_all() -> None:
    """Drop every kept statement (tests; a worker never needs to)."""
    _ENTRIES.clear()


def _payload(body: bytes) -> dict[str, Any] | None:
    """The update when it has exactly the shape the schema takes without coercion."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not data.keys() <= FIELDS:
        return None
    if not data.keys() >= REQUIRED:
        return None
    person = data["person"]
    if type(person) is not int or not 0 < person < 2**63:
        return None
    for name, limit in MAX_LENGTHS.items():
        value = data.get(name, "")
        if not isinstance(value, str) or len(value) > limit or not schemas.storable(value):
            return None
    observed = data.get("observed_at")
    if observed is not None and not (isinstance(observed, str) and TIME.fullmatch(observed)):
        return None
    return data


def _record(entry: _Entry, data: dict[str, Any]) -> tuple[SafetyUpdate, str, int] | None:
    """Store the update in the one statement: (the update, the recorder's username, 201), or
    (the stored update, username, 200) for a re-send; None: Django decides."""
    observed_at = data.get("observed_at")
    try:
        when = datetime.datetime.fromisoformat(observed_at) if observed_at else None
        note = data.get("note", "").strip()
        where, when = safety._validate(
            data["idempotency_key"], data["status"], data.get("evacuated_to", ""), note, when
        )
    except (ValueError, safety.SafetyError):
        return None
    now = timezone.now()
    update = SafetyUpdate(
        campaign_id=entry.campaign_id,
        person_id=data["person"],
        idempotency_key=data["idempotency_key"],
        status=data["status"],
        evacuated_to=where,
        note=note,
        observed_at=when or now,
        recorded_by_id=entry.user_id,
        received_at=now,
    )
    check = list(entry.check_params)
    check[entry.person_at] = update.person_id
    values = [
        entry.token_id,
        now,
        entry.campaign_id,
        entry.epoch,
        *safety._insert_values(update),
        *check,
    ]
    raw = connection.connection
    with psycopg.Cursor(raw) as cursor:
        # Prepared once per connection when the settings allow it (`prepare_threshold`).
        cursor.execute(entry.sql, values, prepare=raw.prepare_threshold is not None)
        row = cursor.fetchone()
    update_id, username, epoch = row if row is not None else (None, None, None)
    if username is None or epoch != entry.epoch:
        _ENTRIES.pop(entry.key, None)
        return None
    if update_id is None:
        # The key was taken (or the person is out of reach): a re-send of the same update by
        # the same user is answered as the first time, like Django's path does; anything
        # else is Django's to tell apart.
        stored = _stored_update(raw, entry, update.idempotency_key)
        if stored is None or not safety._same_content(
            stored, _Actor(entry.user_id), *_content(update, observed_at is not None)
        ):
            return None
        return stored, username, 200
    safety._stored(update, update_id)
    return update, username, 201


@dataclass(frozen=True)
class _Actor:
    pk: int


def _content(update: SafetyUpdate, timed: bool) -> tuple[int, str, str, str, Any]:
    return (
        update.person_id,
        update.status,
        update.evacuated_to,
        update.note,
        update.observed_at if timed else None,
    )


_STORED_FIELDS = ["id", "person", "status", "evacuated_to", "note", "observed_at"]
_STORED_FIELDS += ["recorded_by", "received_at"]


@functools.cache
def _stored_sql() -> str:
    columns = ", ".join(_column(SafetyUpdate, name) for name in _STORED_FIELDS)
    return (
        f"SELECT {columns} FROM {_table(SafetyUpdate)} "  # noqa: S608
        f"WHERE {_column(SafetyUpdate, 'campaign')} = %s "
        f"AND {_column(SafetyUpdate, 'idempotency_key')} = %s"
    )


def _stored_update(raw: Any, entry: _Entry, key: str) -> SafetyUpdate | None:
    with psycopg.Cursor(raw) as cursor:
        cursor.execute(
            _stored_sql(), [entry.campaign_id, key], prepare=raw.prepare_threshold is not None
        )
        row = cursor.fetchone()
    if row is None:
        return None
    names = [SafetyUpdate._meta.get_field(name).get_attname() for name in _STORED_FIELDS]  # type: ignore[union-attr]
    stored = SafetyUpdate(
        campaign_id=entry.campaign_id, idempotency_key=key, **dict(zip(names, row, strict=True))
    )
    safety._stored(stored, stored.pk)
    return stored


def _noop(request: Any) -> HttpResponse:  # the middleware below only post-process
    raise AssertionError("not called")


_SECURITY = SecurityMiddleware(_noop)
_FRAMES = XFrameOptionsMiddleware(_noop)


# The headers Django's middleware gives a JSON answer, per (language, HTTPS): they do not
# depend on the body, so each is worked out once, by that middleware.
_HEADERS: dict[tuple[str, bool], list[tuple[str, str]]] = {}


def _headers(request: WSGIRequest) -> list[tuple[str, str]]:
    language = languages.for_request(request)
    key = (language, request.is_secure())
    headers = _HEADERS.get(key)
    if headers is None:
        response = JsonResponse({})
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", languages.html_lang(language))
        _SECURITY.process_response(request, response)
        _FRAMES.process_response(request, response)
        headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
        _HEADERS[key] = headers
    return headers


class SafetyFastPath:
    """WSGI middleware in front of Django's application (see the module docstring)."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        answered = None
        if (
            environ.get("REQUEST_METHOD") == "POST"
            and environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
            and settings.SAFETY_FAST_PATH
            and connection.vendor == "postgresql"
            and (match := PATH.fullmatch(environ.get("PATH_INFO", "")))
        ):
            answered = self._try(environ, int(match.group(1)))
        if answered is None:
            return self.application(environ, start_response)
        status, headers, body = answered
        start_response(status, headers)
        return [body]

    def _try(
        self, environ: dict[str, Any], campaign_id: int
    ) -> tuple[str, list[tuple[str, str]], bytes] | None:
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            return None
        if content_type != "application/json" or not 0 < length <= MAX_BODY:
            return None
        body = environ["wsgi.input"].read(length)
        # Whatever happens below, Django can read the body as it came.
        environ["wsgi.input"] = io.BytesIO(body)
        if len(body) != length:
            return None
        request = WSGIRequest(environ)
        try:
            request.get_host()  # ALLOWED_HOSTS, exactly as Django checks it
        except Exception:  # DisallowedHost and the like: Django answers it
            return None
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None  # Django redirects
        data = _payload(body)
        if data is None:
            return None
        headers = _headers(request)  # before anything is stored: nothing can fail after it
        close_old_connections()
        entry = None
        try:
            connection.ensure_connection()
            if not connection.connection.autocommit:
                return None  # inside a transaction (a test's): the statement must commit alone
            entry = _entry(environ["HTTP_AUTHORIZATION"][7:], campaign_id, today_tokyo())
            recorded = _record(entry, data) if entry is not None else None
        except Exception as error:
            # A database error (a lost connection, a plan invalidated by a migration): forget
            # the statement, drop a broken connection and let Django answer; an update that
            # was stored then replays as 200.
            logger.warning("safety fast path fell back to Django", exc_info=True)
            if entry is not None:
                _ENTRIES.pop(entry.key, None)
            if isinstance(error, BROKEN):
                connection.close()
            return None
        finally:
            close_old_connections()
        if recorded is None:
            return None
        update, username, status = recorded
        body = json.dumps(_update_out(update, recorded_by=username), cls=DjangoJSONEncoder).encode()
        line = "201 Created" if status == 201 else "200 OK"
        return line, [*headers, ("Content-Length", str(len(body)))], body
