"""The evidence log is append-only in the database: UPDATE and DELETE are refused row by row, TRUNCATE unless the
session says land.evidence_truncate = 'allowed' (only the test settings do, for pytest's database flush)."""

from django.db import migrations

SQL = r"""
CREATE FUNCTION auctions_evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' AND current_setting('land.evidence_truncate', true) = 'allowed' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'the evidence log is append-only: % refused', TG_OP USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER auctions_evidence_no_change BEFORE UPDATE OR DELETE ON auctions_evidenceentry
  FOR EACH ROW EXECUTE FUNCTION auctions_evidence_append_only();
CREATE TRIGGER auctions_evidence_no_truncate BEFORE TRUNCATE ON auctions_evidenceentry
  FOR EACH STATEMENT EXECUTE FUNCTION auctions_evidence_append_only();
"""

REVERSE_SQL = """
DROP TRIGGER auctions_evidence_no_truncate ON auctions_evidenceentry;
DROP TRIGGER auctions_evidence_no_change ON auctions_evidenceentry;
DROP FUNCTION auctions_evidence_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("auctions", "0006_evidence_log")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
