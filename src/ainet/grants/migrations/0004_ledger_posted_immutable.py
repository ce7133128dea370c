"""On PostgreSQL the database itself refuses to UPDATE or DELETE a posted ledger entry, and to
add, change or remove lines of one, whatever role connects (a trigger binds superusers too).
The only update allowed is posting a draft (posted_at from NULL to a time). Corrections are
reversal entries (docs/decisions/0004-fund-ledger.md)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION ainet_ledger_entry_guard() RETURNS trigger AS $$
BEGIN
  IF OLD.posted_at IS NOT NULL THEN
    RAISE EXCEPTION 'grants_ledgerentry %% is posted (%% refused)', OLD.id, TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER grants_ledgerentry_posted_guard
  BEFORE UPDATE OR DELETE ON grants_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION ainet_ledger_entry_guard();

CREATE OR REPLACE FUNCTION ainet_ledger_line_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
    SELECT 1 FROM grants_ledgerentry WHERE id = OLD.entry_id AND posted_at IS NOT NULL
  ) THEN
    RAISE EXCEPTION 'grants_ledgerline %% belongs to a posted entry (%% refused)', OLD.id, TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
    SELECT 1 FROM grants_ledgerentry WHERE id = NEW.entry_id AND posted_at IS NOT NULL
  ) THEN
    RAISE EXCEPTION 'grants_ledgerentry %% is posted (%% of a line refused)', NEW.entry_id, TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER grants_ledgerline_posted_guard
  BEFORE INSERT OR UPDATE OR DELETE ON grants_ledgerline
  FOR EACH ROW EXECUTE FUNCTION ainet_ledger_line_guard();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS grants_ledgerline_posted_guard ON grants_ledgerline;
DROP FUNCTION IF EXISTS ainet_ledger_line_guard();
DROP TRIGGER IF EXISTS grants_ledgerentry_posted_guard ON grants_ledgerentry;
DROP FUNCTION IF EXISTS ainet_ledger_entry_guard();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("grants", "0003_programme_owner_organisation")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
