"""Bulk inserts for loads of tens of thousands of rows (imports, the historical ledger).

On PostgreSQL, ids come from the sequence and rows go in with `COPY`: psycopg parses every
multi-row `INSERT` text client-side, which costs more than the rows themselves at 40,000
projects; `COPY` sends plain rows. Elsewhere, Django's `bulk_create`. Like `bulk_create`, no
`save()` and no model signal: callers do what those would (search index, derived fields). `COPY`
bypasses the cursor wrappers that see other writes, so `_copy` sends `rows_copied`: the domain
listens to it and moves its data version on commit (`workflows.data_version`).

`insert_many` takes model instances; `insert_rows` takes plain tuples (no instance at all: what
the ledger writes, ~100,000 tranches and as many audit events for 40,000 projects).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import Signal
from django.utils import timezone

#: Sent after rows went in with `COPY` (unseen by cursor wrappers); `using`: the database alias.
rows_copied = Signal()

BATCH_SIZE = 500
#: ids in one `UPDATE … WHERE id IN`, under SQLite's 32,766 parameters
IDS_PER_UPDATE = 10_000

#: Fields whose Python value PostgreSQL's driver takes as it is (`get_db_prep_save` returns it
#: unchanged there): read straight from the instance, ~10× faster than Django's preparation.
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "DecimalField",
        "EmailField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)
#: callable defaults that give the same value to every row of one insert
_SHARED_DEFAULTS = (dict, list, str, timezone.now)


def _connection():
    return connections[DEFAULT_DB_ALIAS]  # not the proxy: it is read for every cell


def _is_plain(field) -> bool:
    return (
        field.get_internal_type() in _PLAIN_TYPES
        and not getattr(field, "auto_now", False)
        and not (getattr(field, "auto_now_add", False))
    )


def _cell_readers(fields, connection) -> list:
    readers = []
    for field in fields:
        if _is_plain(field):
            readers.append(operator.attrgetter(field.attname))
        else:
            readers.append(
                lambda obj, pre_save=field.pre_save, prepare=field.get_db_prep_save: prepare(
                    pre_save(obj, True), connection
                )
            )
    return readers


def _has_sequence(meta) -> bool:
    return meta.pk.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField")


def _reserve_ids(cursor, meta, count: int) -> list[int]:
    cursor.execute(
        "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [_sequence(cursor, meta), count]
    )
    return [pk for (pk,) in cursor.fetchall()]


_SEQUENCES: dict[tuple[str, str], str] = {}


def _sequence(cursor, meta) -> str:
    """The table's id sequence, looked up once per process: `pg_get_serial_sequence` is
    evaluated for every row of a `generate_series` (4.9 µs an id against 0.6 µs by name)."""
    key = (meta.db_table, meta.pk.column)
    if key not in _SEQUENCES:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", list(key))
        _SEQUENCES[key] = cursor.fetchone()[0]
    return _SEQUENCES[key]


def _copy(cursor, connection, meta, fields, rows) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    rows_copied.send(sender=meta.model, using=connection.alias)


def insert_many(model, objects: list) -> list:
    """`bulk_create` for big batches: on PostgreSQL, ids from the sequence then one COPY.

    The objects get their ids and are marked saved; auto_now(_add) dates are set as by `save`.
    """
    if not objects:
        return objects
    connection = _connection()
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    meta = model._meta
    if not _has_sequence(meta):  # the key is given (a one-to-one primary key)
        fields = list(meta.concrete_fields)
        readers = _cell_readers(fields, connection)
        with connection.cursor() as cursor:
            _copy(cursor, connection, meta, fields, ([read(obj) for read in readers] for obj in objects))
    else:
        fields = [field for field in meta.concrete_fields if not field.primary_key]
        readers = _cell_readers(fields, connection)
        with connection.cursor() as cursor:
            for obj, pk in zip(objects, _reserve_ids(cursor, meta, len(objects)), strict=True):
                obj.pk = pk
            _copy(
                cursor,
                connection,
                meta,
                [meta.pk, *fields],
                ([obj.pk, *(read(obj) for read in readers)] for obj in objects),
            )
    for obj in objects:
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
    return objects


def _restore_given_dates(model, given, rows, pks) -> None:
    """`bulk_create` stamps auto_now(_add) fields with now: put back the values the rows gave."""
    for index, field in enumerate(given):
        if not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
            continue
        by_value: dict = {}
        for pk, row in zip(pks, rows, strict=True):
            by_value.setdefault(row[index], []).append(pk)
        for value, same in by_value.items():
            for start in range(0, len(same), IDS_PER_UPDATE):
                model.objects.filter(pk__in=same[start : start + IDS_PER_UPDATE]).update(
                    **{field.attname: value}
                )


def insert_rows(model, columns: Sequence[str], rows: list[tuple], *, ids: bool = True) -> list[int]:
    """Insert plain rows (values of `columns`, attnames, as the database takes them); the ids, in order
    (`ids=False`: the database numbers the rows and nothing is returned, as for link tables).

    Every other column gets its field's default, computed once for the whole insert (auto_now
    and auto_now_add dates: now); a field whose default differs per row must be in `columns`.
    """
    if not rows:
        return []
    connection = _connection()
    meta = model._meta
    given = [meta.get_field(name) for name in columns]
    named = {field.attname for field in given}
    rest = [field for field in meta.concrete_fields if not field.primary_key and field.attname not in named]
    now = timezone.now()
    defaults = []
    for field in rest:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults.append(now)
        elif field.has_default() and callable(field.default) and field.default not in _SHARED_DEFAULTS:
            raise ValueError(f"{meta.label}.{field.name}: per-row default, give it in the columns")
        else:
            defaults.append(field.get_default())
    if connection.vendor != "postgresql":
        attnames = [field.attname for field in given + rest]
        objects = [model(**dict(zip(attnames, (*row, *defaults), strict=True))) for row in rows]
        created = [obj.pk for obj in model.objects.bulk_create(objects, batch_size=BATCH_SIZE)]
        _restore_given_dates(model, given, rows, created)
        return created if ids else []
    defaults = tuple(
        field.get_db_prep_save(value, connection) for field, value in zip(rest, defaults, strict=True)
    )
    with connection.cursor() as cursor:
        if not ids:
            _copy(cursor, connection, meta, [*given, *rest], ((*row, *defaults) for row in rows))
            return []
        reserved = _reserve_ids(cursor, meta, len(rows))
        _copy(
            cursor,
            connection,
            meta,
            [meta.pk, *given, *rest],
            ((pk, *row, *defaults) for pk, row in zip(reserved, rows, strict=True)),
        )
    return reserved
