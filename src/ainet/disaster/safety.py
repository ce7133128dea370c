"""Safety confirmation (安否確認): opening and closing campaigns, the people each user is to
confirm, and recording their status so that nothing acknowledged is lost or stored twice.

Idempotency: the client generates one key per observation and re-sends it with the same
content until it gets an answer. `(campaign, idempotency_key)` is UNIQUE in the database, so
of two racing requests with one key exactly one insert wins; the loser and every later replay
compare their content with the stored row: the same → the stored update is the answer
(created=False), different → `SafetyError(409)`, nothing stored.

Both writes are single statements, so a request makes few round trips: the update is
`INSERT … ON CONFLICT (campaign, idempotency_key) DO NOTHING RETURNING id` (no row back: the
key was taken — on PostgreSQL the statement first waits for a racing insert of the same key
to commit or roll back), and the latest status is an upsert
`INSERT … ON CONFLICT (campaign, person) DO UPDATE`, which takes the row lock and keeps the
update with the greatest (observed_at, id). So the outcome does not depend on which request
commits first, and every update stays in the history. On SQLite the IMMEDIATE transactions
serialise writers as well.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from typing import Any

from django.core.exceptions import EmptyResultSet, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ainet.care.models import DisasterDeclaration, ListEntry, ListKind, Person, PersonQuerySet
from ainet.core import access, audit
from ainet.core.dates import TOKYO
from ainet.core.models import District, Municipality
from ainet.disaster.models import SafetyCampaign, SafetyLatest, SafetyStatus, SafetyUpdate

# A UUID (36 characters with hyphens) or any 16–64 URL-safe characters.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_NOTE = 1000
MAX_WHERE = 200
# Phones' clocks drift; an observation further in the future than this is refused.
CLOCK_SKEW = datetime.timedelta(minutes=5)
EARLIEST_OBSERVED = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class SafetyError(Exception):
    """An update that cannot be stored. `status` is the HTTP status the API answers, `code` a
    stable machine-readable reason; `text()` the sentence in the active language."""

    def __init__(
        self, status: int, code: str, message: Any, params: dict[str, Any] | None = None
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.params = params or {}

    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


@dataclasses.dataclass(frozen=True)
class Recorded:
    update: SafetyUpdate
    created: bool  # False: a replay of an update stored before


# --- Campaigns -------------------------------------------------------------------------


def open_campaign(
    actor: Any,
    municipality: Municipality,
    *,
    title: str,
    districts: list[District] | None = None,
    declaration: DisasterDeclaration | None = None,
    request: HttpRequest | None = None,
) -> SafetyCampaign:
    if not access.can(actor, "disaster.safety_open"):
        raise PermissionDenied
    if municipality.pk not in access.administered_municipality_ids(actor):
        raise PermissionDenied
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Enter a title.")})
    districts = districts or []
    if any(d.municipality_id != municipality.pk for d in districts):
        raise ValidationError({"districts": _("This district belongs to another municipality.")})
    if declaration is not None and declaration.municipality_id != municipality.pk:
        raise ValidationError(
            {"declaration": _("This declaration belongs to another municipality.")}
        )
    with transaction.atomic():
        campaign = SafetyCampaign.objects.create(
            municipality=municipality, title=title, declaration=declaration, opened_by=actor
        )
        campaign.districts.set(districts)
        audit.record(
            actor,
            audit.Action.CREATE,
            obj=campaign,
            request=request,
            details={"districts": sorted(d.code for d in districts)},
        )
    return campaign


def close_campaign(
    actor: Any, campaign: SafetyCampaign, request: HttpRequest | None = None
) -> SafetyCampaign:
    if not access.can(actor, "disaster.safety_open"):
        raise PermissionDenied
    if campaign.municipality_id not in access.administered_municipality_ids(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = SafetyCampaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.closed_at is not None:
            raise ValidationError(_("This campaign is already closed."))
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.save(update_fields=["closed_at", "closed_by"])
        audit.record(actor, audit.Action.UPDATE, obj=locked, request=request, reason="closed")
    return locked


# --- The people to confirm --------------------------------------------------------------


def in_campaign_q(campaign: SafetyCampaign, prefix: str = "") -> Q:
    """People a campaign covers: on the evacuation-help list now, in its districts."""
    outer = OuterRef(prefix[:-2] if prefix else "pk")
    listed = Exists(
        ListEntry.objects.filter(person=outer, list_kind=ListKind.EVACUATION, left_on__isnull=True)
    )
    # The campaign's districts as a subquery (none chosen: every district), so that one
    # query decides whether a person is in the campaign.
    chosen = SafetyCampaign.districts.through.objects.filter(safetycampaign_id=campaign.pk)
    in_districts = ~Q(Exists(chosen)) | Q(
        **{f"{prefix}district_id__in": chosen.values("district_id")}
    )
    return Q(listed) & Q(**{f"{prefix}municipality_id": campaign.municipality_id}) & in_districts


def campaign_district_ids(campaign: SafetyCampaign) -> frozenset[int] | None:
    """The campaign's districts; None for every district of the municipality."""
    cached: frozenset[int] | None
    if hasattr(campaign, "_district_ids"):
        cached = campaign._district_ids
        return cached
    ids = frozenset(campaign.districts.values_list("pk", flat=True)) or None
    campaign._district_ids = ids  # type: ignore[attr-defined]
    return ids


