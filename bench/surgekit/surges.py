"""Injected surges: which topic, how big, when, in which language (seeded).

A surge of size ``m`` adds ``(m - 1)`` times the topic's expected traffic (all languages)
for its duration, so while it lasts the topic has ``m`` times its usual messages. The
added messages are drawn from the topic's queries in the surge's language only (an
incident among, say, Arabic-speaking customers). A FAQ surge draws from one intent; a
keyword surge from every banking query its keyword set matches, across intents.

Starts fall on distinct days after the warm-up weeks, between 08:00 and 19:00, when
customers who meet a problem write about it; durations are 60 to 180 minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from bench.surgekit.traffic import (
    CHATTER,
    SLOT,
    Pools,
    Traffic,
    draw_channel,
    language_of,
    topic_rate,
)
from bot.crisis.topics import KeywordTopics
from bot.eval.surge_trace import TraceRow

SIZES = (3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18, 20)
LANGUAGE_STREAMS = ("en",) * 12 + ("ar-msa",) * 4 + ("ar-pal",) * 4
FAQ_SURGES = 15
POPULAR = 12
"""FAQ surges hit one of the most popular intents (outages hit what people use)."""


@dataclass(frozen=True)
class Surge:
    """One injected incident.

    Attributes:
        id: Its label in the trace.
        kind: ``faq`` (one intent) or ``keywords`` (a keyword set across intents).
        topic: The intent or keyword-set id.
        stream: The language stream its messages come from.
        size: Its multiple of the topic's usual traffic.
        start: When it starts.
        minutes: How long it lasts.
        usual_per_window: The topic's expected messages per 15 minutes at its start.
        messages: Messages injected.
    """

    id: str
    kind: str
    topic: str
    stream: str
    size: int
    start: datetime
    minutes: int
    usual_per_window: float = 0.0
    messages: int = 0

    @property
    def topic_key(self) -> str:
        """The topic as the detector names it."""
        return f"{self.kind}:{self.topic}"


def plan(traffic: Traffic, keyword_ids: list[str], *, warmup_weeks: int) -> list[Surge]:
    """Twenty surges for ``traffic`` (seeded by its seed)."""
    rng = np.random.default_rng(traffic.seed + 7)
    sizes = rng.permutation(SIZES)
    streams = rng.permutation(LANGUAGE_STREAMS)
    kinds = rng.permutation(["faq"] * FAQ_SURGES + ["keywords"] * (len(SIZES) - FAQ_SURGES))
    popular = sorted(traffic.shares, key=traffic.shares.__getitem__, reverse=True)[:POPULAR]
    first_day = warmup_weeks * 7
    days = sorted(rng.choice(traffic.weeks * 7 - first_day, size=len(SIZES), replace=False))
    surges = []
    for number, (size, stream, kind, day) in enumerate(zip(sizes, streams, kinds, days), 1):
        topic = str(
            rng.choice(popular) if kind == "faq" else keyword_ids[number % len(keyword_ids)]
        )
        minute = int(rng.integers(8 * 60, 19 * 60))
        start = traffic.start + timedelta(days=first_day + int(day), minutes=minute)
        minutes = int(rng.integers(60, 181))
        surges.append(
            Surge(f"S{number:02d}", str(kind), topic, str(stream), int(size), start, minutes)
        )
    return surges


def inject(
    traffic: Traffic, pools: Pools, surges: list[Surge], keywords: KeywordTopics
) -> tuple[list[TraceRow], list[Surge]]:
    """The surges' rows, and the surges with their volumes filled in."""
    rng = np.random.default_rng(traffic.seed + 11)
    rows: list[TraceRow] = []
    done = []
    for surge in surges:
        if surge.kind == "faq":
            texts = pools.banking[surge.stream][surge.topic]
            share = topic_rate(traffic, pools, intent=surge.topic, matches=lambda _: True)
        else:

            def matches(text: str, ident: str = surge.topic) -> bool:
                return any(t.id == ident for t in keywords.topics_of(text))

            texts = [
                text
                for group in pools.banking[surge.stream].values()
                for text in group
                if matches(text)
            ]
            share = topic_rate(traffic, pools, intent=None, matches=matches)
        share *= 1 - CHATTER
        end = surge.start + timedelta(minutes=surge.minutes)
        slot = traffic.start + ((surge.start - traffic.start) // SLOT) * SLOT
        added = 0
        while slot < end:
            begin, finish = max(slot, surge.start), min(slot + SLOT, end)
            covered = (finish - begin) / SLOT
            count = rng.poisson((surge.size - 1) * share * traffic.expected(slot) * covered)
            for offset in np.sort(rng.uniform(0, (finish - begin).total_seconds(), size=count)):
                text = texts[rng.integers(len(texts))]
                at = begin + timedelta(seconds=float(offset))
                rows.append(
                    TraceRow(at, text, surge.id, draw_channel(rng), language_of(surge.stream))
                )
            added += count
            slot += SLOT
        usual = share * traffic.expected(surge.start) * 3
        done.append(replace(surge, usual_per_window=round(usual, 2), messages=added))
    return rows, done
