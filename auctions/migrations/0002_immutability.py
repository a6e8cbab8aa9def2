"""Database triggers that keep published announcements, their documents and the rule profile of an announced lot
unchangeable, whoever writes (services, the admin site or SQL)."""

from django.db import migrations

SQL = r"""
CREATE FUNCTION auctions_announcement_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'announcement % is published: it cannot be deleted', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'draft' THEN
    RETURN NEW;
  END IF;
  -- A published announcement changes in one way only: superseded by a change or termination announcement.
  IF OLD.status = 'published' AND NEW.status = 'superseded'
     AND (to_jsonb(NEW) - 'status') = (to_jsonb(OLD) - 'status') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'announcement % is published: it cannot be changed; publish a change announcement', OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER auctions_announcement_immutable BEFORE UPDATE OR DELETE ON auctions_announcement
  FOR EACH ROW EXECUTE FUNCTION auctions_announcement_immutable();

CREATE FUNCTION auctions_announcement_document_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  row_announcement bigint := CASE WHEN TG_OP = 'INSERT' THEN NEW.announcement_id ELSE OLD.announcement_id END;
BEGIN
  IF EXISTS (SELECT 1 FROM auctions_announcement WHERE id = row_announcement AND status <> 'draft')
     OR (TG_OP = 'UPDATE' AND EXISTS (
       SELECT 1 FROM auctions_announcement WHERE id = NEW.announcement_id AND status <> 'draft')) THEN
    RAISE EXCEPTION 'the documents of published announcement % cannot be changed', row_announcement
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER auctions_announcement_document_immutable BEFORE INSERT OR UPDATE OR DELETE
  ON auctions_announcementdocument FOR EACH ROW EXECUTE FUNCTION auctions_announcement_document_immutable();

CREATE FUNCTION auctions_rule_profile_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM auctions_lot l JOIN auctions_announcement a ON a.lot_id = l.id
    WHERE l.rules_id = OLD.id AND a.status <> 'draft'
  ) THEN
    RAISE EXCEPTION 'rule profile % belongs to an announced lot: it cannot be changed', OLD.id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER auctions_rule_profile_frozen BEFORE UPDATE OR DELETE ON auctions_ruleprofile
  FOR EACH ROW EXECUTE FUNCTION auctions_rule_profile_frozen();
"""

REVERSE_SQL = """
DROP TRIGGER auctions_rule_profile_frozen ON auctions_ruleprofile;
DROP FUNCTION auctions_rule_profile_frozen();
DROP TRIGGER auctions_announcement_document_immutable ON auctions_announcementdocument;
DROP FUNCTION auctions_announcement_document_immutable();
DROP TRIGGER auctions_announcement_immutable ON auctions_announcement;
DROP FUNCTION auctions_announcement_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("auctions", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
