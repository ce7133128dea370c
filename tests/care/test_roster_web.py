"""The roster import pages: upload → preview → apply, stale previews, permissions."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ainet.care.models import ListEntry, Person
from ainet.care.roster_models import RosterUpload, UploadStatus
from ainet.core.models import AuditEvent, Municipality
from tests.care.roster_files import roster_bytes, row
from tests.care.url_rules_roster import make_upload
from tests.conftest import World


@pytest.fixture(autouse=True)
def _inline(settings: object) -> None:
    settings.AINET_ROSTER_BACKGROUND = False  # type: ignore[attr-defined]


def _post_file(
    client: Client, world: World, data: bytes, list_kind: str = "evacuation"
) -> RosterUpload:
    response = client.post(
        reverse("care_roster:upload"),
        {
            "municipality": world.ward.pk,
            "list_kind": list_kind,
            "file": SimpleUploadedFile("名簿.csv", data, content_type="text/csv"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = RosterUpload.objects.latest("id")
    assert response["Location"] == reverse("care_roster:detail", kwargs={"pk": upload.pk})
    return upload


def test_upload_preview_then_apply(world: World) -> None:
    client = world.client_for("ward_admin", "en")
    rows = [
        row(
            number=str(n),
            name=f"テスト {n}",
            kana="テスト",
            born=f"1940-{(n - 1) // 28 + 1:02d}-{(n - 1) % 28 + 1:02d}",
        )
        for n in range(1, 61)
    ]
    upload = _post_file(client, world, roster_bytes(rows, "cp932"))
    upload.refresh_from_db()
    assert upload.status == UploadStatus.READY
    assert Person.objects.count() == 0  # a preview changes nothing
    page = client.get(reverse("care_roster:detail", kwargs={"pk": upload.pk}))
    html = page.content.decode()
    assert "60 new on the list" in html
    assert "Page 1 of 2" in html
    assert "Apply this roster" in html
    second = client.get(
        reverse("care_roster:detail", kwargs={"pk": upload.pk}), {"view": "new", "page": 2}
    )
    assert "テスト 60" in second.content.decode()
    response = client.post(reverse("care_roster:apply", kwargs={"pk": upload.pk}))
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED
    assert bytes(upload.data) == b""  # the file is not kept once applied
    assert Person.objects.count() == 60
    assert ListEntry.objects.filter(left_on__isnull=True).count() == 60
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"record.create", "roster.preview", "roster.import"} <= actions
    # Applying twice does nothing.
    client.post(reverse("care_roster:apply", kwargs={"pk": upload.pk}))
    assert Person.objects.count() == 60


def test_the_preview_shows_changed_fields_and_removals(world: World) -> None:
    client = world.client_for("ward_admin", "en")
    first = _post_file(
        client,
        world,
        roster_bytes([row(), row(number="2", name="佐藤 次郎", kana="サトウ ジロウ")]),
    )
    client.post(reverse("care_roster:apply", kwargs={"pk": first.pk}))
    second = _post_file(client, world, roster_bytes([row(phone="045-123-4567")]))
    html = client.get(reverse("care_roster:detail", kwargs={"pk": second.pk})).content.decode()
    assert "電話番号: 045-000-0001 → 045-123-4567" in html
    assert "1 no longer on the list" in html
    removed = client.get(
        reverse("care_roster:detail", kwargs={"pk": second.pk}), {"view": "removed"}
    )
    assert "佐藤 次郎" in removed.content.decode()


def test_invalid_rows_show_problems_and_cannot_be_applied(world: World) -> None:
    client = world.client_for("ward_admin", "en")
    upload = _post_file(client, world, roster_bytes([row(born="平成31年5月1日")]))
    upload.refresh_from_db()
    assert upload.status == UploadStatus.INVALID
    html = client.get(
        reverse("care_roster:detail", kwargs={"pk": upload.pk}), {"view": "errors"}
    ).content.decode()
    assert "生年月日" in html and "Heisei" in html
    assert "Apply this roster" not in html
    client.post(reverse("care_roster:apply", kwargs={"pk": upload.pk}))
    assert Person.objects.count() == 0


def test_an_unusable_file_says_why(world: World) -> None:
    client = world.client_for("ward_admin", "en")
    upload = _post_file(client, world, b"\x89PNG\r\n\x1a\n\xff\xfe\x81")
    upload.refresh_from_db()
    assert upload.status == UploadStatus.UNUSABLE
    assert (
        "Cannot decode"
        in client.get(reverse("care_roster:detail", kwargs={"pk": upload.pk})).content.decode()
    )


def test_a_stale_preview_is_refused(world: World) -> None:
    client = world.client_for("ward_admin", "en")
    first = _post_file(client, world, roster_bytes([row()]))
    client.post(reverse("care_roster:apply", kwargs={"pk": first.pk}))
    upload = _post_file(client, world, roster_bytes([row(phone="045-123-4567")]))
    Person.objects.update(phone="045-555-5555")  # someone edits the person meanwhile
    client.post(reverse("care_roster:apply", kwargs={"pk": upload.pk}))
    upload.refresh_from_db()
    assert upload.status == UploadStatus.STALE
    assert Person.objects.get().phone == "045-555-5555"
    html = client.get(reverse("care_roster:detail", kwargs={"pk": upload.pk})).content.decode()
    assert "the people changed after this preview" in html
    # Checking again makes a fresh preview that can be applied.
    client.post(reverse("care_roster:recheck", kwargs={"pk": upload.pk}))
    upload.refresh_from_db()
    assert upload.status == UploadStatus.READY
    client.post(reverse("care_roster:apply", kwargs={"pk": upload.pk}))
    assert Person.objects.get().phone == "045-123-4567"


def test_discard_deletes_the_stored_file(world: World) -> None:
    client = world.client_for("ward_admin")
    upload = _post_file(client, world, roster_bytes([row()]))
    assert client.post(reverse("care_roster:discard", kwargs={"pk": upload.pk})).status_code == 302
    upload.refresh_from_db()
    assert upload.status == UploadStatus.DISCARDED and bytes(upload.data) == b""
    client.post(reverse("care_roster:apply", kwargs={"pk": upload.pk}))
    assert Person.objects.count() == 0


def test_form_errors_answer_400(world: World) -> None:
    client = world.client_for("ward_admin", "en")
    response = client.post(
        reverse("care_roster:upload"),
        {
            "municipality": world.ward.pk,
            "list_kind": "nonsense",
            "file": SimpleUploadedFile("a.csv", b""),
        },
    )
    assert response.status_code == 400
    assert RosterUpload.objects.count() == 0


def test_progress_fragment_polls_while_running_and_redirects_when_done(world: World) -> None:
    client = world.client_for("ward_admin")
    running = make_upload(world, status=UploadStatus.CHECKING, phase="read", done=50, total=200)
    html = client.get(reverse("care_roster:progress", kwargs={"pk": running.pk})).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="25"' in html
    done = make_upload(world, status=UploadStatus.READY)
    response = client.get(
        reverse("care_roster:progress", kwargs={"pk": done.pk}), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == reverse("care_roster:detail", kwargs={"pk": done.pk})


@pytest.mark.parametrize("persona", ["staff_a", "shakyo", "minsei", "auditor", "partner"])
def test_only_ward_administrators_import(world: World, persona: str) -> None:
    client = world.client_for(persona)
    response = client.post(
        reverse("care_roster:upload"),
        {
            "municipality": world.ward.pk,
            "list_kind": "evacuation",
            "file": SimpleUploadedFile("a.csv", roster_bytes([row()])),
        },
    )
    assert response.status_code == 403
    upload = make_upload(world)
    assert client.post(reverse("care_roster:apply", kwargs={"pk": upload.pk})).status_code == 403
    assert Person.objects.count() == 0


def test_another_wards_upload_is_not_found(world: World, other_ward: Municipality) -> None:
    upload = make_upload(world)
    RosterUpload.objects.filter(pk=upload.pk).update(municipality=other_ward)
    client = world.client_for("ward_admin")
    assert client.get(reverse("care_roster:detail", kwargs={"pk": upload.pk})).status_code == 404
    assert client.post(reverse("care_roster:apply", kwargs={"pk": upload.pk})).status_code == 404


def test_the_nav_links_to_the_roster_import_for_ward_admins_only(world: World) -> None:
    url = reverse("care_roster:home")
    assert url in world.client_for("ward_admin").get(reverse("core:home")).content.decode()
    assert url not in world.client_for("staff_a").get(reverse("core:home")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_background_check_reports_progress_and_finishes(world: World, settings: object) -> None:
    settings.AINET_ROSTER_BACKGROUND = True  # type: ignore[attr-defined]
    client = world.client_for("ward_admin")
    rows = [
        row(number=str(n), kana="テスト", born="1940-01-01", address=f"横浜市鶴見区矢向1-{n}-1")
        for n in range(1, 400)
    ]
    upload = _post_file(client, world, roster_bytes(rows))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if not upload.is_running:
            break
        time.sleep(0.2)
    assert upload.status == UploadStatus.READY
    assert upload.report["new"] == 399
    assert (upload.done, upload.total) == (399, 399)


def test_a_step_that_died_with_its_process_can_be_discarded(world: World) -> None:
    import datetime

    from django.utils import timezone

    client = world.client_for("ward_admin", "en")
    fresh = make_upload(world, status=UploadStatus.CHECKING, progress_at=timezone.now())
    client.post(reverse("care_roster:discard", kwargs={"pk": fresh.pk}))
    fresh.refresh_from_db()
    assert fresh.status == UploadStatus.CHECKING  # still working: not discarded
    old = timezone.now() - datetime.timedelta(minutes=10)
    dead = make_upload(world, status=UploadStatus.CHECKING, progress_at=old)
    html = client.get(reverse("care_roster:detail", kwargs={"pk": dead.pk})).content.decode()
    assert "has not reported progress for several minutes" in html
    assert reverse("care_roster:discard", kwargs={"pk": dead.pk}) in html
    client.post(reverse("care_roster:discard", kwargs={"pk": dead.pk}))
    dead.refresh_from_db()
    assert dead.status == UploadStatus.DISCARDED


def test_background_writes_wait_out_a_locked_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shared-cache SQLite answers SQLITE_LOCKED at once; the background job waits and
    tries again instead of failing the upload. Other database errors are not swallowed."""
    from django.db import OperationalError

    from ainet.care import roster_jobs

    monkeypatch.setattr(roster_jobs.time, "sleep", lambda _s: None)
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database table is locked: care_rosterupload")
        return "written"

    assert roster_jobs._retrying(flaky) == "written"
    assert len(calls) == 3

    def broken() -> None:
        raise OperationalError("no such table: care_rosterupload")

    with pytest.raises(OperationalError):
        roster_jobs._retrying(broken)

    def always_locked() -> None:
        raise OperationalError("database table is locked")

    with pytest.raises(OperationalError):
        roster_jobs._retrying(always_locked, attempts=3)
