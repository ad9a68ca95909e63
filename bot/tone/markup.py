"""Markdown-lite, the markup of every bot text, and its renderings per platform.

Bot texts (FAQ answers, domain responses) use a small, safe subset: ``**bold**``,
``[label](https://url)`` and line breaks. Everything else is literal text. A text
is parsed into spans once, split to a platform's length limit on word, sentence or
paragraph boundaries (never inside a span's markup), and rendered with the
platform's escaping, so customer-visible text can never inject markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

_TOKEN = re.compile(r"\*\*(?P<bold>.+?)\*\*|\[(?P<label>[^\]\n]+)\]\((?P<url>https?://[^)\s]+)\)")


@dataclass(frozen=True)
class Span:
    """A run of text with one style: plain, bold, or a link."""

    text: str
    bold: bool = False
    url: str | None = None


def parse(text: str) -> list[Span]:
    """Split markdown-lite into spans; anything that is not markup stays literal."""
    spans: list[Span] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            spans.append(Span(text[position : match.start()]))
        if match.group("bold") is not None:
            spans.append(Span(match.group("bold"), bold=True))
        else:
            spans.append(Span(match.group("label"), url=match.group("url")))
        position = match.end()
    if position < len(text):
        spans.append(Span(text[position:]))
    return spans


def visible(spans: list[Span]) -> str:
    """The text a reader sees, without markup."""
    return "".join(span.text for span in spans)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the way Telegram counts its limits."""
    return len(text.encode("utf-16-le")) // 2


_BREAKS = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?])\s+"),
    re.compile(r"\s+"),
)


def split(
    spans: list[Span], limit: int, *, measure: Callable[[str], int] = len
) -> list[list[Span]]:
    """Cut ``spans`` into chunks whose visible text is at most ``limit`` long.

    Cuts prefer a paragraph break, then a line break, then a sentence end, then
    a space, and never fall inside a link. Whitespace at a cut is dropped.
    ``measure`` must be additive over characters (``len``, ``utf16_length``).
    """
    text = visible(spans)
    protected = _link_ranges(spans)
    chunks: list[list[Span]] = []
    start = 0
    while start < len(text):
        while start < len(text) and text[start].isspace():
            start += 1
        if start >= len(text):
            break
        if measure(text[start:]) <= limit:
            chunks.append(_strip_tail(_slice(spans, start, len(text))))
            break
        end = _cut(text, start, limit, measure, protected)
        chunk = _slice(spans, start, end)
        if visible(chunk).strip():
            chunks.append(_strip_tail(chunk))
        start = end
    return chunks


def _cut(
    text: str,
    start: int,
    limit: int,
    measure: Callable[[str], int],
    protected: list[tuple[int, int]],
) -> int:
    hard, used = start, 0
    while hard < len(text) and used + measure(text[hard]) <= limit:
        used += measure(text[hard])
        hard += 1
    window = text[start:hard]
    # A coarse break (paragraph, line, sentence) is worth it only past the first quarter of
    # the window; earlier, it would leave a stub of a message.
    for minimum in (len(window) // 4, 1):
        for pattern in _BREAKS:
            cuts = [start + m.start() for m in pattern.finditer(window) if m.start() >= minimum]
            cuts = [c for c in cuts if not any(a < c < b for a, b in protected)]
            if cuts:
                return cuts[-1]
    return hard  # one unbroken run longer than the limit: cut it where it must be


def _link_ranges(spans: list[Span]) -> list[tuple[int, int]]:
    ranges, offset = [], 0
    for span in spans:
        if span.url is not None:
            ranges.append((offset, offset + len(span.text)))
        offset += len(span.text)
    return ranges


def _slice(spans: list[Span], start: int, end: int) -> list[Span]:
    out, offset = [], 0
    for span in spans:
        a, b = offset, offset + len(span.text)
        offset = b
        lo, hi = max(a, start), min(b, end)
        if lo < hi:
            out.append(replace(span, text=span.text[lo - a : hi - a]))
    return out


def _strip_tail(spans: list[Span]) -> list[Span]:
    if spans and spans[-1].url is None:
        spans[-1] = replace(spans[-1], text=spans[-1].text.rstrip())
    return [span for span in spans if span.text]


def to_telegram_html(spans: list[Span]) -> str:
    """Telegram's HTML parse mode: only ``<b>`` and ``<a>``, everything else escaped."""
    parts = []
    for span in spans:
        body = html.escape(span.text, quote=False)
        if span.url is not None:
            body = f'<a href="{html.escape(span.url, quote=True)}">{body}</a>'
        if span.bold:
            body = f"<b>{body}</b>"
        parts.append(body)
    return "".join(parts)


def slack_escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_slack_mrkdwn(spans: list[Span]) -> str:
    """Slack mrkdwn: ``*bold*`` and ``<url|label>``, with ``& < >`` escaped."""
    parts = []
    for span in spans:
        body = slack_escape(span.text)
        if span.url is not None:
            body = f"<{slack_escape(span.url)}|{body.replace('|', '¦')}>"
        if span.bold and body.strip():
            body = f"*{body}*"
        parts.append(body)
    return "".join(parts)


def to_plain(spans: list[Span]) -> str:
    """Plain text: links become ``label (url)``."""
    return "".join(
        f"{span.text} ({span.url})" if span.url is not None else span.text for span in spans
    )


def to_markdown(spans: list[Span]) -> str:
    """Markdown-lite again: the inverse of :func:`parse`."""
    out = []
    for span in spans:
        body = span.text
        if span.url is not None:
            body = f"[{body}]({span.url})"
        if span.bold and body.strip():
            body = f"**{body}**"
        out.append(body)
    return "".join(out).strip()
