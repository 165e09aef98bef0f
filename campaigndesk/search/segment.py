"""Word segmentation for the index and the queries: Chinese has no spaces between words.

jieba's search mode (`cut_for_search`) gives the words of a text and, for long words, the shorter
words inside them too (心脑血管 → 心脑, 血管, 脑血管, 心脑血管), so a query of any of them finds the
text. Documents and queries go through the same function: NFKC-normalised (full-width ＲＯＩ is
ROI), lower-cased so that English matches whatever its case, and each word reduced to its runs of
letters and digits (3.5 → 3, 5; punctuation and spaces dropped). Plain words are read alike by
SQLite's FTS5 tokenizer and PostgreSQL's parser, so both find the same documents.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

import jieba

# A query of more words than this is cut short: every word must match anyway.
MAX_QUERY_TOKENS = 32

_WORD = re.compile(r"[^\W_]+")
_BLOCK = jieba.re_han_default  # what jieba.cut splits a text into before cutting each part
CACHED_BLOCK = 64  # longer runs (rare: Chinese clauses end in punctuation) are cut uncached
_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def _jieba() -> jieba.Tokenizer:
    """The tokenizer, its dictionary loaded on first use (about half a second, then cached)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


def tokens(text: str) -> list[str]:
    """The words of `text` in order, lower-cased, repeats kept (they weigh in the ranking)."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text)
    # jieba cuts each run of its block pattern apart anyway (and the text between runs character
    # by character): cutting run by run gives the same words, and the runs repeat — titles,
    # stock phrases, a briefing made of a month's reports — so each is cut once per process.
    words: list[str] = []
    for block in _BLOCK.split(text):
        if block:
            words.extend(_block_tokens(block) if len(block) <= CACHED_BLOCK else _cut(block))
    return words


def _cut(block: str) -> tuple[str, ...]:
    return tuple(
        part.lower() for word in _jieba().cut_for_search(block) for part in _WORD.findall(word)
    )


_block_tokens = lru_cache(maxsize=20_000)(_cut)


def segmented(text: str) -> str:
    """What the index stores: the words of `text` joined by spaces."""
    return " ".join(tokens(text))


def query_tokens(query: str) -> list[str]:
    """The distinct words of a query, in order, at most `MAX_QUERY_TOKENS`."""
    return list(dict.fromkeys(tokens(query)))[:MAX_QUERY_TOKENS]
