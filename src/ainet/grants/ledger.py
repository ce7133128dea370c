"""The fund ledger (docs/decisions/0004-fund-ledger.md): double entry, posted once, never changed.

Every movement of money is a `LedgerEntry` with balanced lines (debits = credits):

- a donation: debit money held (cash), credit donations received;
- a grant payment: debit grants paid, credit money held;
- a reversal: the lines of the entry it corrects, sides swapped.

An entry is written as a draft with its lines, then posted in the same transaction; from then on
the ORM (here and in the models) and, on PostgreSQL, a trigger refuse to change or delete it.
The fund row is locked (SELECT … FOR UPDATE) while an entry is added, so entry numbers and the
balance check cannot race. Permission checks belong to the callers in `services`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ainet.core.dates import today_tokyo
from ainet.grants.models import Account, EntryKind, Fund, LedgerEntry, LedgerLine

MAX_AMOUNT_YEN = 10_000_000_000  # ten billion yen: a typo, not a donation
# Descriptions written into the ledger are records of the office, kept in Japanese whatever
# language the member of staff reads the screens in.
RECORD_LANGUAGE = "ja"


@dataclass(frozen=True)
class Line:
    account: str
    debit_yen: int = 0
    credit_yen: int = 0


def balance(fund: Fund, *, until: datetime.date | None = None) -> int:
    """Money held: debits minus credits of the cash account over posted entries."""
    lines = LedgerLine.objects.filter(
        entry__fund=fund, entry__posted_at__isnull=False, account=Account.CASH
    )
    if until is not None:
        lines = lines.filter(entry__entry_date__lte=until)
    totals = lines.aggregate(debit=Sum("debit_yen"), credit=Sum("credit_yen"))
    return int(totals["debit"] or 0) - int(totals["credit"] or 0)


def _check_amount(amount_yen: int, field: str = "amount_yen") -> None:
    if not isinstance(amount_yen, int) or amount_yen <= 0:
        raise ValidationError({field: _("Enter an amount of at least 1 yen.")})
    if amount_yen > MAX_AMOUNT_YEN:
        raise ValidationError({field: _("This amount is too large to be right.")})


def _post(
    fund: Fund,
    actor: Any,
    *,
    kind: str,
    entry_date: datetime.date,
    description: str,
    lines: Sequence[Line],
    reverses: LedgerEntry | None = None,
    **fields: Any,
) -> LedgerEntry:
    """Write a balanced entry with its lines and post it. The caller holds the fund lock."""
    if sum(x.debit_yen for x in lines) != sum(x.credit_yen for x in lines) or not lines:
        raise ValidationError(_("The entry does not balance: debits must equal credits."))
    last = LedgerEntry.objects.filter(fund=fund).aggregate(n=Max("number"))["n"] or 0
    entry = LedgerEntry.objects.create(
        fund=fund,
        number=last + 1,
        entry_date=entry_date,
        kind=kind,
        description=description[:300],
        reverses=reverses,
        created_by=actor,
        **fields,
    )
    LedgerLine.objects.bulk_create(
        LedgerLine(entry=entry, account=x.account, debit_yen=x.debit_yen, credit_yen=x.credit_yen)
        for x in lines
    )
    # The only update a ledger entry ever gets: draft → posted (the guards let it through
    # because the row is not posted yet).
    now = timezone.now()
    models.QuerySet.update(
        LedgerEntry.objects.filter(pk=entry.pk, posted_at__isnull=True), posted_at=now
    )
    entry.posted_at = now
    return entry


def _locked(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


def _refuse_overdraft(fund: Fund, cash_out: int) -> None:
    if fund.allow_overdraft:
        return
    held = balance(fund)
    if cash_out > held:
        raise ValidationError(
            {
                "amount_yen": _(
                    "The fund holds %(held)s yen; it cannot pay out %(amount)s yen "
                    "(no overdraft is allowed for this fund)."
                )
                % {"held": f"{held:,}", "amount": f"{cash_out:,}"}
            }
        )


def post_donation(
    fund: Fund,
    actor: Any,
    *,
    amount_yen: int,
    received_on: datetime.date,
    donor_name: str,
    is_anonymous: bool,
    earmark: str = "",
) -> LedgerEntry:
    _check_amount(amount_yen)
    if not donor_name.strip() and not is_anonymous:
        raise ValidationError(
            {"donor_name": _("Enter the donor's name, or mark the donation as anonymous.")}
        )
    with transaction.atomic():
        fund = _locked(fund)
        with translation.override(RECORD_LANGUAGE):
            description = _("Donation")
        return _post(
            fund,
            actor,
            kind=EntryKind.DONATION,
            entry_date=received_on,
            description=description,
            lines=[
                Line(Account.CASH, debit_yen=amount_yen),
                Line(Account.DONATIONS, credit_yen=amount_yen),
            ],
            donor_name=donor_name.strip(),
            is_anonymous=is_anonymous,
            earmark=earmark.strip(),
        )


def post_grant_payment(
    fund: Fund, actor: Any, *, amount_yen: int, paid_on: datetime.date, description: str
) -> LedgerEntry:
    _check_amount(amount_yen)
    with transaction.atomic():
        fund = _locked(fund)
        _refuse_overdraft(fund, amount_yen)
        return _post(
            fund,
            actor,
            kind=EntryKind.GRANT_PAYMENT,
            entry_date=paid_on,
            description=description,
            lines=[
                Line(Account.GRANTS, debit_yen=amount_yen),
                Line(Account.CASH, credit_yen=amount_yen),
            ],
        )


def reverse(
    entry: LedgerEntry, actor: Any, *, reason: str, on: datetime.date | None = None
) -> LedgerEntry:
    """Post the correction of `entry`: its lines with debit and credit swapped."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    with transaction.atomic():
        fund = _locked(entry.fund)
        entry = LedgerEntry.objects.select_related("fund").get(pk=entry.pk)
        if entry.posted_at is None:
            raise ValidationError(_("Only a posted entry can be reversed."))
        if entry.kind == EntryKind.REVERSAL:
            raise ValidationError(
                _(
                    "A reversal cannot be reversed. If the correction was wrong, post the "
                    "original movement again."
                )
            )
        if LedgerEntry.objects.filter(reverses=entry).exists():
            raise ValidationError(_("This entry has already been reversed."))
        lines = [
            Line(x.account, debit_yen=x.credit_yen, credit_yen=x.debit_yen)
            for x in entry.lines.all()
        ]
        cash_out = sum(x.credit_yen - x.debit_yen for x in lines if x.account == Account.CASH)
        if cash_out > 0:
            _refuse_overdraft(fund, cash_out)
        return _post(
            fund,
            actor,
            kind=EntryKind.REVERSAL,
            entry_date=on or today_tokyo(),
            description=(
                _("Reversal of entry %(number)s: %(reason)s")
                % {
                    "number": entry.number,
                    "reason": reason.strip(),
                }
            ),
            lines=lines,
            reverses=entry,
        )


