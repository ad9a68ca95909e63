"""The bot's voice in one turn: catalog texts and FAQ answers as :class:`BotMessage`s, in
the conversation's language and the channel's tone. Pure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from bot.faq.schema import FaqEntry
from bot.tone.answers import Answer, answer_messages, choice_button
from bot.tone.texts import BotTexts
from bot.turn.reply import BotMessage

PERSON_PAYLOAD = "/request_human"
NONE_PAYLOAD = "/faq_none"


@dataclass(frozen=True)
class Voice:
    texts: BotTexts
    channel: str
    language: str

    def say(
        self,
        key: str,
        kind: str,
        *,
        buttons: tuple[dict[str, str], ...] = (),
        entry: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> list[BotMessage]:
        """Catalog text ``key`` with its placeholders' ``values``; a long text becomes
        several messages, the buttons on the last."""
        parts = self.texts.say(
            key, channel=self.channel, language=self.language, **dict(values or {})
        )
        return _messages(parts, kind, buttons, entry)

    def button(self, key: str, payload: str) -> dict[str, str]:
        title = self.texts.line(key, channel=self.channel, language=self.language)
        return {"title": title, "payload": payload}

    def person_button(self) -> dict[str, str]:
        return self.button("utter_button_talk_to_person", PERSON_PAYLOAD)

    def answer(
        self, entry: FaqEntry, *, person_buttons: bool = True
    ) -> tuple[list[BotMessage], Answer]:
        """The entry's answer. ``person_buttons=False`` drops its "talk to a person"
        buttons (the team already has the conversation)."""
        answer = answer_messages(
            entry, texts=self.texts, channel=self.channel, language=self.language
        )
        buttons = tuple(
            button
            for button in answer.buttons
            if person_buttons or button["payload"] != PERSON_PAYLOAD
        )
        return _messages(answer.messages, "answer", buttons, entry.id), answer

    def clarify(self, entries: tuple[FaqEntry, ...]) -> list[BotMessage]:
        """Which of ``entries`` was meant, as buttons, and "None of these" last."""
        default = self.texts.default_language
        choices = [choice_button(e, language=self.language, default=default) for e in entries]
        choices.append(self.button("utter_button_none_of_these", NONE_PAYLOAD))
        return self.say("utter_faq_clarify", "clarify", buttons=tuple(choices))

    def language_menu(self) -> list[BotMessage]:
        from bot.locale.format import autonym

        buttons = tuple(
            {
                "title": autonym(code),
                "payload": "/choose_language" + json.dumps({"requested_language": code}),
            }
            for code in self.texts.languages
        )
        return self.say("utter_language_menu", "language", buttons=buttons)

    def crisis(
        self, text: str | Mapping[str, str], kind: str, *, buttons: tuple[dict[str, str], ...] = ()
    ) -> list[BotMessage]:
        """A text in the crisis voice (``tone.yml``'s overlay), the buttons on the last part."""
        parts = self.texts.crisis(text, channel=self.channel, language=self.language)
        return _messages(parts, kind, buttons, None)

    def crisis_say(
        self, key: str, kind: str, *, buttons: tuple[dict[str, str], ...] = ()
    ) -> list[BotMessage]:
        return self.crisis(
            self.texts.crisis_text(key, language=self.language), kind, buttons=buttons
        )

    def crisis_button(self, key: str, payload: str) -> dict[str, str]:
        [title] = [m.text for m in self.crisis_say(key, "button")][:1]
        return {"title": title, "payload": payload}

    def rating_buttons(self) -> tuple[dict[str, str], ...]:
        return tuple({"title": str(n), "payload": f'/rate{{"rating": "{n}"}}'} for n in range(1, 6))


def _messages(
    parts: list[str], kind: str, buttons: tuple[dict[str, str], ...], entry: str | None
) -> list[BotMessage]:
    last = len(parts) - 1
    return [
        BotMessage(text, kind, buttons if index == last else (), entry)
        for index, text in enumerate(parts)
    ]
