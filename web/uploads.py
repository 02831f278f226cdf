"""Keep each uploaded file's name as the client sent it, so a forged path is refused, not renamed.

Django strips directories from upload names while parsing (`../../x.pdf` becomes `x.pdf`).
This handler runs the same parser with a hook that records the raw name, and sets it on each
`UploadedFile` as `raw_name`; `workflows.documents.inspect_upload` refuses names with a path.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser


class _RawNameParser(MultiPartParser):
    raw_file_name: str | None = None

    def sanitize_file_name(self, file_name):
        self.raw_file_name = file_name
        return super().sanitize_file_name(file_name)


class RawNameUploadHandler(FileUploadHandler):
    """First handler of `FILE_UPLOAD_HANDLERS`; passes data through untouched."""

    def __init__(self, request=None):
        super().__init__(request)
        self._parsing = False
        self._parser: _RawNameParser | None = None
        self._raw_names: dict[str, list[str]] = {}

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if self._parsing or self.request is None:
            return None
        self._parsing = True
        self._parser = _RawNameParser(META, input_data, self.request.upload_handlers, encoding)
        return self._parser.parse()

    def new_file(self, field_name, file_name, *args, **kwargs):
        raw = self._parser.raw_file_name if self._parser is not None else file_name
        self._raw_names.setdefault(field_name, []).append(raw or file_name)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None

    def upload_complete(self):
        if self._parser is None:
            return
        for field_name, files in self._parser._files.lists():
            for uploaded, raw in zip(files, self._raw_names.get(field_name, []), strict=False):
                uploaded.raw_name = raw
