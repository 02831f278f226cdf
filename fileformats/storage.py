"""Files behind Django's storage API, so that every host reads what any other host wrote.

`settings.STORAGES` names one storage per kind of file ("default" media, "private", "releases",
"reports"): an S3 bucket prefix in production, a folder under SIRANO_VAR_DIR for the demo. Code
asks `storages[alias]` and never builds a path; local disk only holds temporary files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.core.files.storage import storages as _storages
from django.utils.functional import cached_property


class SettingRootStorage(FileSystemStorage):
    """A local folder named by a setting (`PRIVATE_STORAGE_ROOT`…), read when first used and again
    whenever that setting changes, so tests and the demo can move it. Never served by URL: these
    files leave the server only through views that check access first."""

    def __init__(self, *, root_setting: str, **kwargs) -> None:
        self.root_setting = root_setting
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        return getattr(settings, self.root_setting)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == self.root_setting:
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError(f"{self.root_setting}: private files have no URL; stream them through a view.")

    def _save(self, name, content):
        """Overwritable names (the `latest` release pointer) are replaced in one rename, so a reader
        on any process sees the old content or the new one, never a half-written file."""
        if not self._allow_overwrite:
            return super()._save(name, content)
        full_path = Path(self.path(name))
        full_path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=full_path.parent, prefix=".writing-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
            if self.file_permissions_mode is not None:
                os.chmod(tmp, self.file_permissions_mode)
            os.replace(tmp, full_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return str(name).replace("\\", "/")


def storage(alias: str) -> Storage:
    """The configured storage `alias` (see `settings.STORAGES`)."""
    return _storages[alias]


def walk(store: Storage, prefix: str = "") -> Iterator[str]:
    """Every file name under `prefix`, sorted, on any backend (S3 lists by prefix and delimiter)."""
    try:
        directories, files = store.listdir(prefix)
    except FileNotFoundError:
        return
    base = f"{prefix.rstrip('/')}/" if prefix else ""
    for name in sorted(files):
        yield f"{base}{name}"
    for directory in sorted(directories):
        yield from walk(store, f"{base}{directory}")


@contextlib.contextmanager
def local_copy(store: Storage, name: str, *, suffix: str = "") -> Iterator[Path]:
    """A temporary local copy of a stored file, for parsers that need a real path; removed after.

    A missing stored file gives a path that does not exist: the parser then refuses it with its
    own French message, as it refuses any unreadable file."""
    with tempfile.TemporaryDirectory(prefix="sirano-") as folder:
        target = Path(folder) / f"copy{suffix}"
        try:
            with store.open(name, "rb") as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
        except FileNotFoundError:
            target.unlink(missing_ok=True)
        yield target


def delete_quietly(store: Storage, name: str) -> None:
    """Remove a stored file if it is there (a retried clean-up is not an error)."""
    with contextlib.suppress(FileNotFoundError):
        store.delete(name)
