"""Writes of the facilities app: importing a standard open-data file, all-or-nothing."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ainet.core import access, audit, csvio
from ainet.core.dates import today_tokyo
from ainet.core.models import Municipality, Town
from ainet.facilities import opendata
from ainet.facilities.models import SHELTER_KINDS, EvacuationSite, Facility

# A facility further than this from every town-block point gets no district.
DISTRICT_RADIUS_KM = 2.0


class ImportReport(csvio.ImportReport):
    """A facilities import's outcome; `kind` is the format kind."""

    KIND_KEY = "format_kind"


def _district_finder(municipality: Municipality) -> Any:
    towns = list(
        Town.objects.filter(municipality=municipality, district__isnull=False).values_list(
            "lat", "lng", "district_id"
        )
    )
    points = [(float(lat), float(lng), d) for lat, lng, d in towns]

    def nearest(lat: Any, lng: Any) -> int | None:
        if lat is None or lng is None or not points:
            return None
        y, x = float(lat), float(lng)
        scale = math.cos(math.radians(y))
        best = min(points, key=lambda p: (p[0] - y) ** 2 + ((p[1] - x) * scale) ** 2)
        km = 111.2 * math.hypot(best[0] - y, (best[1] - x) * scale)
        return best[2] if km <= DISTRICT_RADIUS_KM else None

    return nearest


def import_facilities(
    actor: Any,
    municipality: Municipality,
    data: bytes,
    format_kind: opendata.FormatKind,
    *,
    dry_run: bool = False,
    filename: str = "",
    command_line: bool = False,
) -> ImportReport:
    """Check the whole file, then create or update its facilities in one transaction. Nothing
    is written when any row has an error, or on a dry run. `command_line` marks a run of
    `ainet facilities import` by the operator of the server (no user account)."""
    if not command_line:
        if not access.can(actor, "facilities.manage"):
            raise PermissionDenied
        if not Municipality.objects.filter(
            access.municipality_q(actor, "pk"), pk=municipality.pk
        ).exists():
            raise PermissionDenied
    parsed = opendata.parse(data, format_kind, municipality.code)
    report = ImportReport(
        format_kind,
        municipality.code,
        parsed.encoding,
        parsed.records,
        dry_run=dry_run,
        errors=parsed.errors,
        warnings=parsed.warnings,
    )
    if parsed.errors:
        return report
    dataset = format_kind
    with transaction.atomic():
        existing = {
            opendata.match_key(f.source_id, f.name, f.address, f.details.get("設置位置", "")): f
            for f in Facility.objects.select_for_update()
            .filter(municipality=municipality, dataset=dataset)
            .order_by("pk")
        }
        district_of = _district_finder(municipality)
        for row in parsed.rows:
            facility = existing.get(row.key)
            if facility is None:
                facility = Facility(municipality=municipality, dataset=dataset)
                report.created += 1
            else:
                report.updated += 1
            for name, value in row.fields.items():
                setattr(facility, name, value)
            # The standard format cannot say "welfare shelter" (福祉避難所); a file without a
            # 受入対象者 column leaves that, and other columns it does not have, as they were.
            in_file = set(parsed.header)
            keep_welfare = facility.kind == "welfare_shelter" and "受入対象者" not in in_file
            facility.kind = "welfare_shelter" if keep_welfare else row.kind
            kept = {k: v for k, v in (facility.details or {}).items() if k not in in_file}
            facility.details = {**kept, **row.details}
            facility.district_id = district_of(facility.lat, facility.lng)
            if dry_run:
                continue
            facility.save()
            if row.kind in SHELTER_KINDS and row.evacuation is not None:
                EvacuationSite.objects.update_or_create(facility=facility, defaults=row.evacuation)
        if not dry_run:
            audit.record(
                actor if not command_line else None,
                audit.Action.CREATE,
                municipality=municipality,
                actor_username="" if not command_line else "ainet facilities import",
                details={
                    "facilities_import": format_kind,
                    "file": filename[:200],
                    "created": report.created,
                    "updated": report.updated,
                },
            )
    return report


def export_rows(municipality: Municipality, format_kind: opendata.FormatKind) -> list[list[str]]:
    facilities = (
        Facility.objects.filter(
            municipality=municipality, kind__in=opendata.EXPORT_KINDS[format_kind]
        )
        .open_on(today_tokyo())
        .select_related("evacuation")
        .order_by("kind", "name_kana", "name", "pk")
    )
    return [opendata.export_row(format_kind, f, municipality) for f in facilities]


def save_facility(
    actor: Any,
    municipality: Municipality,
    facility: Facility,
    evacuation: dict[str, Any] | None,
    changed: list[str],
) -> Facility:
    """Store a facility edited or added by hand (the form has set its fields), with its
    evacuation designations when it is a shelter kind. The district comes from the nearest
    town block when none was chosen. A later import of the facility's dataset overwrites the
    fields its file holds (the page says so)."""
    if not access.can(actor, "facilities.manage"):
        raise PermissionDenied
    if not Municipality.objects.filter(
        access.municipality_q(actor, "pk"), pk=municipality.pk
    ).exists():
        raise PermissionDenied
    created = facility.pk is None
    with transaction.atomic():
        facility.municipality = municipality
        before = Facility.objects.filter(pk=facility.pk).values_list("district_id", flat=True)
        if facility.district_id is None:
            facility.district_id = _district_finder(municipality)(facility.lat, facility.lng)
        if not created and facility.district_id == before.first():
            changed = [name for name in changed if name != "district"]  # worked out again
        facility.full_clean()
        facility.save()
        if facility.kind in SHELTER_KINDS:
            EvacuationSite.objects.update_or_create(facility=facility, defaults=evacuation or {})
        audit.record(
            actor,
            audit.Action.CREATE if created else audit.Action.UPDATE,
            obj=facility,
            municipality=municipality,
            details={"facility_fields": sorted(changed)},
        )
    return facility
