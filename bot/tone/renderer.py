"""The one renderer every outgoing text passes through. Pure.

Two steps, because they happen in two places:

1. :func:`compose` (in the action server and Rasa's NLG): picks the register the
   profile asks for, fills placeholders (tone phrases, values, Babel-formatted
   amounts and dates), removes what the profile forbids (emoji, ``!``), and
   splits a long answer into messages of at most ``max_chars``.
2. :func:`to_dialect` (in each channel's output): markdown-lite to the
   platform's markup, escaped.

:func:`render` does both: what a customer on that channel sees.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation

from bot.locale.format import clock, day, money, number
from bot.tone.markup import (
    parse,
    split,
    to_markdown,
    to_plain,
    to_slack_mrkdwn,
    to_telegram_html,
)
from bot.tone.profiles import ToneProfile

PLACEHOLDER = re.compile(r"\{([a-z_]+)(?: ([^{}\n]+))?\}")
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U00002b00-\U00002bff"
    "\U0001f1e6-\U0001f1ff\ufe0f\u200d\u20e3]"
)
_EXCLAMATION = re.compile(r"\s?!+(?=\s|$|[)\"'»”])")


def pick(text: str | Mapping[str, str], profile: ToneProfile) -> str:
    """The variant of ``text`` for the profile's register."""
    if isinstance(text, str):
        return text
    return text.get(profile.register) or next(iter(text.values()))


def fill(text: str, profile: ToneProfile, values: Mapping[str, object]) -> str:
    """Replace ``{name}`` and ``{money 4.95 EUR}``-style placeholders; leave unknown ones."""

    def replace(match: re.Match[str]) -> str:
        name, argument = match.group(1), match.group(2)
        if argument is None:
            if name in values:
                value = values[name]
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    return number(value, profile.language)
                return str(value)
            if name in profile.phrases:
                return profile.phrases[name]
            return match.group(0)
        formatted = format_token(name, argument, profile.language)
        return match.group(0) if formatted is None else formatted

    return PLACEHOLDER.sub(replace, text)


def format_token(kind: str, argument: str, locale: str) -> str | None:
    """``money 4.95 EUR``, ``number 2000``, ``date 2026-12-24``, ``time 18:00`` for ``locale``."""
    try:
        if kind == "money":
            amount, currency = argument.split()
            return money(Decimal(amount), currency, locale)
        if kind == "number":
            return number(Decimal(argument), locale)
        if kind == "date":
            return day(date.fromisoformat(argument), locale)
        if kind == "time":
            return clock(time.fromisoformat(argument), locale)
    except (ValueError, InvalidOperation):
        return None
    return None


def soften(text: str, profile: ToneProfile) -> str:
    """Remove emoji and exclamation marks where the profile forbids them."""
    if not profile.emoji:
        text = re.sub(r"[ \t]{2,}", " ", EMOJI.sub("", text)).replace(" \n", "\n").strip()
    if not profile.exclamations:
        text = _EXCLAMATION.sub(".", text.replace("¡", ""))
        text = text.replace(".?", "?").replace("..", ".")
    return text


def compose(
    text: str | Mapping[str, str],
    profile: ToneProfile,
    *,
    values: Mapping[str, object] | None = None,
) -> list[str]:
    """Markdown-lite messages for ``profile``: register, placeholders, policy, length."""
    body = soften(fill(pick(text, profile), profile, values or {}), profile)
    parts = split(parse(body), profile.max_chars)
    return [to_markdown(part) for part in parts] or [""]


def to_dialect(text: str, markup: str) -> str:
    """One markdown-lite message in a channel's markup."""
    spans = parse(text)
    if markup == "telegram-html":
        return to_telegram_html(spans)
    if markup == "slack-mrkdwn":
        return to_slack_mrkdwn(spans)
    return text


def render(
    text: str | Mapping[str, str],
    profile: ToneProfile,
    *,
    values: Mapping[str, object] | None = None,
) -> list[str]:
    """Exactly what a customer on the profile's channel sees, message by message."""
    return [to_dialect(part, profile.markup) for part in compose(text, profile, values=values)]


def plain(text: str) -> str:
    """A markdown-lite message without markup (for logs and text-only previews)."""
    return to_plain(parse(text))