def campaign_people(user: Any, campaign: SafetyCampaign) -> PersonQuerySet:
    """The campaign's people this user may see, each annotated with `unlocked`: visible only
    because of disaster mode (a read to audit as an unlock)."""
    if access.disaster_unlocks_possible(user):
        unlocked: Any = ExpressionWrapper(
            ~access.person_q(user, disaster_unlocks=False), output_field=BooleanField()
        )
    else:
        # No declaration in force widens this user's view: everyone visible is visible in
        # normal times (and the second, costly condition need not be built).
        unlocked = Value(False, output_field=BooleanField())
    return Person.objects.for_user(user).filter(in_campaign_q(campaign)).annotate(unlocked=unlocked)


def audit_unlocks(
    actor: Any,
    campaign: SafetyCampaign,
    person_ids: list[int],
    *,
    what: str,
    request: HttpRequest | None = None,
) -> None:
    """Record that disaster mode let `actor` see these people (law art. 49-11(3))."""
    if not person_ids:
        return
    audit.record(
        actor,
        audit.Action.VIEW,
        obj=campaign,
        request=request,
        reason="disaster mode",
        details={"disaster_mode": True, "what": what, "people": sorted(person_ids)},
    )


# --- Recording an update -----------------------------------------------------------------


# Compiled SQL of `_in_campaign`, per worker: (SQL, parameters, index of the person's id).
_COMPILED: dict[tuple[Any, ...], tuple[str, tuple[Any, ...], int]] = {}
_COMPILED_MAX = 512
# Stands for the person's id while compiling; no row has a negative id.
_SENTINEL = -7_355_608_131


def _in_campaign_sql(
    actor: Any, campaign: SafetyCampaign, person_id: int
) -> tuple[str, list[Any]] | None:
    """The SQL of `_in_campaign` for this person (one row, `unlocked`, or none), compiled once
    per worker for each `access.person_q_key` and campaign; None when it cannot be reused
    (the user sees no one, or the person's parameter cannot be told apart)."""
    key = (connection.alias, access.person_q_key(actor), campaign.pk, campaign.municipality_id)
    compiled = _COMPILED.get(key)
    if compiled is None:
        people: Any = campaign_people(actor, campaign)
        compiled = _compiled_for_one(people.filter(pk=_SENTINEL).values_list("unlocked")[:1])
        if compiled is None:
            return None
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        _COMPILED[key] = compiled
    sql, params, at = compiled
    return sql, [*params[:at], person_id, *params[at + 1 :]]


def seen_check_sql(actor: Any, campaign: SafetyCampaign) -> tuple[str, tuple[Any, ...], int] | None:
    """SQL selecting the person (one row or none) when they are among the campaign's people
    and `actor` sees them in normal times — without disaster mode, so nothing to audit:
    `campaign_people` with `unlocked` false. (SQL, parameters, index of the person's id
    among them), the id a stand-in to replace; None when the user sees no one or the
    person's parameter cannot be told apart. Reads only what `access.person_normal_q` reads
    (memberships, districts, an information agreement), never the declarations."""
    return _compiled_for_one(
        Person.objects.filter(access.person_normal_q(actor), in_campaign_q(campaign), pk=_SENTINEL)
        .order_by()
        .values("pk")
    )


def _compiled_for_one(query: Any) -> tuple[str, tuple[Any, ...], int] | None:
    """(SQL, parameters, index of the person's id) of a query filtered on `pk=_SENTINEL`;
    None when its condition matches nothing (the user sees no one) or the person's
    parameter cannot be told apart (then the SQL must not be reused)."""
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:
        return None
    where = [n for n, value in enumerate(params) if value == _SENTINEL]
    if len(where) != 1:
        return None
    return sql, tuple(params), where[0]


