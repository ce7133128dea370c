"""Evacuation sites and welfare shelters, as the facilities app keeps them (its import of the
Digital Agency's 指定緊急避難場所一覧 fills them): plan destinations and the map's layer."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ainet.core.models import Municipality
from ainet.facilities.models import Facility

# FacilityKind values of the facilities app (kept as strings: the kinds are the facilities
# app's; a ward without them simply has no shelter to choose).
EVACUATION_SITE = "evacuation_site"
WELFARE_SHELTER = "welfare_shelter"
SHELTER_KINDS = (EVACUATION_SITE, WELFARE_SHELTER)


def shelter_queryset(municipality: Municipality) -> QuerySet[Facility]:
    return (
        Facility.objects.filter(municipality=municipality, kind__in=SHELTER_KINDS)
        .filter(closed_on__isnull=True)
        .order_by("kind", "name", "pk")
    )


def shelter_rows(municipality: Municipality) -> list[dict[str, Any]]:
    """Shelters with their capacity, how many plans name each as destination, and a point for
    the map (facilities on main before the facilities issue have no coordinates: None)."""
    from django.db.models import Count

    from ainet.disaster.models import EvacuationPlan

    planned = dict(
        EvacuationPlan.objects.filter(destination_facility__isnull=False, municipality=municipality)
        .values("destination_facility")
        .annotate(n=Count("pk"))
        .values_list("destination_facility", "n")
    )
    rows = []
    for f in shelter_queryset(municipality):
        lat, lng = getattr(f, "lat", None), getattr(f, "lng", None)
        rows.append(
            {
                "facility": f,
                "kind": f.get_kind_display(),
                "is_welfare": f.kind == WELFARE_SHELTER,
                "capacity": getattr(f, "capacity", None),
                "planned": planned.get(f.pk, 0),
                "lat": float(lat) if lat is not None else None,
                "lng": float(lng) if lng is not None else None,
            }
        )
    return rows


def shelter_map(municipality: Municipality, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The shared map's configuration (core/_map.html): one layer for evacuation sites and one
    for welfare shelters (福祉避難所), each in the facilities map's colour and symbol, with the
    capacity on each place."""
    from django.utils.translation import gettext as _

    from ainet.facilities import mapdata
    from ainet.facilities.models import FacilityKind

    grouped: dict[str, list[dict[str, Any]]] = {kind: [] for kind in SHELTER_KINDS}
    for r in rows:
        f = r["facility"]
        capacity = r["capacity"]
        grouped[f.kind].append(
            {
                "name": f.name,
                "kana": f.name_kana,
                "address": f.address,
                "lat": r["lat"],
                "lng": r["lng"],
                "when": _("Capacity: unknown")
                if capacity is None
                else _("Capacity: %(count)s people") % {"count": capacity},
                "note": _("Synthetic demo data") if f.is_synthetic else "",
                "url": f.url,
            }
        )
    layers: list[dict[str, Any]] = []
    for kind in SHELTER_KINDS:
        if not grouped[kind]:
            continue
        colour, symbol = mapdata.KIND_STYLE[kind]
        layers.append(
            {
                "key": f"shelter-{kind}",
                "label": str(FacilityKind(kind).label),
                "colour": colour,
                "symbol": symbol,
                "items": sorted(grouped[kind], key=_by_kana),
            }
        )
    return mapdata.map_config(
        municipality, layers, label=_("Map of evacuation sites and welfare shelters")
    )


def _by_kana(item: dict[str, Any]) -> str:
    return str(item["kana"] or item["name"])
