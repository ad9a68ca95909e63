"""No suggestion shows personal data (bot/insight): every kind, in every place a
suggestion shows text (examples, the draft entry, its file, the terminal lines)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.insight.clusters import ClusterSettings
from bot.insight.drafts import draft_yaml
from bot.insight.gaps import GapSettings, mine_gaps
from bot.insight.questions import Source
from bot.insight.suggest import describe, payload
from tests.auxil.fake_encoder import FakeEncoder
from tests.auxil.gap_questions import GIFT, NOW, PICKUP, asked

SETTINGS = GapSettings(
    clusters=ClusterSettings(min_cluster_size=3, min_samples=2, center_languages=False, dims=None)
)


def shown(clusters) -> str:
    """Everything a suggestion shows, in one string."""
    parts = []
    for rank, cluster in enumerate(clusters, start=1):
        parts.append(
            json.dumps(
                payload(cluster, rank=rank, examples=50, default_language="en", today=NOW.date()),
                ensure_ascii=False,
            )
        )
        parts.append(draft_yaml(cluster, default_language="en", today=date(2024, 6, 1)))
        parts.extend(describe(cluster, rank=rank, examples=50))
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("secret", "placeholder"),
    [
        ("zoe.mueller+shop@mail.example.com", "<email>"),
        ("+49 170 1234567", "<phone>"),
        ("(030) 123-4567", "<phone>"),
        ("order AB-20931X", "<number>"),
        ("#123456", "<number>"),
        ("4111 1111 1111 1111", "<number>"),
        ("DE89 3704 0044 0532 0130 00", "<iban>"),
    ],
)
def test_each_kind_of_personal_data_is_masked_everywhere(secret: str, placeholder: str) -> None:
    texts = [f"{text} {secret}" for text in GIFT]
    reply = f"Thanks, I found {secret}: gift cards work at checkout."
    questions = asked(
        texts, prefix="g", source=Source.MISSING_KNOWLEDGE, agent_replies=(reply,)
    ) + asked(PICKUP, prefix="p")

    clusters = mine_gaps(questions, encoder=FakeEncoder(), index=None, now=NOW, settings=SETTINGS)

    text = shown(clusters)
    assert len(clusters) == 2
    assert secret not in text
    assert max(secret.split(), key=len) not in text
    assert placeholder in text


def test_names_from_the_profile_are_masked_in_questions_and_agents_replies() -> None:
    texts = [f"{text}, Zoe Müller here" for text in GIFT[:3]] + [
        f"Müller again: {text}" for text in GIFT[3:]
    ]
    reply = "Hi Zoe, yes: gift cards work at checkout."
    questions = asked(
        texts, prefix="g", agent_replies=(reply,), names=("Zoe Müller", "Zoe", "Müller")
    ) + asked(PICKUP, prefix="p")

    clusters = mine_gaps(questions, encoder=FakeEncoder(), index=None, now=NOW, settings=SETTINGS)

    text = shown(clusters)
    assert "Zoe" not in text and "Müller" not in text
    assert "<name>" in text
