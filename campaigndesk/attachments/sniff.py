"""What a file really is, from its first bytes and its structure — never from its name or the
type the client claims. Only the types on the allow-list pass; everything else (HTML, SVG,
scripts, executables, a `.jpg` that is really HTML, a truncated image) is refused."""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageFile, UnidentifiedImageError

# Decompression bombs: an image claiming more pixels than this is refused outright (Pillow
# raises DecompressionBombError above twice this, and warns above it; both refuse here).
Image.MAX_IMAGE_PIXELS = 40_000_000


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str
    is_image: bool


JPEG = Sniffed("image/jpeg", "jpg", True)
PNG = Sniffed("image/png", "png", True)
WEBP = Sniffed("image/webp", "webp", True)
GIF = Sniffed("image/gif", "gif", True)
PDF = Sniffed("application/pdf", "pdf", False)
OOXML = {
    "word/": Sniffed(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", False
    ),
    "xl/": Sniffed(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", False
    ),
    "ppt/": Sniffed(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", False
    ),
}
PILLOW_FORMATS = {"JPEG": JPEG, "PNG": PNG, "WEBP": WEBP, "GIF": GIF}


class Refused(ValueError):
    """The content is not an allowed file; the message says why, in the user's language."""


def _magic(head: bytes) -> Sniffed | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return OOXML["word/"]  # refined by _office below
    return None


def _image(file: IO[bytes], expected: Sniffed) -> Sniffed:
    """A whole, decodable image of the type its magic bytes say."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                found = PILLOW_FORMATS.get(image.format or "")
                if found != expected:
                    raise Refused(_("The image's content does not match its type."))
                # load() decodes every pixel of the first frame: a truncated file fails here.
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise Refused(_("The image is too large in pixels.")) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise Refused(_("The image is damaged or incomplete.")) from error
    return expected


def _office(file: IO[bytes]) -> Sniffed:
    """An Office Open XML document: a zip holding [Content_Types].xml and the part folder of
    Word, Excel or PowerPoint."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise Refused(_("The document is damaged or incomplete.")) from error
    if "[Content_Types].xml" not in names:
        raise Refused(_("This type of file is not accepted."))
    for prefix, sniffed in OOXML.items():
        if any(name.startswith(prefix) for name in names):
            return sniffed
    raise Refused(_("This type of file is not accepted."))


def sniff(file: IO[bytes]) -> Sniffed:
    """The allowed type of `file` (a seekable binary file), or `Refused`."""
    file.seek(0)
    head = file.read(64)
    found = _magic(head)
    if found is None:
        raise Refused(
            _(
                "This type of file is not accepted: send a photo (JPEG, PNG, WebP, GIF), a PDF "
                "or an Office document (Word, Excel, PowerPoint)."
            )
        )
    if found.is_image:
        return _image(file, found)
    if found is PDF:
        return PDF
    return _office(file)


# Pillow must not quietly accept a truncated image as complete.
ImageFile.LOAD_TRUNCATED_IMAGES = False
