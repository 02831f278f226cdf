"""Django's database cache with a store that costs one statement instead of five.

`CACHE_URL=db://` (no Redis) keeps every cache alias in a table. Django's `DatabaseCache.set`
counts the whole table, then opens a transaction to read the key, update or insert it, and
commit: five round trips on every stored page, the `COUNT(*)` growing with the table (40,000
project pages). Here `set` is one `INSERT … ON CONFLICT (cache_key) DO UPDATE` (PostgreSQL, and
SQLite since 3.24), atomic on its own; the table is counted (and culled, as Django does) on the
first store and then once every `MAX_ENTRIES // 100` stores of this process, at most every 100:
between two counts a table may pass its bound by that many entries per worker. `add`, `touch`,
reads and deletes are Django's.
"""

from __future__ import annotations

import base64
import pickle
from contextlib import nullcontext
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

#: most stores between two counts of a table
MOST_STORES_BETWEEN_COUNTS = 100


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._count_every = max(1, min(MOST_STORES_BETWEEN_COUNTS, self._max_entries // 100))
        self._stores = 0

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        key_column, value_column, expires_column = (quote_name(c) for c in ("cache_key", "value", "expires"))
        with connection.cursor() as cursor:
            if self._stores % self._count_every == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (quoted names from settings)
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
            self._stores += 1
            # inside a transaction, a savepoint keeps a failed store from breaking it
            guard = transaction.atomic(using=db) if connection.in_atomic_block else nullcontext()
            try:
                with guard:
                    cursor.execute(
                        f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "  # noqa: S608
                        f"VALUES (%s, %s, %s) ON CONFLICT ({key_column}) DO UPDATE SET "
                        f"{value_column} = EXCLUDED.{value_column}, "
                        f"{expires_column} = EXCLUDED.{expires_column}",
                        [key, encoded, expires],
                    )
            except DatabaseError:
                pass  # as Django's: a store that fails (a lock, the table being culled) is no error
