from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from bot.tone.profiles import ToneConfigError, load_tone_book

LANGUAGES = ["en", "es", "de", "fr", "pt", "ar"]


def test_the_shipped_defaults() -> None:
    book = load_tone_book(PROJECT_ROOT / "tone.yml", languages=LANGUAGES)
    telegram, slack, web = (book.profile(c, "en") for c in ("telegram", "slack", "web"))
    assert (telegram.formality, telegram.emoji, telegram.markup) == (
        "casual",
        True,
        "telegram-html",
    )
    assert telegram.max_chars < web.max_chars  # casual and short
    assert (slack.formality, slack.emoji, slack.markup) == ("formal", False, "slack-mrkdwn")
    assert (web.formality, web.emoji, web.markup) == ("neutral", False, "markdown")
    for language in ("de", "es"):
        assert book.profile("slack", language).register == "formal"
        assert book.profile("web", language).register == "formal"
        assert book.profile("telegram", language).register == "casual"
    assert book.profile("collector", "en").name == "web"  # the REST channel
    assert book.profile("unknown-channel", "en").name == "web"
    assert book.profile("telegram", "de").phrases["greeting"].startswith("Hey")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tone.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_is_named_with_its_profile_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
channels: {web: web, sms: pager}
profiles:
  web:
    formality: chummy
    emoji: "yes"
    max_chars: 0
    markup: bbcode
    colour: blue
    locales:
      xx: {formality: formal}
      de: {phrases: {}}
    phrases:
      en: {greeting: Hi, sign_off: Bye, apology: Sorry}
""",
    )
    with pytest.raises(ToneConfigError) as caught:
        load_tone_book(path, languages=["en", "de"])
    problems = "\n".join(caught.value.problems)
    for expected in (
        "profile 'web', field 'formality': must be one of formal, neutral, casual",
        "profile 'web', field 'emoji': must be true or false",
        "profile 'web', field 'max_chars': must be a positive whole number",
        "profile 'web', field 'markup': must be one of",
        "profile 'web': unknown field 'colour'",
        "profile 'web', locale 'xx': not a supported language",
        "profile 'web', locale 'de': 'phrases' cannot be overridden per language",
        "profile 'web', field 'phrases.en.empathy': missing",
        "profile 'web', field 'phrases': missing language 'de'",
        "channel 'sms': unknown profile 'pager'",
    ):
        assert expected in problems


def test_a_file_that_is_not_yaml_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ToneConfigError, match="cannot read"):
        load_tone_book(write(tmp_path, "profiles: [unclosed"), languages=["en"])
