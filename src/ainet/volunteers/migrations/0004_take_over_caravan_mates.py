"""Data: give the volunteers registered before this migration a status, and take the caravan
mates over from community.CaravanMate as volunteers holding the キャラバン・メイト certificate.

The counts stay exactly as they were: a taken-over caravan mate gets no `registered_on` (they
were never registered with the volunteer centre), so the registered-volunteer indicator does not
count them, and the certificate keeps the caravan mate's own dates.
"""

from typing import Any

from django.db import migrations

CARAVAN_MATE = "caravan_mate"


def forward(apps: Any, schema_editor: Any) -> None:
    Volunteer = apps.get_model("volunteers", "Volunteer")
    Certificate = apps.get_model("volunteers", "Certificate")
    VolunteerCertificate = apps.get_model("volunteers", "VolunteerCertificate")
    CaravanMate = apps.get_model("community", "CaravanMate")

    Volunteer.objects.filter(ended_on__isnull=False).update(status="ended", source="imported")
    Volunteer.objects.filter(ended_on__isnull=True).update(status="active", source="imported")

    certificates: dict[int, Any] = {}
    for mate in CaravanMate.objects.order_by("pk").iterator():
        certificate = certificates.get(mate.municipality_id)
        if certificate is None:
            certificate, _created = Certificate.objects.get_or_create(
                municipality_id=mate.municipality_id,
                code=CARAVAN_MATE,
                defaults={"name": "キャラバン・メイト", "name_en": "Caravan mate", "sort_order": 20},
            )
            certificates[mate.municipality_id] = certificate
        volunteer = Volunteer.objects.create(
            municipality_id=mate.municipality_id,
            name=mate.name,
            district_id=mate.district_id,
            status="active" if mate.ended_on is None else "ended",
            source="imported",
            registered_on=None,
            notes="キャラバン・メイト登録から移行 / taken over from the caravan-mate register",
        )
        VolunteerCertificate.objects.create(
            volunteer=volunteer,
            certificate=certificate,
            obtained_on=mate.registered_on,
            ended_on=mate.ended_on,
        )


def backward(apps: Any, schema_editor: Any) -> None:
    Volunteer = apps.get_model("volunteers", "Volunteer")
    VolunteerCertificate = apps.get_model("volunteers", "VolunteerCertificate")
    CaravanMate = apps.get_model("community", "CaravanMate")
    holdings = VolunteerCertificate.objects.filter(
        certificate__code=CARAVAN_MATE
    ).select_related("volunteer")
    CaravanMate.objects.bulk_create(
        CaravanMate(
            municipality_id=h.volunteer.municipality_id,
            name=h.volunteer.name,
            district_id=h.volunteer.district_id,
            registered_on=h.obtained_on,
            ended_on=h.ended_on,
        )
        for h in holdings
    )
    taken_over = [h.volunteer_id for h in holdings if h.volunteer.registered_on is None]
    VolunteerCertificate.objects.filter(volunteer_id__in=taken_over).delete()
    Volunteer.objects.filter(pk__in=taken_over, assignments__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0003_caravanmate_caravan_mate_stock_idx"),
        ("volunteers", "0003_volunteer_centre"),
    ]

    operations = [migrations.RunPython(forward, backward)]
