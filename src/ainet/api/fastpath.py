"""The hot path of safety confirmation: `POST /api/v1/disaster/campaigns/{id}/updates` with a
personal API token, answered in front of Django's middleware in one database statement.

After a disaster every field phone sends updates at once, and the whole Django request
(middleware, routing, the schema, the user's roles and the access check, five round trips)
costs several times the insert itself. This wrapper — `SafetyFastPath` in front of Django's
WSGI application (ainet/wsgi.py), `SafetyFastPathASGI` in front of it on uvicorn workers
(ainet/asgi.py, ADR 0007) — answers only the usual case — a well-formed update with a fresh
key for a person the token's user sees in normal times — and hands everything else to Django
unchanged (with its body), which decides it as before: replays, refused keys, bad input,
disaster-mode unlocks (audited), sessions, errors.

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

import asyncio
import concurrent.futures
import datetime
import functools
import io
import json
import logging
import re
import time
import weakref
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
import psycopg.sql
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import WSGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
)
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


def _kept(key: tuple[str, str, int], today: datetime.date) -> _Entry | None:
    """The entry kept for this key while it is still fresh (same day, young enough)."""
    entry = _ENTRIES.get(key)
    if (
        entry is not None
        and entry.today == today
        and time.monotonic() - entry.built_at < tokens.TOUCH_EVERY.total_seconds()
    ):
        return entry
    return None


def _key(secret: str, campaign_id: int) -> tuple[str, str, int]:
    return (connection.alias, tokens.digest(secret), campaign_id)


def _entry(secret: str, campaign_id: int, today: datetime.date) -> _Entry | None:
    key = _key(secret, campaign_id)
    entry = _kept(key, today)
    if entry is not None:
        return entry
    now = time.monotonic()
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
    """Drop every kept statement and set of answer headers (tests; a worker never needs
    to: its settings do not change)."""
    _ENTRIES.clear()
    _HEADERS.clear()
    _ASGI_HEADERS.clear()


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


def _prepared(entry: _Entry, data: dict[str, Any]) -> tuple[SafetyUpdate, list[Any], bool] | None:
    """The update to store and the statement's parameters, and whether it carries its own
    time; None when the schema or `safety._validate` would refuse it (Django answers why)."""
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
    return update, values, observed_at is not None


def _checked(entry: _Entry, row: Any) -> tuple[int | None, str] | None:
    """The statement's answer: (the new update's id, or None when the key was taken or the
    person is out of reach; the recorder's username); None when the guard failed or the
    epoch moved, and then the entry is forgotten: Django decides."""
    update_id, username, epoch = row if row is not None else (None, None, None)
    if username is None or epoch != entry.epoch:
        _ENTRIES.pop(entry.key, None)
        return None
    return update_id, username


def _replayed(entry: _Entry, update: SafetyUpdate, timed: bool, row: Any) -> SafetyUpdate | None:
    """The stored update (a row of `_stored_sql`) when `update` is a re-send of it by the same
    user, answered as the first time like Django's path does; else None: Django tells a
    reused key from a person out of reach."""
    if row is None:
        return None
    names = [SafetyUpdate._meta.get_field(name).get_attname() for name in _STORED_FIELDS]  # type: ignore[union-attr]
    stored = SafetyUpdate(
        campaign_id=entry.campaign_id,
        idempotency_key=update.idempotency_key,
        **dict(zip(names, row, strict=True)),
    )
    safety._stored(stored, stored.pk)
    if not safety._same_content(stored, _Actor(entry.user_id), *_content(update, timed)):
        return None
    return stored


Recorded = tuple[SafetyUpdate, str, int]
# The queries of one update, as a generator: it yields (sql, parameters) and is sent the row
# each answers, so that one piece of logic runs on Django's connection and on the ASGI path's.
Recording = Generator[tuple[str, list[Any]], Any, Recorded | None]


def _recording(entry: _Entry, data: dict[str, Any]) -> Recording:
    """Store the update in the one statement: (the update, the recorder's username, 201), or
    (the stored update, username, 200) for a re-send; None: Django decides."""
    prepared = _prepared(entry, data)
    if prepared is None:
        return None
    update, values, timed = prepared
    checked = _checked(entry, (yield entry.sql, values))
    if checked is None:
        return None
    update_id, username = checked
    if update_id is None:
        row = yield _stored_sql(), [entry.campaign_id, update.idempotency_key]
        stored = _replayed(entry, update, timed, row)
        return None if stored is None else (stored, username, 200)
    safety._stored(update, update_id)
    return update, username, 201


def _record(entry: _Entry, data: dict[str, Any]) -> Recorded | None:
    """`_recording` on Django's connection."""
    raw = connection.connection
    prepare = raw.prepare_threshold is not None  # once per connection when settings allow
    steps = _recording(entry, data)
    with psycopg.Cursor(raw) as cursor:
        try:
            sql, params = next(steps)
            while True:
                cursor.execute(sql, params, prepare=prepare)
                sql, params = steps.send(cursor.fetchone())
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


async def _record_async(
    conn: psycopg.AsyncConnection[Any], entry: _Entry, data: dict[str, Any]
) -> Recorded | None:
    """`_recording` on one of the ASGI path's own connections."""
    prepare = conn.prepare_threshold is not None
    steps = _recording(entry, data)
    async with psycopg.AsyncCursor(conn) as cursor:
        try:
            sql, params = next(steps)
            while True:
                await cursor.execute(sql, params, prepare=prepare)
                sql, params = steps.send(await cursor.fetchone())
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


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


def _answer(recorded: Recorded) -> tuple[int, bytes]:
    update, username, status = recorded
    body = json.dumps(_update_out(update, recorded_by=username), cls=DjangoJSONEncoder)
    return status, body.encode()


def _noop(request: Any) -> HttpResponse:  # the middleware below only post-process
    raise AssertionError("not called")


_SECURITY = SecurityMiddleware(_noop)
_FRAMES = XFrameOptionsMiddleware(_noop)


# The headers Django's middleware gives a JSON answer, per (language, HTTPS): they do not
# depend on the body, so each is worked out once, by that middleware.
_HEADERS: dict[tuple[str, bool], list[tuple[str, str]]] = {}


def _headers(request: WSGIRequest | ASGIRequest) -> list[tuple[str, str]]:
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


def _host_allowed(request: WSGIRequest | ASGIRequest) -> bool:
    """ALLOWED_HOSTS, exactly as Django checks it; when not, Django answers."""
    try:
        request.get_host()
    except Exception:  # DisallowedHost and the like
        return False
    return True


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
        if not _host_allowed(request):
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
        status, body = _answer(recorded)
        line = "201 Created" if status == 201 else "200 OK"
        return line, [*headers, ("Content-Length", str(len(body)))], body


# --- ASGI -------------------------------------------------------------------------------------
# The same fast path in front of Django on gunicorn's uvicorn workers (ainet/asgi.py, ADR
# 0007): the HTTP parsing is uvicorn's (httptools, C), and the statement runs on the worker's
# own small set of autocommit connections, so many updates are in flight in one process
# without a thread each. Building an entry (the token, the user's scope, the compiled
# condition: ORM work) runs in Django's threads; the rest never touches the ORM.

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The request headers Django reads to decide the host, HTTPS and the language of the answer.
_HEADER_NAMES = (
    *(b"host", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-port"),
    *(b"accept-language", b"cookie"),
)


def _header_names() -> tuple[bytes, ...]:
    """`_HEADER_NAMES` and the header `SECURE_PROXY_SSL_HEADER` names, if another."""
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not proxy or not proxy[0].startswith("HTTP_"):
        return _HEADER_NAMES
    name = proxy[0][5:].lower().replace("_", "-").encode()
    return _HEADER_NAMES if name in _HEADER_NAMES else (*_HEADER_NAMES, name)


def _without_underscored_headers(scope: Scope) -> Scope:
    """The scope without request headers whose names hold an underscore, as gunicorn's own
    workers drop them (`header_map=drop`): a2wsgi would give Django `X_Forwarded_Proto` as
    HTTP_X_FORWARDED_PROTO, joined with the proxy's `X-Forwarded-Proto`."""
    headers = scope.get("headers", ())
    if not any(b"_" in name for name, _value in headers):
        return scope
    return {**scope, "headers": [(n, v) for n, v in headers if b"_" not in n]}


_ASGI_HEADERS: dict[tuple[Any, ...], list[tuple[bytes, bytes]] | None] = {}
_ASGI_HEADERS_MAX = 256


def _asgi_headers(scope: Scope, headers: dict[bytes, bytes]) -> list[tuple[bytes, bytes]] | None:
    """The answer's headers as Django's middleware gives them; None when Django must answer
    (a host not allowed, a redirect to HTTPS). Worked out by Django once per set of the
    headers it reads."""
    names = _header_names()
    key = (scope.get("scheme"), scope.get("server"), *(headers.get(n) for n in names))
    if key in _ASGI_HEADERS:
        return _ASGI_HEADERS[key]
    request = ASGIRequest({**scope, "method": "POST"}, io.BytesIO(b""))
    answer: list[tuple[bytes, bytes]] | None = None
    if _host_allowed(request) and (not settings.SECURE_SSL_REDIRECT or request.is_secure()):
        answer = [(k.lower().encode(), v.encode()) for k, v in _headers(request)]
    if len(_ASGI_HEADERS) >= _ASGI_HEADERS_MAX:
        _ASGI_HEADERS.clear()
    _ASGI_HEADERS[key] = answer
    return answer


def _entry_in_thread(secret: str, campaign_id: int, today: datetime.date) -> _Entry | None:
    close_old_connections()
    try:
        return _entry(secret, campaign_id, today)
    finally:
        close_old_connections()


class _Connections:
    """The ASGI path's own PostgreSQL connections in one event loop: autocommit, with
    Django's connection parameters (and so its adapters and `prepare_threshold`), at most
    `size`, opened when needed. A slot of the semaphore is a connection in use; an idle one
    holds none, and one is opened only when none is idle, so at most `size` are ever open.
    The bookkeeping never waits, so a cancelled request cannot leave it wrong."""

    def __init__(self, size: int) -> None:
        self.idle: list[psycopg.AsyncConnection[Any]] = []
        self.slots = asyncio.Semaphore(size)
        self.closed = False

    async def acquire(self) -> psycopg.AsyncConnection[Any]:
        await self.slots.acquire()
        try:
            return self.idle.pop() if self.idle else await self._connect()
        except BaseException:
            self.slots.release()
            raise

    async def release(self, conn: psycopg.AsyncConnection[Any], discard: bool = False) -> None:
        """Give `conn` back; with `discard`, when it broke or after `close`, close it."""
        keep = not (discard or self.closed or conn.closed or conn.broken)
        if keep:
            self.idle.append(conn)
        self.slots.release()
        if not keep and not conn.closed:
            await conn.close()

    async def close(self) -> None:
        self.closed = True
        idle, self.idle = self.idle, []
        for conn in idle:
            await conn.close()

    @staticmethod
    async def _connect() -> psycopg.AsyncConnection[Any]:
        wrapper = connections[DEFAULT_DB_ALIAS]
        params = wrapper.get_connection_params()
        params.pop("cursor_factory", None)
        conn = await psycopg.AsyncConnection.connect(**params, autocommit=True)
        try:
            # As Django's own connections: times read back in UTC (timezone.localtime shows
            # them), and the role `OPTIONS["assume_role"]` names taken, so the statement
            # runs with the privileges (and row-level security) Django's queries run with.
            await conn.execute("SELECT set_config('TimeZone', %s, false)", [wrapper.timezone_name])
            if role := wrapper.settings_dict["OPTIONS"].get("assume_role"):
                await conn.execute(psycopg.sql.SQL("SET ROLE {}").format(psycopg.sql.Literal(role)))
        except BaseException:
            await conn.close()
            raise
        return conn


class SafetyFastPathASGI:
    """ASGI middleware in front of Django (see the module docstring and the section above):
    the same updates answered as by `SafetyFastPath`, the same handed to Django."""

    def __init__(
        self,
        application: ASGIApp,
        executor: concurrent.futures.Executor | None = None,
        connections_per_worker: int | None = None,
    ) -> None:
        """`executor`: the threads that build an entry (ORM work), Django's own (ainet/asgi.py)
        so that their connections serve both; None: asyncio's default."""
        self.application = application
        self.executor = executor
        self.size = connections_per_worker or settings.SAFETY_FAST_PATH_CONNECTIONS
        self.postgresql = connections[DEFAULT_DB_ALIAS].vendor == "postgresql"
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Connections] = (
            weakref.WeakKeyDictionary()
        )

    def _pool(self) -> _Connections:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            pool = self._pools[loop] = _Connections(self.size)
        return pool

    async def aclose(self) -> None:
        """Close this loop's connections (the end of a worker; tests)."""
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        scope = _without_underscored_headers(scope)
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and self.postgresql
            and settings.SAFETY_FAST_PATH
            # Django routes on the path a2wsgi gives it: without the root path.
            and (match := PATH.fullmatch(scope["path"].removeprefix(scope.get("root_path", ""))))
        ):
            answered, read, more = await self._try(scope, receive, send, int(match.group(1)))
            if answered:
                return
            if read is not None:
                receive = _replaying(read, more, receive)
        await self.application(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        # Django (behind a2wsgi) has no lifespan; the worker's connections close here.
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _try(
        self, scope: Scope, receive: Receive, send: Send, campaign_id: int
    ) -> tuple[bool, bytes | None, bool]:
        """(answered here, the body read so far or None, whether more of it is to come)."""
        raw_headers = scope["headers"]
        headers = dict(raw_headers)
        if len(headers) != len(raw_headers):
            return False, None, False  # a repeated header: Django joins them, this would not
        authorization = headers.get(b"authorization", b"")
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        try:
            length = int(headers.get(b"content-length", b"-1"))
        except ValueError:
            return False, None, False
        if (
            not authorization.startswith(b"Bearer ")
            or content_type != b"application/json"
            or not 0 < length <= MAX_BODY
        ):
            return False, None, False
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return True, None, False  # the client went away: nothing to answer
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > length:
                return False, body, more
        if len(body) != length:
            return False, body, False
        answer_headers = _asgi_headers(scope, headers)
        data = _payload(body)
        if answer_headers is None or data is None:
            return False, body, False
        try:
            secret = authorization[7:].decode("ascii")
        except UnicodeDecodeError:
            return False, body, False
        recorded = await self._recorded(secret, campaign_id, data)
        if recorded is None:
            return False, body, False
        status, out = _answer(recorded)
        start = [*answer_headers, (b"content-length", str(len(out)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": start})
        await send({"type": "http.response.body", "body": out})
        return True, None, False

    async def _recorded(
        self, secret: str, campaign_id: int, data: dict[str, Any]
    ) -> Recorded | None:
        today = today_tokyo()
        entry = _kept(_key(secret, campaign_id), today)
        conn = None
        failed = False
        pool = self._pool()
        try:
            if entry is None:
                entry = await asyncio.get_running_loop().run_in_executor(
                    self.executor, _entry_in_thread, secret, campaign_id, today
                )
            if entry is None:
                return None
            conn = await pool.acquire()
            return await _record_async(conn, entry, data)
        except Exception:
            # As on the WSGI path: forget the statement and let Django answer; an update that
            # was stored then replays as 200. The connection is closed, not kept: a statement
            # prepared on it before a migration could fail there again.
            logger.warning("safety fast path fell back to Django", exc_info=True)
            failed = True
            if entry is not None:
                _ENTRIES.pop(entry.key, None)
            return None
        finally:
            if conn is not None:
                await pool.release(conn, discard=failed)


def _replaying(body: bytes, more: bool, receive: Receive) -> Receive:
    """`receive` for Django: the body this path read, then whatever comes after it."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay
