"""Whatever the sequence of donations, grant payments and reversals: the balance equals the sum
of the posted entries, every entry balances, no posted entry ever changes, and a fund without
overdraft never holds less than nothing (ISSUE 6, tests)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ainet.core.models import Municipality, Organisation, OrganisationKind, RoleMembership, User
from ainet.core.roles import Role
from ainet.grants import ledger, services
from ainet.grants.models import EntryKind, Fund, LedgerEntry

_codes = itertools.count()
AMOUNTS = st.integers(min_value=1, max_value=500_000)


@pytest.fixture
def coordinator(db: None) -> User:
    ward = Municipality.objects.create(code="141011", name="横浜市鶴見区")
    organisation = Organisation.objects.create(
        municipality=ward, kind=OrganisationKind.WARD_SHAKYO, name="鶴見区社会福祉協議会"
    )
    user = User.objects.create(username="ledger-coordinator")
    RoleMembership.objects.create(
        user=user, municipality=ward, role=Role.SHAKYO_COORDINATOR, organisation=organisation
    )
    return user


def snapshot(entry: LedgerEntry) -> tuple[object, ...]:
    lines = tuple(sorted((x.account, x.debit_yen, x.credit_yen) for x in entry.lines.all()))
    return (entry.number, entry.entry_date, entry.kind, entry.description, entry.posted_at, lines)


def make_machine(user: User) -> type[RuleBasedStateMachine]:
    class LedgerMachine(RuleBasedStateMachine):
        @initialize(allow_overdraft=st.booleans())
        def open_fund(self, allow_overdraft: bool) -> None:
            self.fund = services.create_fund(
                user,
                Municipality.objects.get(code="141011"),
                code=f"sm-{next(_codes)}",
                name="状態機械基金",
                allow_overdraft=allow_overdraft,
            )
            self.expected = 0
            self.seen: dict[int, tuple[object, ...]] = {}
            self.day = datetime.date(2026, 4, 1)

        def _remember(self, entry: LedgerEntry) -> None:
            self.seen[entry.pk] = snapshot(entry)

        @rule(amount=AMOUNTS, anonymous=st.booleans())
        def donate(self, amount: int, anonymous: bool) -> None:
            entry = services.record_donation(
                user,
                self.fund,
                amount_yen=amount,
                received_on=self.day,
                donor_name="" if anonymous else "寄付者",
                is_anonymous=anonymous,
            )
            self.expected += amount
            self._remember(entry)

        @rule(amount=AMOUNTS)
        def pay(self, amount: int) -> None:
            try:
                entry = ledger.post_grant_payment(
                    self.fund, user, amount_yen=amount, paid_on=self.day, description="助成"
                )
            except ValidationError:
                assert not self.fund.allow_overdraft and amount > self.expected
                return
            assert self.fund.allow_overdraft or amount <= self.expected
            self.expected -= amount
            self._remember(entry)

        @precondition(lambda self: bool(self.seen))
        @rule(pick=st.integers(min_value=0, max_value=10_000))
        def reverse(self, pick: int) -> None:
            ids = sorted(self.seen)
            entry = LedgerEntry.objects.get(pk=ids[pick % len(ids)])
            effect = entry.cash_effect
            already = LedgerEntry.objects.filter(reverses=entry).exists()
            try:
                reversal = services.reverse_entry(user, entry, reason="訂正", on=self.day)
            except ValidationError:
                overdraw = not self.fund.allow_overdraft and -effect < 0 and effect > self.expected
                assert entry.kind == EntryKind.REVERSAL or already or overdraw
                return
            assert entry.kind != EntryKind.REVERSAL and not already
            self.expected -= effect
            self._remember(reversal)

        @rule()
        def next_day(self) -> None:
            self.day += datetime.timedelta(days=1)

        @invariant()
        def balance_is_the_sum_of_entries(self) -> None:
            entries = list(LedgerEntry.objects.filter(fund=self.fund).prefetch_related("lines"))
            assert ledger.balance(self.fund) == self.expected
            assert sum(e.cash_effect for e in entries) == self.expected
            for e in entries:
                lines = list(e.lines.all())
                assert sum(x.debit_yen for x in lines) == sum(x.credit_yen for x in lines)

        @invariant()
        def no_posted_entry_changed(self) -> None:
            for entry in LedgerEntry.objects.filter(pk__in=self.seen).prefetch_related("lines"):
                assert snapshot(entry) == self.seen[entry.pk]
            assert LedgerEntry.objects.filter(fund=self.fund).count() == len(self.seen)

        @invariant()
        def no_overdraft_unless_allowed(self) -> None:
            if not Fund.objects.get(pk=self.fund.pk).allow_overdraft:
                assert ledger.balance(self.fund) >= 0

    return LedgerMachine


def test_the_ledger_keeps_its_invariants_whatever_happens(coordinator: User) -> None:
    run_state_machine_as_test(
        make_machine(coordinator),
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
