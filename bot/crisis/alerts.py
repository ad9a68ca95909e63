"""A surge alert and its evidence: what an agent needs to judge it without digging.

The evidence is the window's count against its baseline and z-score, the angry share
against the usual one, the last windows' counts, redacted example messages, and the
channels and languages the messages came in on. :meth:`SurgeAlert.payload` is the wire
form (``incident.suspected``), typed so its writer and its readers agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypedDict

from bot.crisis.baseline import AngerBaseline, Baseline
from bot.crisis.topics import Topic

Reason = Literal["volume", "anger"]


class AlertPayload(TypedDict):
    """A surge alert as JSON."""

    topic: str
    reasons: list[str]
    at: str
    window_start: str
    count: int
    baseline_median: float
    baseline_mad: float
    baseline_samples: list[int]
    z: float
    angry: int
    anger_share: float
    usual_anger_share: float
    anger_z: float
    recent_counts: list[int]
    examples: list[str]
    channels: dict[str, int]
    languages: dict[str, int]


@dataclass(frozen=True)
class SurgeAlert:
    """A topic's traffic is unusual.

    Attributes:
        topic: The topic.
        reasons: ``volume`` (many more messages than usual), ``anger`` (a larger share
            of angry messages than usual), or both.
        at: When the alert fired: the time of the message that crossed the bar.
        window_start: The start (UTC) of the window it fired in.
        count: Messages about the topic in the window so far.
        baseline: The window's usual count.
        z: The count's robust z-score.
        angry: Angry messages among ``count``.
        anger: The topic's usual angry share.
        anger_z: The angry count's z-score against it.
        recent: The topic's counts in the windows before this one, oldest first.
        examples: Redacted example messages from the window.
        channels: Messages in the window by channel.
        languages: Messages in the window by language (where the caller knew it).
    """

    topic: Topic
    reasons: tuple[Reason, ...]
    at: datetime
    window_start: datetime
    count: int
    baseline: Baseline
    z: float
    angry: int
    anger: AngerBaseline
    anger_z: float
    recent: tuple[int, ...] = ()
    examples: tuple[str, ...] = ()
    channels: Mapping[str, int] = field(default_factory=dict)
    languages: Mapping[str, int] = field(default_factory=dict)

    @property
    def anger_share(self) -> float:
        """The window's share of angry messages so far."""
        return self.angry / self.count if self.count else 0.0

    def payload(self) -> AlertPayload:
        """The alert as JSON, for the webhook, the inbox and the evaluation."""
        return AlertPayload(
            topic=self.topic.key,
            reasons=list(self.reasons),
            at=self.at.isoformat(),
            window_start=self.window_start.isoformat(),
            count=self.count,
            baseline_median=self.baseline.median,
            baseline_mad=self.baseline.mad,
            baseline_samples=list(self.baseline.samples),
            z=round(self.z, 2),
            angry=self.angry,
            anger_share=round(self.anger_share, 3),
            usual_anger_share=round(self.anger.share, 3),
            anger_z=round(self.anger_z, 2),
            recent_counts=list(self.recent),
            examples=list(self.examples),
            channels=dict(self.channels),
            languages=dict(self.languages),
        )
