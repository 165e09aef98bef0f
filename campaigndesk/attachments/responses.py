"""The file responses of the API and the pages: streamed from storage, never sniffed by the
browser, never cached by a shared cache."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse

from campaigndesk.attachments.models import Attachment


def _disposition(kind: str, name: str) -> str:
    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_response(attachment: Attachment) -> FileResponse:
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = _disposition("attachment", attachment.name)
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


def thumbnail_response(attachment: Attachment) -> FileResponse:
    response = FileResponse(attachment.thumbnail.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = _disposition("inline", f"{attachment.pk}-thumbnail.jpg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
