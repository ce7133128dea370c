"""The public call page and the online application form: no log-in, save-as-draft with a
private resume link, budget lines that must add up, attachments checked by content."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from ainet.grants import services
from ainet.grants.models import Application, ApplicationStatus, Attachment, BudgetLine, Round
from ainet.grants.uploads import MAX_BYTES
from tests.conftest import World
from tests.grants.url_rules import PDF_BYTES, new_draft, open_round


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "group_name": "鶴見テストの会",
        "contact_name": "試験 花子",
        "contact_email": "test@example.jp",
        "district": str(world.district_a.pk),
        "title": "夏休み子ども教室",
        "plan": "地区センターで夏休みに子ども教室を開きます。",
        "requested_yen": "50000",
        "budget-TOTAL_FORMS": "3",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "30",
        "budget-0-item": "講師謝礼",
        "budget-0-amount_yen": "30000",
        "budget-1-item": "材料費",
        "budget-1-amount_yen": "20000",
        "budget-2-item": "",
        "budget-2-amount_yen": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def anonymous(lang: str = "ja") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=lang)


def resume_path(response: Any) -> str:
    location: str = response["Location"]
    assert re.fullmatch(r"/grants/applications/[A-Za-z0-9_-]{40,}/", location), location
    return location


def test_the_public_call_page_lists_open_rounds_without_log_in(world: World) -> None:
    round_ = open_round(world)
    response = anonymous().get(reverse("grants_public:calls"))
    assert response.status_code == 200
    page = response.content.decode()
    assert round_.title in page and reverse("grants_public:apply", args=[round_.pk]) in page
    assert "地域の団体への助成" in page


def test_an_unpublished_round_is_not_on_the_public_pages(world: World) -> None:
    round_ = open_round(world)
    Round.objects.filter(pk=round_.pk).update(is_published=False)
    assert round_.title not in anonymous().get(reverse("grants_public:calls")).content.decode()
    assert anonymous().get(reverse("grants_public:round", args=[round_.pk])).status_code == 404
    assert anonymous().get(reverse("grants_public:apply", args=[round_.pk])).status_code == 404


def test_a_closed_round_takes_no_applications(world: World) -> None:
    round_ = open_round(world)
    Round.objects.filter(pk=round_.pk).update(closes_on=round_.opens_on)
    before = Application.objects.count()
    response = anonymous().post(reverse("grants_public:apply", args=[round_.pk]), form_data(world))
    assert response.status_code == 410
    assert Application.objects.count() == before


def test_a_group_saves_a_draft_resumes_it_and_submits_it(world: World) -> None:
    round_ = open_round(world)
    client = anonymous()
    response = client.post(reverse("grants_public:apply", args=[round_.pk]), form_data(world))
    assert response.status_code == 302
    path = resume_path(response)
    application = Application.objects.get(title="夏休み子ども教室")
    assert application.status == ApplicationStatus.DRAFT
    assert [(x.item, x.amount_yen) for x in application.budget_lines.all()] == [
        ("講師謝礼", 30_000),
        ("材料費", 20_000),
    ]
    # The token is not stored, only its hash.
    token = path.rstrip("/").rsplit("/", 1)[-1]
    assert token not in application.resume_token_hash
    # Another browser with the link resumes the draft.
    page = anonymous().get(path)
    assert page.status_code == 200
    assert "夏休み子ども教室" in page.content.decode() and path in page.content.decode()
    # Drafts are not shown to staff.
    staff = world.client_for("ward_admin")
    assert staff.get(reverse("grants:application_detail", args=[application.pk])).status_code == 404
    response = anonymous().post(
        path,
        form_data(
            world,
            action="submit",
            **{
                "budget-INITIAL_FORMS": "2",
                "budget-2-item": "会場費",
                "budget-2-amount_yen": "10000",
                "requested_yen": "60000",
            },
        ),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.submitted_at
    assert application.requested_yen == 60_000 and application.budget_lines.count() == 3
    assert staff.get(reverse("grants:application_detail", args=[application.pk])).status_code == 200
    # Submitted: no more changes.
    response = anonymous().post(path, form_data(world, title="changed"))
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.title == "夏休み子ども教室"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("ja", "予算の合計は50,001円ですが、申請額は50,000円です"),
        ("en", "The budget lines add up to 50,001 yen, but the amount requested is 50,000 yen"),
    ],
)
def test_a_budget_that_does_not_add_up_is_refused_in_both_languages_and_nothing_saved(
    world: World, lang: str, message: str
) -> None:
    before = (Application.objects.count(), BudgetLine.objects.count())
    response = anonymous(lang).post(
        reverse("grants_public:apply", args=[open_round(world).pk]),
        form_data(world, **{"budget-1-amount_yen": "20001"}),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Application.objects.count(), BudgetLine.objects.count()) == before


def test_a_budget_mismatch_on_a_resumed_draft_changes_nothing(world: World) -> None:
    application, token = new_draft(world)
    response = anonymous().post(
        reverse("grants_public:application", args=[token]),
        form_data(world, title="変更後", **{"budget-1-amount_yen": "1"}),
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.title == "テスト事業" and application.budget_total == 30_000


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"requested_yen": "100001", "budget-0-amount_yen": "80001"}, "100,000円まで"),
        ({"requested_yen": "abc"}, "整数を入力してください"),
        ({"district": "999999"}, "正しく選択してください"),
        ({"budget-0-item": "", "budget-1-item": ""}, "この金額の費目を入力してください"),
        ({"group_name": ""}, "このフィールドは必須です"),
    ],
)
def test_bad_input_gets_a_clear_error_and_saves_nothing(
    world: World, overrides: dict[str, str], fragment: str
) -> None:
    before = Application.objects.count()
    response = anonymous().post(
        reverse("grants_public:apply", args=[open_round(world).pk]), form_data(world, **overrides)
    )
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert Application.objects.count() == before


def test_submitting_needs_a_district_and_saves_nothing_without_one(world: World) -> None:
    before = Application.objects.count()
    response = anonymous().post(
        reverse("grants_public:apply", args=[open_round(world).pk]),
        form_data(world, district="", action="submit"),
    )
    assert response.status_code == 400
    assert "事業を行う地区を選んでください" in response.content.decode()
    assert Application.objects.count() == before


def test_an_unknown_resume_link_is_not_found(world: World) -> None:
    response = anonymous().get(reverse("grants_public:application", args=["x" * 43]))
    assert response.status_code == 404


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def upload(token: str, name: str, data: bytes, content_type: str, lang: str = "ja") -> Any:
    return anonymous(lang).post(
        reverse("grants_public:attachment_add", args=[token]),
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
    )


def test_a_pdf_and_an_image_can_be_attached_and_removed(world: World) -> None:
    application, token = new_draft(world)
    assert upload(token, "map.PDF", PDF_BYTES, "application/pdf").status_code == 302
    assert upload(token, "photo.png", png_bytes(), "image/png").status_code == 302
    files = list(application.attachments.order_by("pk"))
    assert [(f.filename, f.content_type) for f in files] == [
        ("map.pdf", "application/pdf"),
        ("photo.png", "image/png"),
    ]
    response = anonymous().post(
        reverse("grants_public:attachment_remove", args=[token, files[0].pk])
    )
    assert response.status_code == 302
    assert application.attachments.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        # A Windows executable renamed to look like a PDF, claimed as a PDF by the browser.
        ("leaflet.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "application/pdf"),
        ("photo.jpg", b"#!/bin/sh\nrm -rf /\n", "image/jpeg"),
        ("page.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"),
        ("empty.pdf", b"", "application/pdf"),
    ],
)
def test_a_file_that_is_not_really_a_pdf_or_image_is_refused(
    world: World, name: str, data: bytes, content_type: str
) -> None:
    application, token = new_draft(world)
    response = upload(token, name, data, content_type)
    assert response.status_code == 400
    assert Attachment.objects.filter(application=application).count() == 0


def test_a_renamed_executable_gets_a_clear_error_in_english_too(world: World) -> None:
    _application, token = new_draft(world)
    response = upload(token, "plan.pdf", b"MZ\x90\x00" + b"\x00" * 60, "application/pdf", "en")
    assert response.status_code == 400
    assert "Only PDF files and images" in response.content.decode()


def test_an_oversized_file_is_refused(world: World) -> None:
    application, token = new_draft(world)
    data = PDF_BYTES + b"0" * (MAX_BYTES + 1 - len(PDF_BYTES))
    response = upload(token, "big.pdf", data, "application/pdf")
    assert response.status_code == 400
    assert "5 MBです" in response.content.decode() or "5 MB" in response.content.decode()
    assert application.attachments.count() == 0


def test_a_submitted_application_takes_no_more_files(world: World) -> None:
    application, token = new_draft(world)
    services.save_application(
        application,
        lines=[services.BudgetItem("会場費", 30_000)],
        submit=True,
        **{k: getattr(application, k) for k in services.APPLICATION_FIELDS},
    )
    response = upload(token, "late.pdf", PDF_BYTES, "application/pdf")
    assert response.status_code == 400
    assert application.attachments.count() == 0


def test_staff_who_see_the_application_can_download_its_attachment(world: World) -> None:
    application, token = new_draft(world)
    upload(token, "map.pdf", PDF_BYTES, "application/pdf")
    services.save_application(
        application,
        lines=[services.BudgetItem("会場費", 30_000)],
        submit=True,
        **{k: getattr(application, k) for k in services.APPLICATION_FIELDS},
    )
    attachment = application.attachments.get()
    url = reverse("grants:attachment_download", args=[attachment.pk])
    response = world.client_for("staff_a").get(url)
    assert response.status_code == 200 and response.content == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert world.client_for("staff_b").get(url).status_code == 404
