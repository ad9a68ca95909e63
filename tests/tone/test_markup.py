from __future__ import annotations

import re

import pytest

from bot.tone.markup import (
    Span,
    parse,
    split,
    to_plain,
    to_slack_mrkdwn,
    to_telegram_html,
    utf16_length,
    visible,
)


def test_parse_finds_bold_and_links_and_keeps_everything_else_literal() -> None:
    spans = parse("Go to **My account** or [help](https://x.example/h?a=1&b=2) <now> * ok")
    assert spans == [
        Span("Go to "),
        Span("My account", bold=True),
        Span(" or "),
        Span("help", url="https://x.example/h?a=1&b=2"),
        Span(" <now> * ok"),
    ]


def test_only_http_links_are_links() -> None:
    assert parse("[click](javascript:alert(1))") == [Span("[click](javascript:alert(1))")]


def test_telegram_html_escapes_text_and_attributes() -> None:
    html = to_telegram_html(parse('**<b>&**</b> [x"y](https://e.example/?q="1"&r=2)'))
    assert html == (
        "<b>&lt;b&gt;&amp;</b>&lt;/b&gt; "
        '<a href="https://e.example/?q=&quot;1&quot;&amp;r=2">x"y</a>'
    )


def test_slack_mrkdwn_escapes_control_characters_and_mentions() -> None:
    text = to_slack_mrkdwn(parse("**Hi** <@U123> & <!channel> [a|b](https://e.example/x)"))
    assert text == "*Hi* &lt;@U123&gt; &amp; &lt;!channel&gt; <https://e.example/x|a¦b>"


def test_plain_shows_link_targets() -> None:
    assert to_plain(parse("see [terms](https://e.example/t)")) == "see terms (https://e.example/t)"


@pytest.mark.parametrize("limit", [40, 100, 333])
def test_split_respects_the_limit_and_loses_no_words(limit: int) -> None:
    text = "\n\n".join(
        f"Sentence number {i} is **bold here** and has [a link](https://e.example/{i}). " * 3
        for i in range(10)
    )
    chunks = split(parse(text), limit)
    assert all(len(visible(c)) <= limit for c in chunks)
    assert " ".join(visible(c) for c in chunks).split() == visible(parse(text)).split()


def test_split_prefers_paragraphs_then_sentences_and_never_cuts_a_link() -> None:
    text = "First paragraph here.\n\nSecond one. It has two sentences."
    assert [visible(c) for c in split(parse(text), 30)] == [
        "First paragraph here.",
        "Second one.",
        "It has two sentences.",
    ]
    linked = parse("aaaa [a long link label](https://e.example) bbbb")
    for chunk in split(linked, 22):
        for span in chunk:
            if span.url:
                assert span.text == "a long link label"


def test_split_counts_utf16_units_for_telegram() -> None:
    text = "😀" * 3000  # 2 UTF-16 units each
    chunks = split(parse(text), 4096, measure=utf16_length)
    assert [utf16_length(visible(c)) for c in chunks] == [4096, 1904]


def test_rendered_chunks_have_balanced_markup() -> None:
    text = ("Some **bold words here** and more text. " * 200).strip()
    for chunk in split(parse(text), 500):
        html = to_telegram_html(chunk)
        assert html.count("<b>") == html.count("</b>")
        assert not re.search(r"<b>\s*</b>", html)
