"""Were the messages kept? Counted in the tracker store, not from the client's view.

For every message a client sent, its user event must be in its conversation's tracker
exactly once (none: ``lost``; more: ``duplicated``) and be followed by at least one bot
event before the next user event (else ``unanswered``). A message the client was told
is ``busy`` never reached the bot: it is counted apart, not as lost. Texts are unique
within a conversation, so a message is found by its text.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import aiohttp
from sqlalchemy import bindparam, create_engine, text

from bench.loadkit.outcomes import Sample

Events = dict[str, list[dict[str, Any]]]
"""Each conversation's tracker events, in order."""


VERDICTS = ("kept", "lost", "duplicated", "unanswered", "busy_not_recorded", "unsent")


@dataclass
class Ledger:
    """Messages by verdict (each message has one), and user events nobody sent."""

    messages: int = 0
    kept: int = 0  # recorded exactly once, and answered
    lost: int = 0
    lost_client_saw_error: int = 0  # of the lost: the client got an error, not a reply
    duplicated: int = 0
    unanswered: int = 0  # recorded once, no bot event before the next user event
    busy_not_recorded: int = 0  # the client was told "busy": never reached the bot
    unsent: int = 0  # the client could not even open its session
    unexpected: int = 0
    examples: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, samples: Iterable[Sample]) -> Ledger:
        """The tally of samples already judged by :func:`check`."""
        ledger = cls()
        for sample in samples:
            ledger.messages += 1
            setattr(ledger, sample.verdict, getattr(ledger, sample.verdict) + 1)
            ledger.lost_client_saw_error += sample.verdict == "lost" and sample.outcome == "error"
            if sample.verdict not in ("kept", "busy_not_recorded") and len(ledger.examples) < 8:
                ledger.examples.append(
                    f"{sample.conversation} {sample.text!r} sent at {sample.started:.1f} s: "
                    f"{sample.verdict} (client: {sample.outcome}, {sample.detail})"
                )
        return ledger

    @property
    def problems(self) -> int:
        return self.lost + self.duplicated + self.unanswered

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _user_turns(events: list[dict[str, Any]]) -> tuple[Counter[str], Counter[str]]:
    """How often each user text occurs, and how often a bot event follows it."""
    seen: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    current: str | None = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            current = str(event.get("text") or "").strip()
            seen[current] += 1
        elif kind == "bot" and current is not None:
            answered[current] += 1
            current = None
    return seen, answered


def verdict(sample: Sample, times: int, answered: int) -> str:
    if not sample.conversation:
        return "unsent"
    if times == 0:
        return "busy_not_recorded" if sample.outcome == "busy" else "lost"
    if times > 1:
        return "duplicated"
    return "kept" if answered else "unanswered"


def check(samples: list[Sample], events: Events) -> Ledger:
    """Judge each sent message against its conversation's tracker (sets its verdict)."""
    by_conversation: dict[str, list[Sample]] = {}
    for sample in samples:
        by_conversation.setdefault(sample.conversation, []).append(sample)
    unexpected = 0
    for sender, sent in by_conversation.items():
        seen, answered = _user_turns(events.get(sender, []) if sender else [])
        texts = {s.text.strip() for s in sent}
        unexpected += sum(n for text, n in seen.items() if text not in texts)
        for sample in sent:
            key = sample.text.strip()
            sample.verdict = verdict(sample, seen[key], answered[key])
    ledger = Ledger.of(samples)
    ledger.unexpected = unexpected
    return ledger


def sql_events(url: str, senders: Iterable[str]) -> Events:
    """Events straight from Rasa's SQL tracker store (SQLite or PostgreSQL)."""
    engine = create_engine(url)
    query = text(
        "SELECT sender_id, data FROM events WHERE sender_id IN :senders ORDER BY id"
    ).bindparams(bindparam("senders", expanding=True))
    wanted = sorted(set(senders) - {""})
    events: Events = {}
    try:
        with engine.connect() as connection:
            for start in range(0, len(wanted), 500):
                rows = connection.execute(query, {"senders": wanted[start : start + 500]})
                for sender, data in rows:
                    events.setdefault(sender, []).append(json.loads(data))
    finally:
        engine.dispose()
    return events


async def api_events(url: str, token: str, senders: Iterable[str]) -> Events:
    """Events through Rasa's HTTP API (a tracker store in memory: moodbot's)."""
    wanted = sorted(set(senders) - {""})
    gate = asyncio.Semaphore(8)
    events: Events = {}

    async def fetch(session: aiohttp.ClientSession, sender: str) -> None:
        async with (
            gate,
            session.get(
                f"{url}/conversations/{sender}/tracker",
                params={"token": token},
                timeout=aiohttp.ClientTimeout(total=60),
            ) as response,
        ):
            response.raise_for_status()
            events[sender] = list((await response.json()).get("events") or [])

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(fetch(session, sender) for sender in wanted))
    return events


def api_events_now(url: str, token: str, senders: Iterable[str]) -> Events:
    """:func:`api_events`, from synchronous code."""
    return asyncio.run(api_events(url, token, senders))