def _reversal_description(number: int, reason: str) -> str:
    with translation.override(RECORD_LANGUAGE):
        return _("Reversal of entry %(number)s: %(reason)s") % {"number": number, "reason": reason}


# --- The annual statement (年度) -----------------------------------------------------------


@dataclass(frozen=True)
class StatementRow:
    entry: LedgerEntry
    cash_in: int
    cash_out: int
    running: int


@dataclass(frozen=True)
class Statement:
    fund: Fund
    fiscal_year: int
    opening: int
    closing: int
    donations: int
    donation_count: int
    grants: int
    grant_count: int
    reversals_in: int
    reversals_out: int
    rows: list[StatementRow]
    earmarks: list[tuple[str, int]]


def statement(fund: Fund, fiscal_year: int) -> Statement:
    from ainet.core.dates import fiscal_year_range

    start, end = fiscal_year_range(fiscal_year)
    opening = balance(fund, until=start - datetime.timedelta(days=1))
    entries = list(
        LedgerEntry.objects.posted()
        .filter(fund=fund, entry_date__range=(start, end))
        .select_related("reverses")
        .prefetch_related("lines")
        .order_by("entry_date", "number")
    )
    rows: list[StatementRow] = []
    running = opening
    totals = {"donations": 0, "grants": 0, "rev_in": 0, "rev_out": 0}
    counts = {"donations": 0, "grants": 0}
    earmarks: dict[str, int] = {}
    for entry in entries:
        effect = entry.cash_effect
        running += effect
        rows.append(StatementRow(entry, max(effect, 0), max(-effect, 0), running))
        if entry.kind == EntryKind.DONATION:
            totals["donations"] += effect
            counts["donations"] += 1
            if entry.earmark:
                earmarks[entry.earmark] = earmarks.get(entry.earmark, 0) + effect
        elif entry.kind == EntryKind.GRANT_PAYMENT:
            totals["grants"] += -effect
            counts["grants"] += 1
        elif effect >= 0:
            totals["rev_in"] += effect
        else:
            totals["rev_out"] += -effect
    return Statement(
        fund=fund,
        fiscal_year=fiscal_year,
        opening=opening,
        closing=running,
        donations=totals["donations"],
        donation_count=counts["donations"],
        grants=totals["grants"],
        grant_count=counts["grants"],
        reversals_in=totals["rev_in"],
        reversals_out=totals["rev_out"],
        rows=rows,
        earmarks=sorted(earmarks.items()),
    )
