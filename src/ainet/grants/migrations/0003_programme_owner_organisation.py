"""Data: link the programmes recorded before grants had owners (the first, simple model kept
the owner's name only) to the organisation of that name in their municipality."""

from django.db import migrations


def link_owners(apps, schema_editor):
    Programme = apps.get_model("grants", "Programme")
    Organisation = apps.get_model("core", "Organisation")
    for programme in Programme.objects.filter(owner_organisation__isnull=True):
        organisation = Organisation.objects.filter(
            municipality_id=programme.municipality_id, name=programme.owner
        ).first()
        if organisation is not None:
            programme.owner_organisation = organisation
            programme.save(update_fields=["owner_organisation"])


class Migration(migrations.Migration):
    dependencies = [("grants", "0002_takeover_schema"), ("core", "0004_audit_ip_label")]
    operations = [migrations.RunPython(link_owners, migrations.RunPython.noop)]
