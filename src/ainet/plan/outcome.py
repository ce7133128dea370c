"""The plan's outcome table (成果), composed from the indicator registry: any set of periods,
ward-wide and per district, every value computed from records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

from ainet.core.dates import format_fiscal_year, format_period
from ainet.core.indicators import Span, discover
from ainet.core.models import District, Municipality
from ainet.plan.models import PlanPeriod


@dataclass(frozen=True)
class Column:
    number: int
    label: str
    first_fy: int
    last_fy: int


@dataclass
class Row:
    key: str
    label: str
    kind: str
    source: str
    values: list[int | None]
    # district id → values aligned with the columns
    by_district: dict[int, list[int | None]] = field(default_factory=dict)


@dataclass
class OutcomeTable:
    municipality: Municipality
    columns: list[Column]
    rows: list[Row]
    districts: list[District]

    def as_json(self) -> dict[str, Any]:
        return {
            "municipality": self.municipality.code,
            "periods": [
                {"number": c.number, "label": c.label, "start_fy": c.first_fy, "end_fy": c.last_fy}
                for c in self.columns
            ],
            "rows": [{"key": r.key, "label": r.label, "values": r.values} for r in self.rows],
        }


def _lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


def period_columns(periods: Sequence[PlanPeriod]) -> list[Column]:
    lang = _lang()
    columns = []
    for p in periods:
        years = format_period(p.first_fy, p.last_fy, lang)  # type: ignore[arg-type]
        label = f"{p.name} {years}" if lang == "ja" else f"Period {p.number} ({years})"
        columns.append(Column(p.number, label, p.first_fy, p.last_fy))
    return columns


def fiscal_year_columns(first_fy: int, last_fy: int) -> list[Column]:
    lang = _lang()
    return [
        Column(fy, format_fiscal_year(fy, lang), fy, fy)  # type: ignore[arg-type]
        for fy in range(first_fy, last_fy + 1)
    ]


def compute(
    municipality: Municipality,
    columns: Sequence[Column],
    *,
    by_district: bool = False,
    keys: Sequence[str] | None = None,
) -> OutcomeTable:
    """One pass per indicator over every column and (optionally) every district."""
    spans = [Span(c.number, c.first_fy, c.last_fy) for c in columns]
    districts = list(District.objects.filter(municipality=municipality)) if by_district else []
    district_ids = [d.pk for d in districts]
    rows = []
    for key, indicator in discover().items():
        if keys is not None and key not in keys:
            continue
        values = indicator.compute(municipality, spans, district_ids)
        rows.append(
            Row(
                key=key,
                label=str(indicator.label),
                kind=indicator.kind,
                source=str(indicator.source),
                values=[values.get((s.number, None)) for s in spans],
                by_district={d: [values.get((s.number, d)) for s in spans] for d in district_ids},
            )
        )
    return OutcomeTable(municipality, list(columns), rows, districts)


def outcome_table(
    municipality: Municipality, periods: Sequence[PlanPeriod], *, by_district: bool = False
) -> OutcomeTable:
    return compute(municipality, period_columns(periods), by_district=by_district)
