"""Gap mining with the FAQ's real multilingual encoder: paraphrases and the same question
in other languages land in one cluster, and the two questions in different clusters."""

from __future__ import annotations

import pytest

from bot.faq.encoders import Encoder
from bot.insight.gaps import mine_gaps
from bot.insight.questions import AskedQuestion
from tests.auxil.gap_questions import NOW
from tests.auxil.multilingual_gaps import GIFT_CARD, PICKUP, STRAYS, rows

pytestmark = pytest.mark.slow


def questions(topics: dict[str, list[str]], prefix: str) -> list[AskedQuestion]:
    return [
        AskedQuestion(text=text, language=lang, conversation_id=f"{prefix}{i}", asked_at=NOW)
        for i, (lang, text) in enumerate(rows(topics))
    ]


def test_paraphrases_in_four_languages_form_one_cluster_per_question(
    default_encoder: Encoder,
) -> None:
    asked = questions(GIFT_CARD, "g") + questions(PICKUP, "p") + questions(STRAYS, "s")

    clusters = mine_gaps(asked, encoder=default_encoder, index=None, now=NOW)

    cluster_of = {m.conversation_id: n for n, c in enumerate(clusters) for m in c.members}
    gift = {cluster_of.get(q.conversation_id) for q in asked if q.conversation_id[0] == "g"}
    pickup = {cluster_of.get(q.conversation_id) for q in asked if q.conversation_id[0] == "p"}
    assert len(gift) == 1 and len(pickup) == 1 and None not in gift | pickup
    assert gift != pickup
    for found in (gift, pickup):
        assert set(clusters[found.pop()].languages) >= {"de", "en", "es", "fr"}
