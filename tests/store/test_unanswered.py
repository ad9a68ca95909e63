"""The log of unanswered questions (bot/store/unanswered.py), on a real database
(SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from bot.store.db import create_database, session_factory
from bot.store.unanswered import UnansweredLog


@pytest.fixture
def log(database_url: str) -> UnansweredLog:
    return UnansweredLog(sessions=session_factory(create_database(database_url)))


def test_gaps_group_the_same_question_and_put_the_most_asked_first(log: UnansweredLog) -> None:
    log.record(
        text="Do you ship to Mars?",
        language="en",
        channel="rest",
        conversation_id="a",
        candidates=[{"id": "shipping-countries", "score": 0.61}],
    )
    log.record(
        text="Can I pay with gold bars?",
        language="en",
        channel="rest",
        conversation_id="b",
        candidates=[{"id": "payment-methods", "score": 0.7}],
    )
    log.record(
        text="  do you SHIP to mars?  ",
        language="en",
        channel="web",
        conversation_id="c",
        candidates=[{"id": "shipping-countries", "score": 0.64}, {"id": "express", "score": 0.5}],
    )

    gaps = log.gaps()

    assert [(gap.text, gap.times) for gap in gaps] == [
        ("do you ship to mars?", 2),
        ("can i pay with gold bars?", 1),
    ]
    # The group keeps the candidates of its latest question.
    assert gaps[0].candidates == [
        {"id": "shipping-countries", "score": 0.64},
        {"id": "express", "score": 0.5},
    ]
    assert gaps[1].candidates == [{"id": "payment-methods", "score": 0.7}]
    assert gaps[0].language == "en"
    assert gaps[0].last_asked >= gaps[1].last_asked


def test_the_log_survives_a_restart(database_url: str) -> None:
    UnansweredLog(sessions=session_factory(create_database(database_url))).record(
        text="Where is the store in Lyon?",
        language="en",
        channel="rest",
        conversation_id="a",
        candidates=[],
    )

    reopened = UnansweredLog(sessions=session_factory(create_database(database_url)))

    assert [(gap.text, gap.times, gap.candidates) for gap in reopened.gaps()] == [
        ("where is the store in lyon?", 1, [])
    ]


def test_gaps_respect_the_limit(log: UnansweredLog) -> None:
    for n in range(5):
        log.record(
            text=f"question {n}",
            language="de",
            channel="rest",
            conversation_id="x",
            candidates=[],
        )

    assert len(log.gaps(limit=3)) == 3
    assert log.gaps() and all(gap.language == "de" for gap in log.gaps())


def test_no_questions_no_gaps(log: UnansweredLog) -> None:
    assert log.gaps() == []
