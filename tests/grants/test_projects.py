"""Funded projects: instalments within the award (and within the fund), interim and final
reports with receipts, overdue reports flagged on the coordinator's list, advisor dispatches."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ainet.core.dates import today_tokyo
from ainet.grants import ledger, services
from ainet.grants.models import AdvisorDispatch, FundedProject, LedgerEntry, Payment, ProjectReport
from tests.conftest import World
from tests.grants.url_rules import PDF_BYTES, award_a, fund


def test_the_demo_award_was_paid_from_the_fund_in_the_ledger(world: World) -> None:
    project = award_a(world)
    payment = project.payments.get()
    assert payment.entry is not None and payment.entry.kind == "grant_payment"
    assert services.paid_total(project) == 40_000


def test_a_payment_within_the_award_is_recorded_and_posted_to_the_fund(world: World) -> None:
    project = award_a(world)
    before = ledger.balance(fund(world))
    response = world.client_for("shakyo").post(
        reverse("grants:payment_add", args=[project.pk]),
        {"amount_yen": "40000", "paid_on": "2026-11-30"},
    )
    assert response.status_code == 302
    assert services.paid_total(project) == 80_000
    assert ledger.balance(fund(world)) == before - 40_000
    assert project.payments.order_by("-number").first().number == 2  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_payment_above_the_award_is_refused_and_nothing_saved(world: World, lang: str) -> None:
    project = award_a(world)
    entries = LedgerEntry.objects.count()
    response = world.client_for("shakyo", lang).post(
        reverse("grants:payment_add", args=[project.pk]),
        {"amount_yen": "40001", "paid_on": "2026-11-30"},
    )
    assert response.status_code == 400
    expected = "これから支払えるのは40,000円まで" if lang == "ja" else "at most 40,000 yen can"
    assert expected in response.content.decode()
    assert project.payments.count() == 1 and LedgerEntry.objects.count() == entries


def test_a_payment_the_fund_cannot_cover_is_refused(world: World) -> None:
    project = award_a(world)
    FundedProject.objects.filter(pk=project.pk).update(amount_yen=10_000_000)
    response = world.client_for("shakyo").post(
        reverse("grants:payment_add", args=[project.pk]),
        {"amount_yen": "5000000", "paid_on": "2026-11-30"},
    )
    assert response.status_code == 400
    assert "基金の残高は" in response.content.decode()
    assert project.payments.count() == 1


def test_a_reversed_payment_no_longer_counts_as_paid(world: World) -> None:
    project = award_a(world)
    payment = project.payments.get()
    assert payment.entry is not None
    services.reverse_entry(world.users["shakyo"], payment.entry, reason="誤送金")
    assert services.paid_total(project) == 0


def test_staff_of_another_district_cannot_pay_or_see_the_project(world: World) -> None:
    project = award_a(world)
    client = world.client_for("staff_b")
    assert client.get(reverse("grants:project_detail", args=[project.pk])).status_code == 404
    response = client.post(
        reverse("grants:payment_add", args=[project.pk]),
        {"amount_yen": "1", "paid_on": "2026-11-30"},
    )
    assert response.status_code == 404
    assert Payment.objects.filter(project=project).count() == 1


def test_an_overdue_interim_report_is_flagged_on_the_coordinators_list(world: World) -> None:
    project = award_a(world)
    assert project.interim_report_due is not None and project.interim_report_due < today_tokyo()
    page = world.client_for("shakyo").get(reverse("grants:home"), {"show": "overdue"})
    assert page.status_code == 200
    text = page.content.decode()
    assert project.title in text and "中間報告が期限切れ" in text


def test_a_report_with_receipts_clears_the_flag(world: World) -> None:
    project = award_a(world)
    client = world.client_for("shakyo")
    response = client.post(
        reverse("grants:report_add", args=[project.pk]),
        {
            "kind": "interim",
            "received_on": "2026-11-20",
            "summary": "6回開催し、延べ120人が参加",
            "spent_yen": "38000",
            "receipts": [
                SimpleUploadedFile("receipt1.pdf", PDF_BYTES, "application/pdf"),
                SimpleUploadedFile("receipt2.pdf", PDF_BYTES, "application/pdf"),
            ],
        },
    )
    assert response.status_code == 302
    report = ProjectReport.objects.get(project=project)
    assert report.receipts.count() == 2
    assert not services.project_states([project], today_tokyo())[0].overdue
    page = client.get(reverse("grants:home"), {"show": "overdue"}).content.decode()
    assert project.title not in page
    receipt = report.receipts.first()
    assert receipt is not None
    download = client.get(reverse("grants:attachment_download", args=[receipt.pk]))
    assert download.status_code == 200 and download.content == PDF_BYTES


def test_a_receipt_that_is_an_executable_refuses_the_whole_report(world: World) -> None:
    project = award_a(world)
    response = world.client_for("shakyo").post(
        reverse("grants:report_add", args=[project.pk]),
        {
            "kind": "final",
            "received_on": "2026-11-20",
            "summary": "完了",
            "spent_yen": "80000",
            "receipts": [
                SimpleUploadedFile("receipt.pdf", PDF_BYTES, "application/pdf"),
                SimpleUploadedFile("receipt2.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf"),
            ],
        },
    )
    assert response.status_code == 400
    assert not ProjectReport.objects.filter(project=project).exists()


def test_the_final_report_is_overdue_after_its_due_date(world: World) -> None:
    project = award_a(world)
    FundedProject.objects.filter(pk=project.pk).update(
        final_report_due=today_tokyo() - datetime.timedelta(days=1)
    )
    project.refresh_from_db()
    state = services.project_states([project], today_tokyo())[0]
    assert state.final_overdue and state.interim_overdue


def test_an_advisor_dispatch_is_recorded(world: World) -> None:
    project = award_a(world)
    response = world.client_for("shakyo").post(
        reverse("grants:dispatch_add", args=[project.pk]),
        {
            "advisor": "地域づくりアドバイザー 鈴木",
            "visited_on": "2026-10-01",
            "topic": "会計",
            "hours": "1.5",
        },
    )
    assert response.status_code == 302
    dispatch = AdvisorDispatch.objects.get(project=project)
    assert str(dispatch.hours) == "1.5"
    page = world.client_for("staff_a").get(reverse("grants:project_detail", args=[project.pk]))
    assert "地域づくりアドバイザー 鈴木" in page.content.decode()


def test_a_bad_dispatch_is_a_400_not_a_500(world: World) -> None:
    project = award_a(world)
    response = world.client_for("shakyo").post(
        reverse("grants:dispatch_add", args=[project.pk]),
        {"advisor": "", "visited_on": "not a date", "topic": "x", "hours": "-1"},
    )
    assert response.status_code == 400
    assert not AdvisorDispatch.objects.filter(project=project).exists()


def test_oversized_receipts_are_refused(world: World) -> None:
    from ainet.grants.uploads import MAX_BYTES

    project = award_a(world)
    big = PDF_BYTES + b"0" * MAX_BYTES
    response = world.client_for("shakyo").post(
        reverse("grants:report_add", args=[project.pk]),
        {
            "kind": "interim",
            "received_on": "2026-11-20",
            "summary": "x",
            "spent_yen": "0",
            "receipts": [SimpleUploadedFile("big.pdf", big, "application/pdf")],
        },
    )
    assert response.status_code == 400
    assert not ProjectReport.objects.filter(project=project).exists()
