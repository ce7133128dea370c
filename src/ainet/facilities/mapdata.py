"""What the map shows, as plain data for the reusable map (core/templates/core/_map.html).

Areas: the ward and each district drawn as the convex hull of its town-block points, each point
widened to a small octagon so a district of one or two blocks still has an area. These are
approximations (town-block boundaries are not in the data) and are labelled as such.
Layers: groups of places with a point, shown as markers and in the list beside the map.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ainet.core.models import District, Municipality, Town
from ainet.facilities.models import Facility, FacilityKind

Point = tuple[float, float]  # (lng, lat), as GeoJSON writes them
PAD_DEGREES = 0.0035  # about 350 m around each town-block point

# Colour and one-letter symbol per kind (colours keep 3:1 contrast on white for the markers).
KIND_STYLE: dict[str, tuple[str, str]] = {
    FacilityKind.CARE_PLAZA: ("#0050b3", "C"),
    FacilityKind.SUPPORT_CENTRE: ("#1d5e9a", "S"),
    FacilityKind.CARE_SERVICE: ("#4b5563", "K"),
    FacilityKind.NURSERY: ("#b0367c", "N"),
    FacilityKind.CHILDCARE: ("#8a3ea8", "K"),
    FacilityKind.CHILDCARE_HUB: ("#9b2c6f", "H"),
    FacilityKind.CIVIC_CENTRE: ("#116b4a", "V"),
    FacilityKind.INTERNATIONAL_LOUNGE: ("#0f6f7a", "I"),
    FacilityKind.AED: ("#c2261f", "A"),
    FacilityKind.EVACUATION_SITE: ("#1f7a1f", "E"),
    FacilityKind.WELFARE_SHELTER: ("#6b5200", "W"),
}


def convex_hull(points: Iterable[Point]) -> list[Point]:
    """Andrew's monotone chain; counter-clockwise, closed (first point repeated)."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts + pts[:1]

    def cross(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = lower[:-1] + upper[:-1]
    return hull + hull[:1]


def padded(points: Sequence[Point], pad: float = PAD_DEGREES) -> list[Point]:
    out = []
    for lng, lat in points:
        scale = 1 / max(math.cos(math.radians(lat)), 0.1)
        for k in range(8):
            angle = math.pi / 8 + k * math.pi / 4
            out.append(
                (
                    round(lng + pad * scale * math.cos(angle), 6),
                    round(lat + pad * math.sin(angle), 6),
                )
            )
    return out


def areas(municipality: Municipality) -> dict[str, Any]:
    """GeoJSON of the ward and its districts (approximate areas)."""
    by_district: dict[int | None, list[Point]] = defaultdict(list)
    for lat, lng, district_id in Town.objects.filter(municipality=municipality).values_list(
        "lat", "lng", "district_id"
    ):
        by_district[district_id].append((float(lng), float(lat)))
    features = []
    everything = [p for pts in by_district.values() for p in pts]
    if everything:
        features.append(_area(municipality.name, "ward", everything))
    for district in District.objects.filter(municipality=municipality):
        if by_district.get(district.pk):
            features.append(_area(district.name, "district", by_district[district.pk]))
    return {"type": "FeatureCollection", "features": features}


def _area(name: str, level: str, points: Sequence[Point]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"name": name, "level": level, "approximate": True},
        "geometry": {"type": "Polygon", "coordinates": [convex_hull(padded(points))]},
    }


def district_centres(municipality: Municipality) -> dict[int, tuple[float, float]]:
    """(lat, lng) of each district's town-block points' mean: where district-wide things go."""
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for lat, lng, district_id in Town.objects.filter(
        municipality=municipality, district__isnull=False
    ).values_list("lat", "lng", "district_id"):
        s = sums[district_id]
        s[0] += float(lat)
        s[1] += float(lng)
        s[2] += 1
    return {d: (round(s[0] / s[2], 6), round(s[1] / s[2], 6)) for d, s in sums.items()}


def facility_layers(
    facilities: Iterable[Facility], kinds: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """One layer per facility kind present (in the kinds' order), items sorted by kana."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in facilities:
        grouped[f.kind].append(
            {
                "name": f.name,
                "kana": f.name_kana,
                "address": f.address,
                "lat": None if f.lat is None else float(f.lat),
                "lng": None if f.lng is None else float(f.lng),
                "note": _("Synthetic demo data") if f.is_synthetic else "",
                "url": f.url,
            }
        )
    layers = []
    for kind in kinds or [k.value for k in FacilityKind]:
        if kind not in grouped:
            continue
        colour, symbol = KIND_STYLE.get(kind, ("#333333", "•"))
        items = sorted(grouped[kind], key=lambda i: i["kana"] or i["name"])
        layers.append(
            {
                "key": f"facility-{kind}",
                "label": str(FacilityKind(kind).label),
                "colour": colour,
                "symbol": symbol,
                "items": items,
            }
        )
    return layers


def map_config(
    municipality: Municipality, layers: list[dict[str, Any]], *, label: str = ""
) -> dict[str, Any]:
    """The whole configuration the map include reads (serialised with json_script)."""
    return {
        "label": label or _("Map"),
        "tileUrl": settings.AINET_MAP_TILE_URL,
        "tileAttribution": settings.AINET_MAP_TILE_ATTRIBUTION,
        "areas": areas(municipality),
        "layers": layers,
        "labels": {
            "approximate": _("approximate area"),
            "ward": _("Ward"),
            "district": _("District"),
        },
    }
