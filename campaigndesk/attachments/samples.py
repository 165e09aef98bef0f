"""Small generated images standing in for photos and scanned receipts in the demo data and the
tests' activity builder (no binary files in the repository)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def sample_image(
    *,
    label: str = "",
    colour: tuple[int, int, int] = (70, 130, 180),
    size: tuple[int, int] = (96, 72),
    fmt: str = "JPEG",
) -> io.BytesIO:
    """A plain picture with a few stripes (so thumbnails show something), as JPEG or PNG."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    width, height = size
    for index in range(0, width, 16):
        draw.rectangle((index, 0, index + 5, height), fill=(255, 255, 255))
    if label:
        draw.text((4, height // 2 - 6), label[:12], fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, fmt)
    out.seek(0)
    out.name = f"{label or 'sample'}.{'jpg' if fmt == 'JPEG' else fmt.lower()}"
    return out
