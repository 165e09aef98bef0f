"""Snippets: the stretch of a document's text around the first match, matched words marked."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

SNIPPET_CHARS = 160
ELLIPSIS = "…"


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    # Longest first, so that 心脑血管 is marked whole rather than as 心脑 + 血管.
    words = sorted({t for t in terms if t}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def _window(length: int, first: int, width: int) -> tuple[int, int]:
    """`[start, end)` of at most `width` characters, ellipses included, a quarter of it before
    the first match at `first`."""
    if length <= width:
        return 0, length
    room = width - 2 * len(ELLIPSIS)
    start = max(0, first - room // 4)
    end = min(length, start + room)
    return max(0, end - room), end


def _marked(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    pairs: list[tuple[str, str]] = []
    position = 0
    for match in pattern.finditer(text) if pattern else ():
        pairs.append((text[position : match.start()], match.group()))
        position = match.end()
    return format_html("{}{}", format_html_join("", "{}<mark>{}</mark>", pairs), text[position:])


def marked(text: str, terms: Sequence[str]) -> SafeString:
    """All of `text`, every occurrence of `terms` wrapped in `<mark>`, the rest HTML-escaped."""
    return _marked(text, _pattern(terms))


def snippet(text: str, terms: Sequence[str], *, width: int = SNIPPET_CHARS) -> SafeString:
    """At most `width` characters of `text` (whitespace collapsed) around the first of `terms`,
    every occurrence in it wrapped in `<mark>`; all else HTML-escaped."""
    text = " ".join(text.split())
    pattern = _pattern(terms)
    first = pattern.search(text) if pattern else None
    start, end = _window(len(text), first.start() if first else 0, width)
    return format_html(
        "{}{}{}",
        ELLIPSIS if start > 0 else "",
        _marked(text[start:end].strip(), pattern),
        ELLIPSIS if end < len(text) else "",
    )
