"""PostgreSQL only: `sirano_analyze(tables)`, a SECURITY DEFINER function owned by the tables'
owner, so that the application's non-owner role can refresh the planner statistics of the
portfolio tables (a bare `ANALYZE` is skipped with a warning for a role that owns nothing).

Only `workflows_*` tables of this schema are accepted; `grant_app_role` grants EXECUTE.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION {schema}.sirano_analyze(tables text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  name text;
BEGIN
  FOREACH name IN ARRAY tables LOOP
    IF name NOT LIKE 'workflows\\_%' OR NOT EXISTS (
      SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = {schema_literal} AND c.relname = name AND c.relkind = 'r'
    ) THEN
      RAISE EXCEPTION 'sirano_analyze: % is not a portfolio table', name;
    END IF;
    EXECUTE format('ANALYZE %I.%I', {schema_literal}, name);
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION {schema}.sirano_analyze(text[]) FROM PUBLIC;
"""


def create_function(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), quote_ident(current_schema()), quote_literal(current_schema())")
        _schema, schema, literal = cursor.fetchone()
        cursor.execute(CREATE.format(schema=schema, schema_literal=literal))


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS sirano_analyze(text[])")


class Migration(migrations.Migration):
    dependencies = [("workflows", "0013_establishment_ror_id")]

    operations = [migrations.RunPython(create_function, drop_function, elidable=False)]
