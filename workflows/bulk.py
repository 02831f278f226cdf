"""Bulk inserts for loads of tens of thousands of rows (imports, the historical ledger).

On PostgreSQL, ids come from the sequence and rows go in with `COPY`: psycopg parses every
multi-row `INSERT` text client-side, which costs more than the rows themselves at 40,000
projects; `COPY` sends plain rows. Elsewhere, Django's `bulk_create`. Like `bulk_create`, no
`save()` and no signal: callers do what those would (search index, derived fields).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

BATCH_SIZE = 500


def insert_many(model, objects: list) -> list:
    """`bulk_create` for big batches: on PostgreSQL, ids from the sequence then one COPY.

    The objects get their ids and are marked saved; auto_now(_add) dates are set as by `save`.
    """
    if not objects:
        return objects
    connection = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is read for every cell
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    table = meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in [meta.pk, *fields])
        cells = [(field.pre_save, field.get_db_prep_save) for field in fields]
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([obj.pk, *(prepare(read(obj, True), connection) for read, prepare in cells)])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
    return objects
