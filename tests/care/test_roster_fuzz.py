"""Hypothesis fuzzes the roster parser: whatever the bytes, it returns a result or raises
`RosterInputError` (never anything else), and an import is all-or-nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ainet.care.models import ConsentEvent, ListEntry, Person
from ainet.care.roster import RosterInputError, import_roster, parse_roster
from tests.care.roster_files import HEADER, row
from tests.conftest import World

ALPHABET = [
    *"0123456789-/.,\"'=+@ \t\r\n",
    *"年月日平成令和昭和元ｱイｳヴーｰ髙高鈴木矢向丁目番号同意手上げ拒否",
    *["\x00", "\ufeff", "\u3000", "𠮷", "\ud7ff"],
]
CELL_TEXT = st.text(
    alphabet=st.sampled_from(ALPHABET),
    max_size=30,
)


def _cells() -> st.SearchStrategy[list[str]]:
    valid = [st.just(v) for v in row()]
    return st.lists(st.one_of(*valid, CELL_TEXT), min_size=0, max_size=len(HEADER) + 2)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


HEADERS = st.one_of(
    st.just(HEADER),
    st.permutations(HEADER).map(list),
    st.lists(st.sampled_from([*HEADER, "フリガナ", "備考", ""]), max_size=15),
)
FILES = st.one_of(
    st.binary(max_size=300),
    st.builds(
        lambda header, rows, encoding: _csv(header, rows).encode(encoding, errors="replace"),
        HEADERS,
        st.lists(_cells(), max_size=6),
        st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
    ),
)


@settings(max_examples=400, deadline=None)
@given(FILES)
def test_the_parser_only_raises_its_own_error(data: bytes) -> None:
    try:
        parsed = parse_roster(data)
    except RosterInputError as exc:
        assert exc.ja and exc.en
        return
    for problem in parsed.errors:
        assert problem.row >= 2
        assert " / " in problem.message
    assert {r.row for r in parsed.rows}.isdisjoint({p.row for p in parsed.errors})


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=FILES)
def test_an_import_applies_everything_or_nothing(world: World, data: bytes) -> None:
    with transaction.atomic():
        before = (Person.objects.count(), ListEntry.objects.count(), ConsentEvent.objects.count())
        try:
            report = import_roster(world.users["ward_admin"], world.ward, "evacuation", data)
        except RosterInputError:
            report = None
        after = (Person.objects.count(), ListEntry.objects.count(), ConsentEvent.objects.count())
        if report is None or report["errors"]:
            assert after == before
        else:
            assert report["applied"] is True
            assert after[1] == before[1] + report["new"]
        transaction.set_rollback(True)