def _in_campaign(actor: Any, campaign: SafetyCampaign, person_id: int) -> bool | None:
    """Whether `actor` sees this person among the campaign's people: None not, else whether
    only disaster mode makes them visible (an unlock). The same query as `campaign_people`,
    decided by the database on every call; building and compiling its condition is what
    costs (milliseconds, more than the query), so the SQL is compiled once per worker for
    each `access.person_q_key` and campaign, and run with this person's id."""
    compiled = _in_campaign_sql(actor, campaign, person_id)
    if compiled is None:
        people: Any = campaign_people(actor, campaign)
        row = people.filter(pk=person_id).values_list("unlocked").first()
        return None if row is None else bool(row[0])
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        row = cursor.fetchone()
    return None if row is None else bool(row[0])


def _same_content(
    stored: SafetyUpdate,
    actor: Any,
    person_id: int,
    status: str,
    evacuated_to: str,
    note: str,
    observed_at: datetime.datetime | None,
) -> bool:
    return (
        stored.recorded_by_id == actor.pk
        and stored.person_id == person_id
        and stored.status == status
        and stored.evacuated_to == evacuated_to
        and stored.note == note
        # A form post carries no time of its own (the server's clock is used), so its
        # re-send matches whatever time the first one was stored with.
        and (observed_at is None or stored.observed_at == observed_at)
    )


def _replay(
    stored: SafetyUpdate,
    actor: Any,
    person_id: int,
    status: str,
    evacuated_to: str,
    note: str,
    observed_at: datetime.datetime | None,
) -> Recorded:
    if _same_content(stored, actor, person_id, status, evacuated_to, note, observed_at):
        return Recorded(stored, created=False)
    raise SafetyError(
        409,
        "key_reused",
        gettext_lazy(
            "This idempotency key was already used for a different update. "
            "Nothing was stored; generate a new key for a new update."
        ),
    )


def _validate(
    key: str, status: str, evacuated_to: str, note: str, observed_at: datetime.datetime | None
) -> tuple[str, datetime.datetime | None]:
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise SafetyError(
            422,
            "invalid_key",
            gettext_lazy(
                "The idempotency key must be a UUID or 16 to 64 letters, digits, "
                "hyphens or underscores."
            ),
        )
    if status not in SafetyStatus.values:
        raise SafetyError(
            422,
            "invalid_status",
            gettext_lazy(
                "Unknown status. Use one of: safe, needs_help, not_home, evacuated, unknown."
            ),
        )
    evacuated_to = evacuated_to.strip() if status == SafetyStatus.EVACUATED else ""
    if status == SafetyStatus.EVACUATED and not evacuated_to:
        raise SafetyError(
            422, "where_required", gettext_lazy("Enter where the person evacuated to.")
        )
    if len(evacuated_to) > MAX_WHERE:
        raise SafetyError(
            422,
            "where_too_long",
            gettext_lazy("Where the person went may be at most %(n)d characters."),
            {"n": MAX_WHERE},
        )
    if len(note) > MAX_NOTE:
        raise SafetyError(
            422,
            "note_too_long",
            gettext_lazy("The note may be at most %(n)d characters."),
            {"n": MAX_NOTE},
        )
    if observed_at is not None:
        if timezone.is_naive(observed_at):
            observed_at = observed_at.replace(tzinfo=TOKYO)
        if observed_at > timezone.now() + CLOCK_SKEW:
            raise SafetyError(
                422,
                "observed_in_future",
                gettext_lazy("The time of the observation is in the future."),
            )
        if observed_at < EARLIEST_OBSERVED:
            # A phone whose clock was never set; a time this old cannot be read back either.
            raise SafetyError(
                422,
                "observed_too_old",
                gettext_lazy("The time of the observation is too far in the past."),
            )
    return evacuated_to, observed_at


