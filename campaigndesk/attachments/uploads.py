"""Reading an upload without taking in more than the size limit: a request announcing a larger
body is refused before its body is read; a body sent without a length (chunked) is cut off by
an upload handler as soon as a file passes the limit."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError

from campaigndesk.attachments.services import max_bytes, too_large_message
from campaigndesk.core.errors import ValidationFailed

# Room for the other form fields and the multipart boundaries around the file.
ENVELOPE = 64 * 1024


class SizeLimit(FileUploadHandler):
    """Stops the upload once a file grows past the limit (the next handlers store the rest)."""

    def __init__(self, request: HttpRequest | None = None, limit: int = 0) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        return None


def guard_upload(request: HttpRequest) -> SizeLimit | None:
    """Refuses a body announced larger than the limit and puts the size guard in front of the
    upload handlers; call it before anything reads the body (CSRF's check does)."""
    limit = max_bytes()
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > limit + ENVELOPE:
        raise ValidationFailed({"file": too_large_message()}, too_large_message())
    if hasattr(request, "_files"):
        return None  # already read: the service's size check still applies
    guard = SizeLimit(request, limit)
    request.upload_handlers = [guard, *request.upload_handlers]
    return guard


def read_upload(
    request: HttpRequest, guard: SizeLimit | None = None
) -> tuple[UploadedFile | None, dict[str, str]]:
    """The uploaded `file` and the other form fields; `ValidationFailed` on the file field when
    it is too large."""
    if guard is None:
        guard = guard_upload(request)
    try:
        files = request.FILES
        fields = {key: request.POST.get(key, "") for key in request.POST}
    except MultiPartParserError as error:
        raise ValidationFailed({"file": str(error)}) from error
    if guard is not None and guard.exceeded:
        raise ValidationFailed({"file": too_large_message()}, too_large_message())
    return files.get("file"), fields
