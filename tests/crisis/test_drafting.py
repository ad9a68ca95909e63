"""The holding statement's draft in every language (bot/crisis/drafting.py)."""

from __future__ import annotations

from bot.crisis.drafting import draft_statement
from bot.settings import Settings
from bot.tone.texts import bot_texts


def test_a_draft_acknowledges_empathises_says_what_is_known_and_when_the_next_update_comes() -> (
    None
):
    texts = bot_texts(Settings())
    drafts = draft_statement(
        texts.catalog,
        languages=texts.languages,
        title={"en": "Order tracking is unavailable", "de": "Die Sendungsverfolgung ist gestört"},
        known="Our carrier's tracking service is down",
        next_update="14:00 CET",
    )
    assert set(drafts) == {"en", "es", "de", "fr", "pt", "ar"}
    assert drafts["en"] == (
        "We are aware of a problem: Order tracking is unavailable. We are sorry for the "
        "trouble this causes you. What we know so far: Our carrier's tracking service is "
        "down. We will post the next update by 14:00 CET."
    )
    assert "Die Sendungsverfolgung ist gestört" in drafts["de"] and "Ihnen" in drafts["de"]
    assert all("14:00 CET" in text and "{" not in text for text in drafts.values())
