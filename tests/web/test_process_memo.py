"""Reads kept in the process per version (`web.process_memo`): past the bound, the least recently
used entries go first, never the whole table at once."""

from __future__ import annotations

from web import process_memo


def test_a_full_table_drops_the_least_recently_used_entry_only(monkeypatch):
    monkeypatch.setattr(process_memo, "_kept", type(process_memo._kept)())
    reads = []

    def read(name):
        reads.append(name)
        return name

    kept = lambda name: process_memo.under_version("test", (name,), "token", lambda: read(name))  # noqa: E731
    kept("facet counts")
    for number in range(process_memo._MAX_KEPT - 1):
        kept(number)
    kept("facet counts")  # used again: now the most recent
    kept("one more")  # the table is full: the least recently used (0) goes
    assert len(process_memo._kept) == process_memo._MAX_KEPT
    reads.clear()
    kept("facet counts")
    kept(1)
    assert reads == []  # still kept
    kept(0)
    assert reads == [0]  # dropped, read again
