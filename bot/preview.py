"""``frontline faq try``: exactly what a customer would get for a message, on a channel.

It runs the same FAQ engine, texts and renderer as the running bot; only Rasa's
intent classification is left out (every message is treated as a question).
"""

from __future__ import annotations

from bot.faq.cache import CachedEncoder, EmbeddingCache
from bot.faq.encoders import build_encoder
from bot.faq.matcher import Outcome
from bot.faq.reload import HotReloader
from bot.faq.service import FaqService
from bot.locale.detect import LanguageDetector
from bot.locale.resolve import choose_language, is_clear, supported_language
from bot.settings import Settings
from bot.tone.answers import answer_messages, choice_button
from bot.tone.renderer import to_dialect
from bot.tone.texts import bot_texts


def preview(settings: Settings, message: str, *, channel: str, locale: str | None) -> list[str]:
    """Lines to print: the chosen language and profile, then each message and its buttons."""
    texts = bot_texts(settings)
    detected = LanguageDetector(languages=settings.languages).detect(message)
    language = choose_language(
        default=settings.default_language,
        hint=supported_language(locale, supported=settings.languages),
        detected=detected,
        clear=is_clear(message, detected),
    ).language
    profile = texts.profile(channel, language)
    encoder = CachedEncoder(
        encoder=build_encoder(settings.encoder),
        cache=EmbeddingCache(settings.var_dir / "embeddings.sqlite3"),
    )
    reloader = HotReloader(
        folder=settings.faq_dir,
        encoder=encoder,
        default_language=settings.default_language,
        scoring=settings.faq_scoring,
    )
    reloader.check()
    faq = FaqService(
        reloader=reloader,
        encoder=encoder,
        thresholds=settings.faq_thresholds,
    )
    result = faq.ask(message)
    outcome = result.decision.outcome
    lines = [
        f"# {channel} ({profile.name} profile: {profile.formality}, "
        f"{'emoji' if profile.emoji else 'no emoji'}, {profile.markup}), language {language}",
        f"# {outcome.name.lower()}"
        + (f": {', '.join(e.id for e in result.entries)}" if result.entries else ""),
    ]
    buttons: list[dict[str, str]] = []
    if outcome is Outcome.ANSWER:
        answer = answer_messages(result.entries[0], texts=texts, channel=channel, language=language)
        messages, buttons = answer.messages, answer.buttons
    elif outcome is Outcome.CLARIFY:
        messages = texts.say("utter_faq_clarify", channel=channel, language=language)
        buttons = [
            choice_button(entry, language=language, default=settings.default_language)
            for entry in result.entries
        ]
    else:
        messages = texts.say("utter_faq_no_answer", channel=channel, language=language)
    for index, text in enumerate(messages, 1):
        lines.append(f"--- message {index} of {len(messages)}")
        lines.append(to_dialect(text, profile.markup))
    for button in buttons:
        lines.append(f"[ {button['title']} ]")
    return lines
