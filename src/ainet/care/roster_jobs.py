"""The roster import through the web: upload → preview (in the background, with progress) →
apply (in the background, with progress), or discard. Services for `roster_views.py`.

The checking and the applying run in a thread of the web process so that the page can show
a progress bar (htmx polls `RosterUpload.done/total`); with `AINET_ROSTER_BACKGROUND = False`
(the tests) they run inside the request. The preview's progress is written to the upload row;
the apply step runs in one transaction, which on SQLite holds the write lock, so its progress
is kept in this process (`live_progress`) and the row shows it when the work is done.

Applying re-reads the stored file and re-plans inside the transaction; if the plan's digest
differs from the preview's (someone changed the people since), nothing is applied and the
upload is marked stale.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connections, transaction
from django.utils import timezone

from ainet.care import roster
from ainet.care.roster_models import RosterUpload, UploadStatus
from ainet.core import access, audit
from ainet.core.models import Municipality, User

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# Rows of the preview kept for review (the counts always cover every row).
MAX_PREVIEW_ROWS = 200_000

_live: dict[int, tuple[str, int, int]] = {}
_live_lock = threading.Lock()


def live_progress(upload_id: int) -> tuple[str, int, int] | None:
    with _live_lock:
        return _live.get(upload_id)


def _check(actor: Any, municipality_id: int) -> None:
    if not access.can(actor, "care.manage_basis"):
        raise PermissionDenied
    if municipality_id not in access.administered_municipality_ids(actor):
        raise PermissionDenied


def _run(target: Callable[..., None], *args: Any) -> None:
    """In a thread (closing its database connection at the end), or inline in tests."""
    if not getattr(settings, "AINET_ROSTER_BACKGROUND", True):
        target(*args)
        return

    def work() -> None:
        try:
            target(*args)
        finally:
            connections.close_all()

    threading.Thread(target=work, name=f"roster-{target.__name__}", daemon=True).start()


def _is_lock_error(exc: OperationalError) -> bool:
    return "locked" in str(exc)


def _retrying(write: Callable[[], Any], attempts: int = 100) -> Any:
    """Run a small write of the background thread, waiting out a SQLite lock held by the web
    requests. With busy_timeout SQLite waits by itself; a shared-cache database (the test
    suite's in-memory one) answers SQLITE_LOCKED at once instead, so wait here (≤ 10 s)."""
    for attempt in range(attempts):
        try:
            return write()
        except OperationalError as exc:
            if not _is_lock_error(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.1)
    return None  # pragma: no cover - the loop returns or raises


class _Recorder:
    """Progress callback: live figures always; the upload row at most twice a second and
    only outside a transaction (inside one, nobody else would see it)."""

    def __init__(self, upload_id: int, write_rows: bool) -> None:
        self.upload_id = upload_id
        self.write_rows = write_rows
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        with _live_lock:
            _live[self.upload_id] = (phase, done, total)
        now = time.monotonic()
        if self.write_rows and (now - self.last >= 0.5 or done >= total):
            self.last = now
            try:
                RosterUpload.objects.filter(pk=self.upload_id).update(
                    phase=phase, done=done, total=total, progress_at=timezone.now()
                )
            except OperationalError as exc:
                # Progress is advisory: a locked table skips this figure, the next one follows.
                if not _is_lock_error(exc):
                    raise


def _finish(upload_id: int, **fields: Any) -> None:
    _retrying(
        lambda: RosterUpload.objects.filter(pk=upload_id).update(
            progress_at=timezone.now(), **fields
        )
    )
    with _live_lock:
        _live.pop(upload_id, None)


def _preview_report(plan: roster.RosterPlan) -> dict[str, Any]:
    report = plan.report(applied=False)
    report["rows"] = [c.summary() for c in plan.changes if c.kind != "unchanged"][:MAX_PREVIEW_ROWS]
    report["removals"] = [
        {"person_id": r.person_id, "name": r.name, "basis": r.basis} for r in plan.removals
    ][:MAX_PREVIEW_ROWS]
    return report


def upload_roster(
    actor: User, municipality: Municipality, list_kind: str, filename: str, data: bytes
) -> RosterUpload:
    """Store the file and start checking it (the preview)."""
    _check(actor, municipality.pk)
    upload = RosterUpload.objects.create(
        municipality=municipality,
        list_kind=list_kind,
        filename=filename[:200],
        data=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    audit.record(
        actor,
        audit.Action.CREATE,
        obj=upload,
        municipality=municipality,
        details={"list": list_kind, "size": len(data), "sha256": upload.sha256},
    )
    _run(_check_file, upload.pk)
    return upload


def _check_file(upload_id: int) -> None:
    upload = _retrying(
        lambda: RosterUpload.objects.select_related("municipality", "uploaded_by").get(pk=upload_id)
    )
    progress = _Recorder(upload_id, write_rows=True)
    try:
        parsed = roster.parse_roster(bytes(upload.data), progress)
        plan = _retrying(
            lambda: roster.plan_roster(upload.municipality, upload.list_kind, parsed, progress),
            attempts=20,
        )
    except roster.RosterInputError as exc:
        _finish(upload_id, status=UploadStatus.UNUSABLE, message=str(exc), data=b"")
        report: dict[str, Any] = {"unusable": str(exc)}
    except Exception:
        logger.exception("roster preview %s failed", upload_id)
        _finish(upload_id, status=UploadStatus.FAILED)
        return
    else:
        report = _preview_report(plan)
        _finish(
            upload_id,
            status=UploadStatus.INVALID if plan.errors else UploadStatus.READY,
            digest=plan.digest,
            report=report,
        )
    details = {
        "list": upload.list_kind,
        **{
            k: (len(v) if isinstance(v, list) else v)
            for k, v in report.items()
            if k in {"new", "changed", "removed", "unchanged", "moved", "errors", "unusable"}
        },
    }
    _retrying(
        lambda: audit.record(
            upload.uploaded_by,
            audit.Action.ROSTER_PREVIEW,
            obj=upload,
            municipality=upload.municipality,
            details=details,
        )
    )


def apply_upload(actor: User, upload: RosterUpload) -> bool:
    """Start applying a ready preview. False when it is not (or no longer) ready."""
    _check(actor, upload.municipality_id)
    started = RosterUpload.objects.filter(pk=upload.pk, status=UploadStatus.READY).update(
        status=UploadStatus.APPLYING, phase="", done=0, total=0, applied_by=actor
    )
    if not started:
        return False
    _run(_apply, upload.pk, actor.pk)
    return True


class _Stale(Exception):
    pass


def _apply(upload_id: int, actor_id: int) -> None:
    upload = _retrying(
        lambda: RosterUpload.objects.select_related("municipality").get(pk=upload_id)
    )
    actor = _retrying(lambda: User.objects.get(pk=actor_id))
    progress = _Recorder(upload_id, write_rows=False)

    def plan_and_apply(parsed: roster.ParsedRoster) -> dict[str, Any]:
        # All-or-nothing, so a transaction that met a lock is simply tried again.
        with roster.sqlite_working_memory(), transaction.atomic():
            plan = roster.plan_roster(upload.municipality, upload.list_kind, parsed, progress)
            if plan.errors or plan.digest != upload.digest:
                raise _Stale
            return roster.apply_plan(
                actor,
                plan,
                source=f"roster upload {upload.pk} {upload.filename}"[:100],
                progress=progress,
            )

    try:
        parsed = roster.parse_roster(bytes(upload.data), progress)
        report = _retrying(lambda: plan_and_apply(parsed), attempts=20)
    except (_Stale, roster.RosterInputError):
        _finish(upload_id, status=UploadStatus.STALE)
        _retrying(
            lambda: audit.record(
                actor,
                audit.Action.ROSTER_IMPORT,
                obj=upload,
                municipality=upload.municipality,
                reason="stale preview: not applied",
                details={"list": upload.list_kind, "applied": False},
            )
        )
        return
    except Exception:
        logger.exception("roster apply %s failed", upload_id)
        _finish(upload_id, status=UploadStatus.FAILED)
        return
    merged = {**upload.report, **report}
    _finish(
        upload_id,
        status=UploadStatus.APPLIED,
        report=merged,
        applied_at=timezone.now(),
        data=b"",
    )


# A running step that has not reported progress for this long died with its process.
STALLED_AFTER = datetime.timedelta(minutes=5)


def is_stalled(upload: RosterUpload) -> bool:
    if live_progress(upload.pk) is not None:
        return False  # working in this process (the apply step writes no progress rows)
    last = upload.progress_at or upload.uploaded_at
    return upload.is_running and timezone.now() - last > STALLED_AFTER


def recheck_upload(actor: User, upload: RosterUpload) -> bool:
    """Check a stale or failed upload's stored file again, for a fresh preview."""
    _check(actor, upload.municipality_id)
    restarted = (
        RosterUpload.objects.filter(
            pk=upload.pk, status__in=[UploadStatus.STALE, UploadStatus.FAILED]
        )
        .exclude(size=0)
        .update(status=UploadStatus.CHECKING, phase="", done=0, total=0, progress_at=None)
    )
    if restarted:
        _run(_check_file, upload.pk)
    return bool(restarted)


def discard_upload(actor: User, upload: RosterUpload) -> bool:
    _check(actor, upload.municipality_id)
    if upload.is_running and not is_stalled(upload):
        return False
    discarded = (
        RosterUpload.objects.filter(pk=upload.pk)
        .exclude(status__in=[UploadStatus.APPLIED, UploadStatus.DISCARDED])
        .update(status=UploadStatus.DISCARDED, data=b"")
    )
    if discarded:
        audit.record(
            actor,
            audit.Action.UPDATE,
            obj=upload,
            municipality=upload.municipality,
            reason="roster upload discarded",
        )
    return bool(discarded)
