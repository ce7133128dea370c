"""The indicator registry (ARCHITECTURE.md pattern 7). Each app registers its indicators in its
own `indicators.py`; `plan` composes them into the outcome table.

An indicator computes every requested period × district in one pass (usually one GROUP BY), so
the whole table costs a handful of queries, not periods × districts × indicators.
"""

from __future__ import annotations

import datetime
import itertools
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
    """Annotate each row with the number of the span its date falls in (NULL outside all).

    Spans that do not overlap (the usual case: periods or fiscal years) are tested in date
    order with one comparison each, plus one for each gap; overlapping spans keep one range
    test per span, the first listed winning."""
    ordered = sorted(spans, key=lambda s: s.period.start)
    if any(b.period.start <= a.period.end for a, b in itertools.pairwise(ordered)):
        whens = [
            When(**{f"{field}__range": (s.period.start, s.period.end)}, then=Value(s.number))
            for s in spans
        ]
    else:
        whens = []
        previous_end: datetime.date | None = None
        for s in ordered:
            if previous_end is None or s.period.start > previous_end + datetime.timedelta(1):
                whens.append(When(**{f"{field}__lt": s.period.start}, then=Value(None)))
            whens.append(When(**{f"{field}__lte": s.period.end}, then=Value(s.number)))
            previous_end = s.period.end
    return Case(*whens, default=None, output_field=IntegerField())


def in_spans(field: str, spans: Sequence[Span]) -> Q:
    """Rows whose date falls in any span, as few date ranges as the spans' union needs (one for
    consecutive periods), so no per-row Case test is needed to drop rows outside them."""
    merged: list[tuple[datetime.date, datetime.date]] = []
    for start, end in sorted((s.period.start, s.period.end) for s in spans):
        if merged and start <= merged[-1][1] + datetime.timedelta(1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    condition = Q()
    for start, end in merged:
        condition |= Q(**{f"{field}__range": (start, end)})
    return condition


def count_flow(
    queryset: QuerySet[Any],
    date_field: str,
    district_field: str | None,
    spans: Sequence[Span],
    districts: Sequence[int],
) -> Values:
    """Rows whose date falls in each span: one GROUP BY (span, district)."""
    if not spans:
        return {}
    rows = (
        queryset.filter(in_spans(date_field, spans))
        .annotate(span=span_case(date_field, spans))
        .values("span", *([district_field] if district_field else []))
        # COUNT(*), not COUNT(id): the id would be one more column in every row SQLite sorts
        # for the GROUP BY.
        .annotate(n=Count("*"))
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

    # Counting start_field equals counting rows here (the filter needs it non-null), and unlike
    # the id it is a column SQLite carries anyway; Django allows no COUNT(*) with a filter.
    aggregates = {
        f"s{s.number}": Count(start_field, filter=open_on(s.period.day_after_end)) for s in spans
    }
    result: Values = {}
    if not (districts and district_field):
        totals = queryset.aggregate(**aggregates)
        for s in spans:
            result[(s.number, None)] = totals[f"s{s.number}"]
        return result
    # One pass: group every row by district (NULL and other districts included) and add the
    # groups up for the ward-wide total, rather than a second scan for the totals.
    rows = queryset.values(district_field).annotate(**aggregates).order_by()
    for s in spans:
        result[(s.number, None)] = 0
        for d in districts:
            result[(s.number, d)] = 0
    wanted = set(districts)
    for row in rows:
        district = row[district_field]
        for s in spans:
            n = row[f"s{s.number}"]
            result[(s.number, None)] = (result[(s.number, None)] or 0) + n
            if district in wanted:
                result[(s.number, district)] = n
    return result
