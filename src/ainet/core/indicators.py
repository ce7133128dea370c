"""The indicator registry (ARCHITECTURE.md pattern 7). Each app registers its indicators in its
own `indicators.py`; `plan` composes them into the outcome table.

An indicator computes every requested period × district in one pass (usually one GROUP BY), so
the whole table costs a handful of queries, not periods × districts × indicators.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Literal

from django.apps import apps
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from ainet.core.dates import FiscalPeriod


@dataclass(frozen=True)
class Span:
    """One column of the outcome table: a plan period or a single fiscal year."""

    number: int
    first_fy: int
    last_fy: int

    @property
    def period(self) -> FiscalPeriod:
        return FiscalPeriod(self.first_fy, self.last_fy)


# (span number, district id or None for ward-wide) → value; None means "not applicable".
Values = dict[tuple[int, int | None], int | None]
Compute = Callable[[Any, Sequence[Span], Sequence[int]], Values]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Any  # lazy translation
    kind: Literal["flow", "stock"]
    order: int
    compute: Compute
    source: Any  # lazy translation: which records it counts, shown beside the table


REGISTRY: dict[str, Indicator] = {}


def register(
    key: str, label: Any, kind: Literal["flow", "stock"], order: int, source: Any
) -> Callable[[Compute], Compute]:
    def decorator(fn: Compute) -> Compute:
        if key in REGISTRY and REGISTRY[key].compute is not fn:
            raise ValueError(f"indicator {key!r} registered twice")
        REGISTRY[key] = Indicator(key, label, kind, order, fn, source)
        return fn

    return decorator


def discover() -> dict[str, Indicator]:
    """Import every installed ainet app's indicators module (idempotent)."""
    for config in apps.get_app_configs():
        if config.name.startswith("ainet."):
            try:
                import_module(f"{config.name}.indicators")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.indicators":
                    raise
    return dict(sorted(REGISTRY.items(), key=lambda item: item[1].order))


def value(key: str, municipality: Any, period: Span, district: int | None = None) -> int | None:
    """The single-value form `(municipality, period, district=None) -> number`."""
    indicator = discover()[key]
    districts = [district] if district is not None else []
    return indicator.compute(municipality, [period], districts).get((period.number, district))


# --- helpers the apps' indicator functions share --------------------------------------------


def span_case(field: str, spans: Sequence[Span]) -> Case:
    """Annotate each row with the number of the span its date falls in (NULL outside all)."""
    whens = [
        When(**{f"{field}__range": (s.period.start, s.period.end)}, then=Value(s.number))
        for s in spans
    ]
    return Case(*whens, default=None, output_field=IntegerField())


def count_flow(
    queryset: QuerySet[Any],
    date_field: str,
    district_field: str | None,
    spans: Sequence[Span],
    districts: Sequence[int],
) -> Values:
    """Rows whose date falls in each span: one GROUP BY (span, district)."""
    start = min(s.period.start for s in spans)
    end = max(s.period.end for s in spans)
    rows = (
        queryset.filter(**{f"{date_field}__range": (start, end)})
        .annotate(span=span_case(date_field, spans))
        .exclude(span=None)
        .values("span", *([district_field] if district_field else []))
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: Values = {(s.number, None): 0 for s in spans}
    result.update({(s.number, d): 0 for s in spans for d in districts})
    for row in rows:
        result[(row["span"], None)] = (result[(row["span"], None)] or 0) + row["n"]
        district = row.get(district_field) if district_field else None
        if district in districts:
            result[(row["span"], district)] = (result[(row["span"], district)] or 0) + row["n"]
    return result


def count_stock(
    queryset: QuerySet[Any],
    start_field: str,
    end_field: str,
    district_field: str | None,
    spans: Sequence[Span],
    districts: Sequence[int],
) -> Values:
    """Rows in force on the day after each span (started on or before it, not yet ended)."""

    def open_on(day: datetime.date) -> Q:
        return Q(**{f"{start_field}__lte": day}) & (
            Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gt": day})
        )

    aggregates = {
        f"s{s.number}": Count("pk", filter=open_on(s.period.day_after_end)) for s in spans
    }
    result: Values = {}
    totals = queryset.aggregate(**aggregates)
    for s in spans:
        result[(s.number, None)] = totals[f"s{s.number}"]
    if districts and district_field:
        rows = (
            queryset.filter(**{f"{district_field}__in": districts})
            .values(district_field)
            .annotate(**aggregates)
            .order_by()
        )
        for s in spans:
            for d in districts:
                result[(s.number, d)] = 0
        for row in rows:
            for s in spans:
                result[(s.number, row[district_field])] = row[f"s{s.number}"]
    return result
