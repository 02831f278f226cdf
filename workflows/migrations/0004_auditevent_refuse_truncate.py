"""On PostgreSQL, the database also refuses TRUNCATE of the audit trail (row triggers of 0002 do not
fire on TRUNCATE). Only a superuser who sets `sirano.allow_audit_truncate = on` in its own session may
truncate (the test runner's flush between transactional tests); a superuser could drop the trigger anyway.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflows_auditevent_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('sirano.allow_audit_truncate', true) = 'on'
       AND (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'workflows_auditevent is append-only (TRUNCATE refused)';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS workflows_auditevent_no_truncate ON workflows_auditevent;
CREATE TRIGGER workflows_auditevent_no_truncate
    BEFORE TRUNCATE ON workflows_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION workflows_auditevent_refuse_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS workflows_auditevent_no_truncate ON workflows_auditevent;
DROP FUNCTION IF EXISTS workflows_auditevent_refuse_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_desk_queue_proxies")]

    operations = [migrations.RunPython(forwards, backwards)]
