"""CSV exports: cells a spreadsheet would run as a formula are written as text."""

from __future__ import annotations

import csv
import io

import pytest

from ainet.core.csvio import csv_bytes, neutralise


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://example.invalid","x")', '\'=HYPERLINK("http://example.invalid","x")'),
        ("+SUM(A1:A2)", "'+SUM(A1:A2)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("＝1+1", "'＝1+1"),
        ("-12", "-12"),
        ("+3.5", "+3.5"),
        ("鈴木 花子", "鈴木 花子"),
        (-3, -3),
        (None, ""),
    ],
)
def test_formula_cells_are_neutralised(value: object, written: object) -> None:
    assert neutralise(value) == written


def test_an_export_never_starts_a_cell_with_a_formula() -> None:
    data = csv_bytes(["氏名", "=bad header"], [['=HYPERLINK("x")', 5]], "utf-8")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["氏名", "'=bad header"], ['\'=HYPERLINK("x")', "5"]]
