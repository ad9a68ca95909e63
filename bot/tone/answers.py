"""An FAQ entry's answer as the messages a customer gets. Pure.

Used by the FAQ action and by ``frontline faq try``, so editors preview exactly
what customers see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.faq.schema import FaqEntry
from bot.tone.texts import BotTexts


@dataclass(frozen=True)
class Answer:
    """Markdown-lite messages, the entry's buttons, and whether a translation was missing."""

    messages: list[str]
    buttons: list[dict[str, str]]
    missing_translation: bool


def answer_messages(
    entry: FaqEntry, *, texts: BotTexts, channel: str | None, language: str
) -> Answer:
    """The entry's answer in ``language`` and the channel's register, split for the channel.

    An answer not written in ``language`` comes in the default language, after
    a note in the customer's language.
    """
    default = texts.default_language
    variants = entry.answer_in(language)
    note = ""
    if variants is None:
        variants = entry.answer_in(default) or {"formal": entry.answer[default]}
        note = texts.line("utter_translation_missing", channel=channel, language=language)
        note += "\n\n"
    links = "".join(
        f"\n\n[{link.label.get(language) or link.label[default]}]({link.url})"
        for link in entry.links
    )
    full = {register: note + text + links for register, text in variants.items()}
    buttons = [
        {"title": button.label.get(language) or button.label[default], "payload": button.payload}
        for button in entry.buttons
    ]
    return Answer(
        messages=texts.compose(full, channel=channel, language=language),
        buttons=buttons,
        missing_translation=bool(note),
    )


def choice_button(entry: FaqEntry, *, language: str, default: str) -> dict[str, str]:
    """A clarification's button for ``entry``: its question, and a click that picks it."""
    return {
        "title": entry.title(language, default),
        "payload": "/faq_choose" + json.dumps({"faq_id": entry.id}),
    }