def record_update(
    actor: Any,
    campaign: SafetyCampaign,
    *,
    person_id: int,
    key: str,
    status: str,
    evacuated_to: str = "",
    note: str = "",
    observed_at: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Recorded:
    """Store one observation of a person's safety, exactly once per key (see the module
    docstring). Raises PermissionDenied without the capability, SafetyError otherwise."""
    if not access.can(actor, "disaster.safety_record"):
        raise PermissionDenied
    note = note.strip()
    evacuated_to, observed_at = _validate(key, status, evacuated_to, note, observed_at)
    content = (actor, person_id, status, evacuated_to, note, observed_at)

    def replay_or(error: SafetyError) -> Recorded:
        # A re-sent update is answered as the first time even when it could not be stored
        # now (the campaign closed, the person is no longer visible).
        stored = SafetyUpdate.objects.filter(campaign=campaign, idempotency_key=key).first()
        if stored is not None:
            return _replay(stored, *content)
        raise error

    if campaign.is_open and connection.vendor == "postgresql":
        # The usual update — a fresh key for a person the actor sees without disaster mode —
        # is one statement that checks, stores and advances together. Anything else (a
        # re-sent key, an unlock to audit, a person out of reach) stores nothing there and
        # takes the path below, which tells them apart.
        check = _in_campaign_sql(actor, campaign, person_id)
        if check is not None:
            fresh = _new_update(
                actor, campaign, person_id, key, status, evacuated_to, note, observed_at
            )
            if _insert_if_seen(fresh, *check):
                return Recorded(fresh, created=True)
    if not campaign.is_open:
        return replay_or(
            SafetyError(
                422,
                "campaign_closed",
                gettext_lazy("This campaign is closed; updates are no longer accepted."),
            )
        )
    found = _in_campaign(actor, campaign, person_id)
    if found is None:
        if Person.objects.for_user(actor).filter(pk=person_id).exists():
            return replay_or(
                SafetyError(
                    422,
                    "not_in_campaign",
                    gettext_lazy("This person is not among the people this campaign confirms."),
                )
            )
        return replay_or(
            SafetyError(
                404, "person_not_found", gettext_lazy("No such person among the people you see.")
            )
        )
    unlocked = found

    update = _new_update(actor, campaign, person_id, key, status, evacuated_to, note, observed_at)

    def taken() -> Recorded:
        # The key is taken: a replay, or a racing request with this key that committed
        # first (ON CONFLICT waited for it). Either way the stored row is the answer.
        stored = SafetyUpdate.objects.filter(campaign=campaign, idempotency_key=key).first()
        if stored is None:
            raise IntegrityError("idempotency key conflict without a stored row")
        return _replay(stored, *content)

    if connection.vendor == "postgresql" and not unlocked:
        # Nothing to audit: one statement stores the update and its latest status.
        if not _insert_and_advance(update):
            return taken()
        return Recorded(update, created=True)
    with transaction.atomic():
        if not _insert_once(update):
            return taken()
        _advance_latest(update)
        if unlocked:
            # In the same transaction: the update is stored only with its audit event.
            audit_unlocks(actor, campaign, [person_id], what="safety_update", request=request)
    return Recorded(update, created=True)


def _new_update(
    actor: Any,
    campaign: SafetyCampaign,
    person_id: int,
    key: str,
    status: str,
    evacuated_to: str,
    note: str,
    observed_at: datetime.datetime | None,
) -> SafetyUpdate:
    now = timezone.now()
    return SafetyUpdate(
        campaign=campaign,
        person_id=person_id,
        idempotency_key=key,
        status=status,
        evacuated_to=evacuated_to,
        note=note,
        observed_at=observed_at or now,
        recorded_by=actor,
        received_at=now,
    )


def _columns(model: type[Any], names: list[str]) -> tuple[str, list[str]]:
    meta = model._meta
    quote = connection.ops.quote_name
    return quote(meta.db_table), [quote(meta.get_field(n).column) for n in names]


_UPDATE_COLUMNS = ["campaign", "person", "idempotency_key", "status", "evacuated_to", "note"]
_UPDATE_COLUMNS += ["observed_at", "recorded_by", "received_at"]


def _insert_values(update: SafetyUpdate) -> list[Any]:
    """The parameters of `_insert_sql`, in the order of `_UPDATE_COLUMNS`."""
    ops = connection.ops
    return [
        update.campaign_id,
        update.person_id,
        update.idempotency_key,
        update.status,
        update.evacuated_to,
        update.note,
        ops.adapt_datetimefield_value(update.observed_at),
        update.recorded_by_id,
        ops.adapt_datetimefield_value(update.received_at),
    ]


def _insert_sql(update: SafetyUpdate) -> tuple[str, list[Any]]:
    """INSERT … ON CONFLICT (campaign, key) DO NOTHING RETURNING (the columns of
    `_returned_columns`), with its parameters."""
    table, columns = _columns(SafetyUpdate, _UPDATE_COLUMNS)
    values = _insert_values(update)
    # Identifiers come from the model's meta (quoted); every value is a parameter.
    placeholders = ", ".join(["%s"] * len(values))
    returning = ", ".join(_returned_columns())
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({columns[0]}, {columns[2]}) DO NOTHING RETURNING {returning}"
    )
    return sql, values


def _returned_columns() -> list[str]:
    """What the insert returns, in the order of the latest-status row's columns."""
    names = ["campaign", "person", "id", "status", "evacuated_to", "observed_at"]
    return _columns(SafetyUpdate, names)[1]


