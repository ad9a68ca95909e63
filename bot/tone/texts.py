"""The bot's texts, in the customer's language and the channel's tone.

One object that knows the catalog (``data/responses/``), the tone profiles
(``tone.yml``) and the supported languages; the Rasa NLG, the actions and the
channels all ask it for what to say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.locale.format import autonym, language_name
from bot.settings import Settings
from bot.tone.catalog import Catalog, load_catalog
from bot.tone.profiles import ToneBook, ToneProfile, load_tone_book
from bot.tone.renderer import compose


@dataclass(frozen=True)
class BotTexts:
    catalog: Catalog
    tone: ToneBook
    languages: list[str]
    default_language: str

    @classmethod
    def load(
        cls, *, responses_dir: Path, tone_file: Path, languages: list[str], default: str
    ) -> BotTexts:
        return cls(
            catalog=load_catalog(responses_dir),
            tone=load_tone_book(tone_file, languages=languages),
            languages=list(languages),
            default_language=default,
        )

    def language(self, language: str | None) -> str:
        """``language`` if supported, else the default."""
        return language if language in self.languages else self.default_language

    def profile(self, channel: str | None, language: str | None) -> ToneProfile:
        return self.tone.profile(channel, self.language(language))

    def values(self, language: str) -> dict[str, str]:
        """Placeholders every text may use: language names."""
        return {
            "language_name": language_name(language, in_language=language),
            "default_language_name": language_name(self.default_language, in_language=language),
            "languages": ", ".join(autonym(code) for code in self.languages),
        }

    def say(
        self, key: str, *, channel: str | None, language: str | None, **values: object
    ) -> list[str]:
        """Catalog text ``key`` as markdown-lite messages; the default language if missing."""
        lang = self.language(language)
        text = self.catalog.get(key, lang) or self.catalog.get(key, self.default_language)
        if text is None:
            raise KeyError(f"no text '{key}' in data/responses")
        return self.compose(text, channel=channel, language=lang, **values)

    def line(self, key: str, *, channel: str | None, language: str | None, **values: object) -> str:
        """A short catalog text (a button title, a system message) as one string."""
        return "\n\n".join(self.say(key, channel=channel, language=language, **values))

    def compose(
        self,
        text: str | Mapping[str, str],
        *,
        channel: str | None,
        language: str | None,
        **values: object,
    ) -> list[str]:
        """Any text (an FAQ answer) in the tone of ``channel`` for ``language``."""
        lang = self.language(language)
        profile = self.tone.profile(channel, lang)
        return compose(text, profile, values={**self.values(lang), **values})

    def crisis(
        self, text: str | Mapping[str, str], *, channel: str | None, language: str | None
    ) -> list[str]:
        """A text in the crisis voice: ``tone.yml``'s crisis overlay on the channel's
        profile (formal, no emoji, no "!"), whatever the channel usually sounds like."""
        lang = self.language(language)
        profile = self.tone.profile(channel, lang, crisis=True)
        return compose(text, profile, values=self.values(lang))

    def crisis_text(self, key: str, *, language: str | None) -> str | Mapping[str, str]:
        """Catalog text ``key`` before rendering (for :meth:`crisis`)."""
        lang = self.language(language)
        text = self.catalog.get(key, lang) or self.catalog.get(key, self.default_language)
        if text is None:
            raise KeyError(f"no text '{key}' in data/responses")
        return text


def bot_texts(settings: Settings) -> BotTexts:
    """The texts for these settings, loaded once per process."""
    return _cached(
        settings.responses_dir,
        settings.tone_file,
        tuple(settings.languages),
        settings.default_language,
    )


@lru_cache(maxsize=4)
def _cached(responses: Path, tone: Path, languages: tuple[str, ...], default: str) -> BotTexts:
    return BotTexts.load(
        responses_dir=responses, tone_file=tone, languages=list(languages), default=default
    )
