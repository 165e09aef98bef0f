"""Simplified Chinese is the default language: every text of the interface must have it."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[3] / "locale" / "zh_Hans" / "LC_MESSAGES"


def po_entries() -> list[str]:
    """The blocks of the .po file, header excluded."""
    blocks = LOCALE.joinpath("django.po").read_text(encoding="utf-8").split("\n\n")
    return [b for b in blocks[1:] if "msgid" in b and not b.lstrip().startswith("#~")]


def test_every_message_has_a_chinese_translation() -> None:
    untranslated = [
        block
        for block in po_entries()
        if "#, fuzzy" in block or re.search(r'msgstr(\[0\])? ""\n?$', block.strip() + "\n")
    ]
    assert untranslated == []


def test_compiled_catalogue_is_up_to_date() -> None:
    """`make messages` was run after the last edit of the .po: the .mo has every entry."""
    with LOCALE.joinpath("django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    compiled = catalogue._catalog  # type: ignore[attr-defined]
    ids = {key[0] if isinstance(key, tuple) else key for key in compiled if key}
    assert len(ids) == len(po_entries())
