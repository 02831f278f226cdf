"""A release is all or nothing: a failure at any step (a file, the progress callback, the move of
`latest`) leaves neither a partial release nor a visible one, and `latest` unchanged."""

from __future__ import annotations

import pytest

from opendata import releases

pytestmark = pytest.mark.django_db


def _entries(root):
    """Every file under the releases folder (no partial release, no temporary file left)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def test_progress_is_reported_per_file_without_changing_the_files(releases_root, project_a):
    calls = []
    release = releases.publish_release(progress=lambda done, total: calls.append((done, total)))
    total = len(releases.RELEASE_FILES)
    assert calls == [(n, total) for n in range(1, total + 1)]
    assert [f.name for f in release.files] == list(releases.RELEASE_FILES)


def test_failure_while_writing_leaves_nothing(releases_root, project_a):
    first = releases.publish_release()
    before = _entries(releases_root)

    def explode(done, total):
        if done == 3:
            raise RuntimeError("disque plein")

    with pytest.raises(RuntimeError):
        releases.publish_release(progress=explode)
    assert _entries(releases_root) == before
    assert releases.latest_name() == first.name


def test_failure_when_moving_latest_removes_the_new_release(releases_root, project_a, monkeypatch):
    first = releases.publish_release()
    before = _entries(releases_root)

    def broken(name):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(releases, "_point_latest", broken)
    with pytest.raises(OSError):
        releases.publish_release()
    assert _entries(releases_root) == before  # no complete-but-unannounced release left behind
    assert releases.latest_name() == first.name
    assert [r.name for r in releases.list_releases()] == [first.name]
