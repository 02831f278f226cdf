"""Grant the application's database role what it needs and nothing more (PostgreSQL).

Run as the tables' owner after every `migrate`: the app role reads and writes every table, but on the
audit trail it may only SELECT and INSERT (no UPDATE, DELETE, TRUNCATE, no DDL as it owns nothing).
It may run the owner's `sirano_analyze` (workflows/0013): planner statistics of portfolio tables.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

AUDIT_TABLE = "workflows_auditevent"
ANALYZE_FUNCTION = "sirano_analyze"


def grant_statements(role: str, schema: str) -> list[sql.Composed]:
    """The GRANT/REVOKE statements, in order, for `role` on every table of `schema`."""
    role_id, schema_id = sql.Identifier(role), sql.Identifier(schema)
    audit = sql.Identifier(schema, AUDIT_TABLE)
    return [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema_id, role_id),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
            schema_id, role_id
        ),
        sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {} FROM {}").format(
            schema_id, role_id
        ),
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(audit, role_id),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema_id, role_id),
        sql.SQL("GRANT EXECUTE ON FUNCTION {}(text[]) TO {}").format(
            sql.Identifier(schema, ANALYZE_FUNCTION), role_id
        ),
    ]


class Command(BaseCommand):
    help = (
        "Accorde au rôle PostgreSQL de l'application les droits dont elle a besoin (lecture/écriture), "
        "sauf modification, suppression et TRUNCATE du journal d'audit. À lancer en propriétaire des tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="rôle PostgreSQL de l'application (pas le propriétaire des tables)")
        parser.add_argument(
            "--print", action="store_true", dest="print_only", help="affiche le SQL sans l'exécuter"
        )

    def handle(self, *args, role: str, print_only: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role ne concerne que PostgreSQL.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema(), current_user")
            schema, owner = cursor.fetchone()
            if role == owner:
                raise CommandError(
                    f"« {role} » est le rôle connecté (propriétaire des tables) : l'application doit "
                    "tourner sous un autre rôle."
                )
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"Le rôle PostgreSQL « {role} » n'existe pas (CREATE ROLE … LOGIN).")
            statements = grant_statements(role, schema)
            if print_only:
                for statement in statements:
                    self.stdout.write(statement.as_string(cursor.connection) + ";")
                return
            with transaction.atomic():
                for statement in statements:
                    cursor.execute(statement)
        self.stdout.write(
            f"Droits accordés à « {role} » sur le schéma « {schema} » (journal d'audit en ajout seul)."
        )
