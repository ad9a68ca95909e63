"""Rasa's natural language generator for Frontline: every ``utter_*`` response from
``data/responses/``, in the conversation's language and the channel's tone.

Configured in ``endpoints.yml`` (``nlg: type: bot.tone.nlg.ToneNLG``), so Rasa asks
it for every response a rule or an action names.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.nlg.generator import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.settings import get_settings
from bot.tone.texts import BotTexts, bot_texts

log = logging.getLogger(__name__)

# Fields of a response message, never placeholders.
_MESSAGE_FIELDS = {
    "text",
    "buttons",
    "image",
    "elements",
    "attachment",
    "quick_replies",
    "custom",
    "json_message",
    "response",
    "template",
    "domain_responses",
    "channel",
    "metadata",
}


class ToneNLG(NaturalLanguageGenerator):
    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        domain: Domain | None = None,
        *,
        texts: BotTexts | None = None,
    ) -> None:
        self._texts = texts

    @property
    def texts(self) -> BotTexts:
        if self._texts is None:
            self._texts = bot_texts(get_settings())
        return self._texts

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        language = tracker.get_slot("language")
        values = {
            key: value
            for key, value in kwargs.items()
            if key not in _MESSAGE_FIELDS and isinstance(value, (str, int, float))
        }
        try:
            parts = self.texts.say(
                utter_action, channel=output_channel, language=language, **values
            )
        except KeyError:
            log.error("no text '%s' in data/responses", utter_action)
            return None
        return {"text": "\n\n".join(parts)}