def _latest_sql(source: str) -> str:
    """One upsert of the person's latest row from `source` (`VALUES (…)` or a SELECT of the
    update's id, campaign, person, status, evacuated_to, observed_at): insert it, or — under
    the row lock ON CONFLICT takes — count the update and make it the latest if it is newer by
    (observed_at, id). The SET expressions all see the row as it was, so each CASE compares
    with the old latest."""
    names = ["campaign", "person", "update", "status", "evacuated_to", "observed_at"]
    names += ["update_count"]
    table, c = _columns(SafetyLatest, names)
    campaign, person, upd, status, where, observed, count = c
    newer = (
        f"(excluded.{observed} > {table}.{observed} OR "
        f"(excluded.{observed} = {table}.{observed} AND excluded.{upd} > {table}.{upd}))"
    )
    take = ", ".join(
        f"{col} = CASE WHEN {newer} THEN excluded.{col} ELSE {table}.{col} END"
        for col in (upd, status, where, observed)
    )
    # Identifiers come from the model's meta (quoted); values come from `source`.
    return (
        f"INSERT INTO {table} ({', '.join(c)}) {source} "
        f"ON CONFLICT ({campaign}, {person}) DO UPDATE SET {count} = {table}.{count} + 1, {take}"
    )


def _stored(update: SafetyUpdate, row_id: int) -> None:
    update.pk = row_id
    update._state.adding = False
    update._state.db = connection.alias


def _insert_once(update: SafetyUpdate) -> bool:
    """INSERT … ON CONFLICT (campaign, key) DO NOTHING RETURNING id, in one statement
    (PostgreSQL; SQLite ≥ 3.35). False: the key was already stored."""
    sql, values = _insert_sql(update)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    _stored(update, row[2])
    return True


def _advance_latest(update: SafetyUpdate) -> None:
    """The latest-status upsert for a stored update (see `_latest_sql`)."""
    sql = _latest_sql("VALUES (%s, %s, %s, %s, %s, %s, 1)")
    values: list[Any] = [
        update.campaign_id,
        update.person_id,
        update.pk,
        update.status,
        update.evacuated_to,
        connection.ops.adapt_datetimefield_value(update.observed_at),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _insert_if_seen(update: SafetyUpdate, check_sql: str, check_params: list[Any]) -> bool:
    """PostgreSQL: `_insert_and_advance` in the same single statement, storing the row only
    when `check_sql` (`_in_campaign_sql`: the person is among the campaign's people the actor
    sees, `unlocked` false) says so. False: nothing stored — a taken key, an unlock, or a
    person the actor does not see — for the caller to tell apart."""
    insert, values = _insert_sql(update)
    head, _, tail = insert.partition(" VALUES (")
    placeholders, _, conflict = tail.partition(") ON CONFLICT ")
    # Identifiers come from the model's meta (quoted); every value is a parameter.
    insert = f"{head} SELECT {placeholders} WHERE ({check_sql}) IS FALSE ON CONFLICT {conflict}"
    return _with_latest(update, insert, [*values, *check_params])


def _insert_and_advance(update: SafetyUpdate) -> bool:
    """PostgreSQL: the insert and the latest-status upsert as ONE statement (a data-modifying
    WITH), so outside a transaction block it is one round trip that commits both or neither
    before it answers. The upsert reads the inserted row from the WITH, so a key that was
    taken (no row) changes nothing. False: the key was already stored."""
    return _with_latest(update, *_insert_sql(update))


def _with_latest(update: SafetyUpdate, insert: str, params: list[Any]) -> bool:
    """Run `insert` (returning `_returned_columns`) with the latest-status upsert of the row it
    inserts, as one statement; True and `update` marked stored when a row was inserted."""
    columns = _returned_columns()
    # Identifiers come from the model's meta (quoted); every value is a parameter of `insert`.
    select = f"SELECT {', '.join(columns)}, 1 FROM inserted"  # noqa: S608
    sql = (
        f"WITH inserted AS ({insert}), latest AS ({_latest_sql(select)}) "  # noqa: S608
        f"SELECT {columns[2]} FROM inserted"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    _stored(update, row[0])
    return True


def status_counts(latest_rows: list[SafetyLatest], people_total: int) -> list[tuple[str, str, int]]:
    """(status value, label, count) for the board, with the people not yet confirmed."""
    counts = {value: 0 for value in SafetyStatus.values}
    for row in latest_rows:
        counts[row.status] += 1
    result = [(value, str(label), counts[value]) for value, label in SafetyStatus.choices]
    result.append(("pending", _("Not yet confirmed"), people_total - len(latest_rows)))
    return result
