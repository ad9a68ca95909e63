"""Unanswered questions for gap-mining tests: topics of paraphrases, strays, and times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from bot.insight.questions import AskedQuestion, Source

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)

# Bag-of-words paraphrases: the fake encoder puts each group close together.
GIFT = [
    "can I pay with a gift card",
    "can I pay with a gift card online",
    "pay with a gift card please",
    "gift card pay can I",
    "can I pay by gift card",
    "can I use a gift card to pay",
]
PICKUP = [
    "pick up my order in the store",
    "can I pick up my order in a store",
    "store pick up for my order",
    "pick up order in store",
    "order pick up in the store possible",
]
STRAYS = ["what is the meaning of life", "do you sell bicycles to penguins"]


def asked(
    texts: Sequence[str],
    *,
    prefix: str,
    days_ago: float = 0.0,
    language: str = "en",
    conversations: int | None = None,
    source: Source = Source.NO_ANSWER,
    agent_replies: tuple[str, ...] = (),
    names: tuple[str, ...] = (),
) -> list[AskedQuestion]:
    """One question per text; ``conversations`` spreads them over fewer conversations."""
    count = conversations or len(texts)
    return [
        AskedQuestion(
            text=text,
            language=language,
            conversation_id=f"{prefix}-{i % count}",
            asked_at=NOW - timedelta(days=days_ago, minutes=i),
            source=source,
            agent_replies=agent_replies,
            names=names,
        )
        for i, text in enumerate(texts)
    ]
