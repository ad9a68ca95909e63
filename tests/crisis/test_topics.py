"""Topics: keys, FAQ decisions, and keyword sets as an operator writes them."""

from __future__ import annotations

import pytest

from bot.crisis.topics import KeywordSet, KeywordTopics, Topic, faq_topics
from bot.faq.index import Hit
from bot.faq.matcher import Decision, Outcome

SETS = KeywordTopics(
    sets=[
        KeywordSet("outage", {"en": ["site down", "crash*"], "de": ["Störung"]}),
        KeywordSet("declined", {"en": ["declined"], "ar": ["*رفض*"]}),
    ]
)


def test_a_topic_key_round_trips_and_a_bad_one_is_refused() -> None:
    topic = Topic("keywords", "app-outage")
    assert topic.key == "keywords:app-outage"
    assert Topic.parse(topic.key) == topic
    for bad in ("app-outage", "faq:", "cluster:7"):
        with pytest.raises(ValueError, match="not a topic key"):
            Topic.parse(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Is the SITE   DOWN again?", ["outage"]),
        ("the app crashed twice", ["outage"]),
        ("eine STÖRUNG bei euch?", ["outage"]),
        ("Stoerung", []),  # a different spelling is a different word
        ("my card was declined and the site down", ["outage", "declined"]),
        ("undeclined", []),  # whole words only
        ("لماذا تم رفضها", ["declined"]),  # Arabic attaches letters on both sides
        ("website downtime", []),
    ],
)
def test_keywords_match_whole_words_case_and_accents_ignored(
    text: str, expected: list[str]
) -> None:
    assert [topic.id for topic in SETS.topics_of(text)] == expected


def test_every_language_list_is_read_whatever_the_message_language() -> None:
    assert SETS.topics_of("Störung beim Bezahlen, card declined") == (
        Topic("keywords", "outage"),
        Topic("keywords", "declined"),
    )


def test_a_faq_decision_names_its_topic_unless_nothing_matched() -> None:
    refund = Hit("refund-status", 0.9, 0.9, "where is my refund", "en")
    card = Hit("card-declined", 0.6, 0.6, "card declined", "en")
    assert faq_topics(Decision(Outcome.ANSWER, (refund,))) == (Topic("faq", "refund-status"),)
    assert faq_topics(Decision(Outcome.CLARIFY, (card, refund))) == (Topic("faq", "card-declined"),)
    assert faq_topics(Decision(Outcome.NO_ANSWER, (refund,))) == ()
