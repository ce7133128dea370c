"""The scope epoch (`ScopeEpoch`): on PostgreSQL, any INSERT, UPDATE, DELETE or TRUNCATE of
the tables that decide a user's reach in normal times bumps one counter in the same
transaction. The safety fast path compares it in the statement that stores an update, so a
lost district or a closed campaign counts from the next request (ainet/api/fastpath.py)."""

from django.db import migrations, models

# Values come from a sequence of their own, so the epoch never takes a value again — not
# after the row is deleted, the table truncated (Django's test flush) or this re-run; the row
# itself is written in the changing transaction, so a reader sees the new value exactly when
# it sees the change.
FUNCTION = """
CREATE SEQUENCE IF NOT EXISTS ainet_scope_epoch_seq;
CREATE OR REPLACE FUNCTION ainet_bump_scope_epoch() RETURNS trigger AS $$
BEGIN
  INSERT INTO disaster_scopeepoch (id, value) VALUES (1, nextval('ainet_scope_epoch_seq'))
    ON CONFLICT (id) DO UPDATE SET value = excluded.value;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# (app label, model, many-to-many field or None): the tables whose changes move the epoch.
WATCHED = [
    ("core", "RoleMembership", None),
    ("core", "RoleMembership", "districts"),
    ("core", "District", None),
    ("care", "InformationAgreement", None),
    ("disaster", "SafetyCampaign", None),
    ("disaster", "SafetyCampaign", "districts"),
]


def _tables(apps):
    for app_label, name, m2m in WATCHED:
        model = apps.get_model(app_label, name)
        if m2m:
            yield model._meta.get_field(m2m).remote_field.through._meta.db_table
        else:
            yield model._meta.db_table


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        "INSERT INTO disaster_scopeepoch (id, value) VALUES (1, nextval('ainet_scope_epoch_seq'))"
    )
    for table in _tables(apps):
        schema_editor.execute(
            f"CREATE TRIGGER {quote(table + '_scope_epoch')} "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ainet_bump_scope_epoch()"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table in _tables(apps):
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {quote(table + '_scope_epoch')} ON {quote(table)}"
        )
    schema_editor.execute("DROP FUNCTION IF EXISTS ainet_bump_scope_epoch()")
    schema_editor.execute("DROP SEQUENCE IF EXISTS ainet_scope_epoch_seq")


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0003_roster_upload"),
        ("core", "0005_api_token"),
        ("disaster", "0002_evacuationplan_evacuationplanversion_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScopeEpoch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "scope epoch", "verbose_name_plural": "scope epochs"},
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
