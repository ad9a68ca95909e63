"""Surge counts in the database (bot/store/surge_counts.py) on SQLite and PostgreSQL: each
message counted once per topic and window however many replicas count at once, redacted
and bounded examples, and a detector rebuilt from the stored counts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.engine import Engine

from bot.crisis.detector import SurgeDetector
from bot.store.db import create_database, session_factory
from bot.store.surge_counts import SurgeCounts
from tests.auxil.surge_store import seed
from tests.auxil.surges import BERLIN, MONDAY_10, OUTAGE, REFUNDS, RULES, history

UTC_10 = MONDAY_10.astimezone(timezone.utc)


@pytest.fixture
def engines(database_url: str) -> Iterator[list[Engine]]:
    """Two engines on one new database: two replicas' connection pools."""
    made = [create_database(database_url), create_database(database_url)]
    yield made
    for engine in made:
        engine.dispose()


def counts_on(engine: Engine) -> SurgeCounts:
    return SurgeCounts(sessions=session_factory(engine), rules=RULES)


def test_a_message_counts_once_in_each_of_its_topics_in_its_window(
    engines: list[Engine],
) -> None:
    counts = counts_on(engines[0])
    counts.record(
        ["faq:refund-status", "keywords:outage"],
        at=MONDAY_10 + timedelta(minutes=3),
        angry=True,
        channel="telegram",
        text="Where is my refund? The app crashed!",
        language="en",
    )
    counts.record(
        ["faq:refund-status"],
        at=MONDAY_10 + timedelta(minutes=14, seconds=59),
        angry=False,
        channel="web",
        text="refund??",
    )
    counts.record(
        ["faq:refund-status"],
        at=MONDAY_10 + timedelta(minutes=15),
        angry=False,
        channel="web",
        text="next window",
    )

    first = {tally.topic: tally for tally in counts.window(UTC_10)}
    assert set(first) == {REFUNDS, OUTAGE}
    refunds = first[REFUNDS]
    assert (refunds.messages, refunds.angry) == (2, 1)
    assert refunds.channels == {"telegram": 1, "web": 1}
    assert refunds.languages == {"en": 1}
    assert refunds.examples == ("Where is my refund? The app crashed!", "refund??")
    assert (first[OUTAGE].messages, first[OUTAGE].angry) == (1, 1)
    later = counts.window(UTC_10 + timedelta(minutes=15))
    assert [(t.topic, t.messages) for t in later] == [(REFUNDS, 1)]


def test_a_message_without_topics_counts_nowhere(engines: list[Engine]) -> None:
    counts = counts_on(engines[0])
    counts.record([], at=MONDAY_10, angry=False, channel="web", text="hello")
    assert counts.window(UTC_10) == [] and counts.first_window() is None


def test_a_malformed_topic_key_or_a_naive_time_is_refused(engines: list[Engine]) -> None:
    counts = counts_on(engines[0])
    with pytest.raises(ValueError, match="not a topic key"):
        counts.record(["refund-status"], at=MONDAY_10, angry=False, channel="web", text="x")
    with pytest.raises(ValueError, match="without a timezone"):
        counts.record(
            ["faq:refund-status"], at=datetime(2026, 3, 2, 10), angry=False, channel="web", text=""
        )


def test_examples_are_redacted_distinct_and_bounded_per_window(engines: list[Engine]) -> None:
    counts = counts_on(engines[0])
    texts = [
        "Ana Lima here, order 12345678 never came, mail ana@example.com",
        "Ana Lima here, order 12345678 never came, mail ana@example.com",
        *[f"message number {word}" for word in ("one", "two", "three", "four", "five", "six")],
    ]
    for text in texts:
        counts.record(
            ["faq:refund-status"],
            at=MONDAY_10,
            angry=False,
            channel="web",
            text=text,
            names=["Ana Lima"],
        )

    (tally,) = counts.window(UTC_10)
    assert tally.messages == 8
    assert len(tally.examples) == RULES.examples
    assert tally.examples[0] == "<name> here, order <number> never came, mail <email>"
    assert tally.examples[1:] == tuple(
        f"message number {w}" for w in ("one", "two", "three", "four")
    )


def test_two_replicas_counting_at_once_lose_no_message(engines: list[Engine]) -> None:
    replicas = [counts_on(engine) for engine in engines]
    per_thread, threads = 40, []
    start = threading.Barrier(4)

    def count(counts: SurgeCounts, channel: str) -> None:
        start.wait()
        for number in range(per_thread):
            counts.record(
                ["keywords:outage", "faq:refund-status"],
                at=MONDAY_10 + timedelta(seconds=number),
                angry=number % 4 == 0,
                channel=channel,
                text=f"down {number}",
            )

    for counts, channel in [(replicas[0], "web"), (replicas[1], "telegram")] * 2:
        threads.append(threading.Thread(target=count, args=(counts, channel)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    for tally in replicas[1].window(UTC_10):
        assert tally.messages == 4 * per_thread
        assert tally.angry == 4 * per_thread // 4
        assert tally.channels == {"web": 2 * per_thread, "telegram": 2 * per_thread}
        assert len(tally.examples) == RULES.examples


def test_the_detector_rebuilt_from_stored_counts_reads_the_baseline_and_its_start(
    engines: list[Engine],
) -> None:
    counts = counts_on(engines[0])
    records = history(REFUNDS, until=MONDAY_10, count=lambda _: 2)
    seed(session_factory(engines[0]), records)
    counts.record(["faq:refund-status"], at=MONDAY_10, angry=False, channel="web", text="x")

    state = counts.state(until=UTC_10)

    assert state.since == records[0].start
    assert {r.start for r in state.counts} == {r.start for r in records}  # the open window not
    assert state.last_alerts == {}
    detector = SurgeDetector(rules=RULES, state=state)
    detector.advance(MONDAY_10)
    assert detector.armed


def test_a_window_is_named_by_its_start_in_utc_in_the_rules_timezone(
    engines: list[Engine],
) -> None:
    counts = counts_on(engines[0])
    summer = datetime(2026, 7, 6, 10, 7, tzinfo=BERLIN)  # 08:07 UTC
    counts.record(["keywords:outage"], at=summer, angry=False, channel="web", text="down")
    assert counts.first_window() == datetime(2026, 7, 6, 8, 0, tzinfo=timezone.utc)


def test_old_windows_are_forgotten(engines: list[Engine]) -> None:
    counts = counts_on(engines[0])
    for days in (40, 1):
        counts.record(
            ["keywords:outage"],
            at=MONDAY_10 - timedelta(days=days),
            angry=False,
            channel="web",
            text="down",
        )
    assert counts.forget_before(UTC_10 - timedelta(weeks=5)) == 1
    assert counts.first_window() == UTC_10 - timedelta(days=1)
