"""BM25 word matching over each entry's phrasings (bot/faq/lexical.py)."""

from __future__ import annotations

import numpy as np

from bot.faq.lexical import LexicalIndex, terms

DOCS = [
    ["How do I pay with Klarna?", "klarna invoice", "pay later with Klarna"],
    ["How do I reset my password?", "forgot my password"],
    ["Where is my order?", "track my parcel"],
]


def test_words_are_folded_and_cut_to_a_common_stem() -> None:
    assert terms("Réfunds REFUNDED, refund!") == ["refun", "refun", "refun"]
    assert terms("2FA código") == ["2fa", "codig"]


def test_an_exact_word_finds_its_entry() -> None:
    index = LexicalIndex.build(DOCS)
    scores = index.scores("Klarna??")
    assert int(np.argmax(scores)) == 0 and 0 < scores[0] <= 1
    assert scores[1] == scores[2] == 0


def test_unknown_words_score_nothing_and_dilute_a_known_one() -> None:
    index = LexicalIndex.build(DOCS)
    assert not index.scores("weather in Lisbon tomorrow").any()
    alone, diluted = index.scores("password")[1], index.scores("password lisbon weather")[1]
    assert alone > diluted > 0
