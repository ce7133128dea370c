"""The donation fund's ledger: double entry, posted entries immutable (ORM and, on PostgreSQL,
the database), corrections by reversal, no overdraft unless allowed, the annual statement."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from ainet.grants import ledger, services
from ainet.grants.models import Account, EntryKind, Fund, LedgerEntry, LedgerLine
from tests.conftest import World, on_postgresql
from tests.grants.url_rules import fund

D = datetime.date


def new_fund(world: World, code: str = "test-fund", allow_overdraft: bool = False) -> Fund:
    return services.create_fund(
        world.users["shakyo"],
        world.ward,
        code=code,
        name="テスト基金",
        allow_overdraft=allow_overdraft,
    )


def donate(world: World, f: Fund, amount: int, **fields: object) -> LedgerEntry:
    values: dict[str, object] = {
        "received_on": D(2026, 5, 1),
        "donor_name": "寄付 太郎",
        **fields,
    }
    return services.record_donation(world.users["shakyo"], f, amount_yen=amount, **values)  # type: ignore[arg-type]


def test_a_donation_is_a_balanced_posted_entry_and_raises_the_balance(world: World) -> None:
    f = new_fund(world)
    entry = donate(world, f, 30_000, earmark="子ども食堂")
    assert entry.posted_at is not None and entry.number == 1
    lines = {(x.account, x.debit_yen, x.credit_yen) for x in entry.lines.all()}
    assert lines == {(Account.CASH, 30_000, 0), (Account.DONATIONS, 0, 30_000)}
    assert ledger.balance(f) == 30_000
    assert donate(world, f, 5_000).number == 2
    assert ledger.balance(f) == 35_000


def test_posted_entries_and_their_lines_cannot_be_changed_or_deleted_through_the_orm(
    world: World,
) -> None:
    f = new_fund(world)
    entry = donate(world, f, 10_000)
    entry.description = "tampered"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        LedgerEntry.objects.filter(pk=entry.pk).update(description="tampered")
    with pytest.raises(PermissionDenied):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    line = entry.lines.first()
    assert line is not None
    line.debit_yen = 1
    with pytest.raises(PermissionDenied):
        line.save()
    with pytest.raises(PermissionDenied):
        LedgerLine.objects.filter(entry=entry).update(debit_yen=1)
    with pytest.raises(PermissionDenied):
        LedgerLine(entry=entry, account=Account.CASH, debit_yen=5).save()
    assert LedgerEntry.objects.get(pk=entry.pk).description != "tampered"
    assert ledger.balance(f) == 10_000


@pytest.mark.postgres_only
@pytest.mark.skipif(not on_postgresql(), reason="the database trigger exists on PostgreSQL only")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE grants_ledgerentry SET description = 'tampered' WHERE id = %s",
        "UPDATE grants_ledgerentry SET posted_at = NULL WHERE id = %s",
        "DELETE FROM grants_ledgerentry WHERE id = %s",
        "UPDATE grants_ledgerline SET debit_yen = debit_yen + 1 WHERE entry_id = %s",
        "DELETE FROM grants_ledgerline WHERE entry_id = %s",
        "INSERT INTO grants_ledgerline (entry_id, account, debit_yen, credit_yen) "
        "VALUES (%s, 'cash', 1, 0)",
    ],
)
def test_the_database_refuses_to_change_a_posted_entry(world: World, statement: str) -> None:
    f = new_fund(world)
    entry = donate(world, f, 10_000)
    with (
        pytest.raises(DatabaseError, match="posted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).description == entry.description
    assert ledger.balance(f) == 10_000


@translation.override("ja")
def test_a_reversal_swaps_the_lines_and_cannot_itself_be_reversed(world: World) -> None:
    f = new_fund(world)
    entry = donate(world, f, 10_000)
    reversal = services.reverse_entry(world.users["shakyo"], entry, reason="金額の誤り")
    assert reversal.kind == EntryKind.REVERSAL and reversal.reverses == entry
    assert ledger.balance(f) == 0
    with pytest.raises(ValidationError, match="すでに取り消されています"):
        services.reverse_entry(world.users["shakyo"], entry, reason="again")
    with pytest.raises(ValidationError, match="取消仕訳は取り消せません"):
        services.reverse_entry(world.users["shakyo"], reversal, reason="undo")
    assert LedgerEntry.objects.filter(fund=f).count() == 2


def test_a_fund_without_overdraft_cannot_pay_out_more_than_it_holds(world: World) -> None:
    f = new_fund(world)
    donate(world, f, 10_000)
    with pytest.raises(ValidationError, match="10,000"):
        ledger.post_grant_payment(
            f, world.users["shakyo"], amount_yen=10_001, paid_on=D(2026, 6, 1), description="x"
        )
    assert ledger.balance(f) == 10_000
    # Reversing a donation already spent would overdraw the fund too.
    ledger.post_grant_payment(
        f, world.users["shakyo"], amount_yen=8_000, paid_on=D(2026, 6, 1), description="x"
    )
    first = LedgerEntry.objects.get(fund=f, number=1)
    with pytest.raises(ValidationError):
        services.reverse_entry(world.users["shakyo"], first, reason="返金")
    assert ledger.balance(f) == 2_000


def test_a_fund_with_overdraft_allowed_may_go_below_zero(world: World) -> None:
    f = new_fund(world, allow_overdraft=True)
    ledger.post_grant_payment(
        f, world.users["shakyo"], amount_yen=5_000, paid_on=D(2026, 6, 1), description="立替"
    )
    assert ledger.balance(f) == -5_000


def test_staff_without_the_fund_capability_cannot_post(world: World) -> None:
    f = fund(world)
    with pytest.raises(PermissionDenied):
        services.record_donation(
            world.users["staff_a"], f, amount_yen=1, received_on=D(2026, 5, 1), donor_name="x"
        )


@pytest.mark.parametrize("amount", ["0", "-5", "abc", ""])
def test_a_bad_donation_is_refused_with_an_error_and_nothing_posted(
    world: World, amount: str
) -> None:
    f = fund(world)
    before = LedgerEntry.objects.filter(fund=f).count()
    response = world.client_for("shakyo").post(
        reverse("grants:donation_add", args=[f.pk]),
        {"received_on": "2026-05-01", "amount_yen": amount, "donor_name": "x"},
    )
    assert response.status_code == 400
    assert "寄付は記帳されませんでした" in response.content.decode()
    assert LedgerEntry.objects.filter(fund=f).count() == before


def test_a_named_donation_needs_a_name(world: World) -> None:
    f = fund(world)
    response = world.client_for("shakyo", "en").post(
        reverse("grants:donation_add", args=[f.pk]),
        {"received_on": "2026-05-01", "amount_yen": "1000", "donor_name": ""},
    )
    assert response.status_code == 400
    assert "mark the donation as anonymous" in response.content.decode()


def test_staff_post_a_donation_and_reverse_it_from_the_fund_page(world: World) -> None:
    f = fund(world)
    client = world.client_for("shakyo")
    before = ledger.balance(f)
    response = client.post(
        reverse("grants:donation_add", args=[f.pk]),
        {"received_on": "2026-05-01", "amount_yen": "12345", "is_anonymous": "on"},
    )
    assert response.status_code == 302
    assert ledger.balance(f) == before + 12_345
    entry = LedgerEntry.objects.filter(fund=f).order_by("-number").first()
    assert entry is not None and entry.is_anonymous
    page = client.get(reverse("grants:fund_detail", args=[f.pk])).content.decode()
    assert "12,345" in page
    response = client.post(
        reverse("grants:entry_reverse", args=[f.pk, entry.pk]), {"reason": "二重計上"}
    )
    assert response.status_code == 302
    assert ledger.balance(f) == before
    reversal = LedgerEntry.objects.get(reverses=entry)
    # Reversing the reversal: refused with a clear error, nothing posted.
    response = client.post(
        reverse("grants:entry_reverse", args=[f.pk, reversal.pk]), {"reason": "undo"}
    )
    assert response.status_code == 400
    assert "取消仕訳は取り消せません" in response.content.decode()
    assert not LedgerEntry.objects.filter(reverses=reversal).exists()


def test_an_entry_of_another_fund_is_not_found(world: World) -> None:
    other = new_fund(world, code="other")
    entry = donate(world, other, 1_000)
    response = world.client_for("shakyo").post(
        reverse("grants:entry_reverse", args=[fund(world).pk, entry.pk]), {"reason": "x"}
    )
    assert response.status_code == 404


def test_the_annual_statement_adds_up_by_fiscal_year(world: World) -> None:
    f = new_fund(world)
    donate(world, f, 10_000, received_on=D(2026, 3, 31))  # FY2025
    donate(world, f, 20_000, received_on=D(2026, 4, 1), earmark="見守り")
    donate(world, f, 5_000, received_on=D(2026, 6, 1), is_anonymous=True, donor_name="")
    ledger.post_grant_payment(
        f, world.users["shakyo"], amount_yen=12_000, paid_on=D(2026, 7, 1), description="助成"
    )
    s = ledger.statement(f, 2026)
    assert (s.opening, s.donations, s.grants, s.closing) == (10_000, 25_000, 12_000, 23_000)
    assert s.earmarks == [("見守り", 20_000)]
    assert s.closing == ledger.balance(f, until=D(2027, 3, 31))


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_the_statement_downloads_as_csv_in_either_encoding(world: World, encoding: str) -> None:
    f = fund(world)
    response = world.client_for("shakyo").get(
        reverse("grants:statement", args=[f.pk]),
        {"fy": str(ledger.statement(f, 2026).fiscal_year), "format": "csv", "encoding": encoding},
    )
    assert response.status_code == 200
    body = response.content
    if encoding == "utf-8":
        assert body.startswith(b"\xef\xbb\xbf")
        text = body.decode("utf-8-sig")
    else:
        text = body.decode("cp932")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "番号" and rows[1][2] == "前年度繰越" and rows[-1][2] == "次年度繰越"
    # Anonymous donors are not named in the statement.
    assert "山田 花子（デモ）" not in text


def test_the_statement_pdf_is_japanese_a4_with_the_font_embedded(world: World) -> None:
    f = fund(world)
    response = world.client_for("shakyo").get(
        reverse("grants:statement", args=[f.pk]), {"fy": "2026", "format": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = "".join((page.extract_text() or "").split())
    assert "鶴見ふれあい善意銀行" in text and "収支報告" in text
    fonts = page["/Resources"]["/Font"].values()
    assert all(
        any(
            k in (f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"])
            for k in ("/FontFile", "/FontFile2", "/FontFile3")
        )
        for f in fonts
    )


def test_a_bad_statement_year_is_a_400_not_a_500(world: World) -> None:
    response = world.client_for("shakyo").get(
        reverse("grants:statement", args=[fund(world).pk]), {"fy": "x"}
    )
    assert response.status_code == 400
