"""Segmentation and snippets, without the database."""

from __future__ import annotations

import re

from campaigndesk.search.highlight import SNIPPET_CHARS, marked, snippet
from campaigndesk.search.segment import query_tokens, segmented


def visible(html: str) -> str:
    """The text a reader sees: tags removed, entities as one character each."""
    return re.sub(r"&[a-z#0-9]+;", "x", re.sub(r"</?mark>", "", html))


def test_chinese_is_cut_into_words_and_english_lower_cased() -> None:
    assert segmented("竞品在门口发放赠品") == "竞品 在 门口 发放 赠品"
    assert segmented("Free SAMPLES, 免费!") == "free samples 免费"
    # Search mode also gives the words inside a long one.
    assert set(segmented("心脑血管").split()) >= {"血管", "脑血管", "心脑血管"}
    assert query_tokens("竞品赠品 赠品") == ["竞品", "赠品"]
    assert query_tokens(" ,。!") == []


def test_the_matched_words_are_marked_and_the_rest_escaped() -> None:
    html = snippet("<script>alert(1)</script> 竞品在门口发放赠品 & more", ["竞品", "赠品"])
    assert html == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>竞品</mark>在门口发放<mark>赠品</mark> "
        "&amp; more"
    )


def test_a_marked_word_is_escaped_too_and_case_is_kept() -> None:
    assert snippet("Use <b>FREE</b> samples", ["free", "b"]) == (
        "Use &lt;<mark>b</mark>&gt;<mark>FREE</mark>&lt;/<mark>b</mark>&gt; samples"
    )


def test_the_longest_word_is_marked_whole() -> None:
    assert (
        snippet("预防心脑血管疾病", ["心脑", "血管", "心脑血管"]) == "预防<mark>心脑血管</mark>疾病"
    )


def test_a_long_text_is_cut_around_the_first_match() -> None:
    text = "开场" * 200 + "竞品赠品" + "收尾" * 200
    html = snippet(text, ["赠品"])
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>赠品</mark>" in html
    assert len(visible(html)) <= SNIPPET_CHARS
    # Some context before the match, more after it.
    before, after = visible(html).split("赠品")
    assert 20 < len(before) < len(after)


def test_a_match_near_the_start_keeps_the_start() -> None:
    html = snippet("赠品" + "收尾" * 200, ["赠品"])
    assert html.startswith("<mark>赠品</mark>") and html.endswith("…")
    assert len(visible(html)) <= SNIPPET_CHARS


def test_no_match_in_the_text_gives_its_beginning() -> None:
    html = snippet("甲\n\n乙   丙" + "丁" * 300, ["戊"])
    assert html.startswith("甲 乙 丙丁")
    assert len(visible(html)) <= SNIPPET_CHARS
    assert "<mark>" not in html


def test_a_title_is_marked_whole_however_long() -> None:
    title = "甲" * 200 + "<赠品>"
    assert marked(title, ["赠品"]) == "甲" * 200 + "&lt;<mark>赠品</mark>&gt;"
