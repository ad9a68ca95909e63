"""The detector's state as data: what must outlive a restart, and its JSON form.

That is the window counts (closed windows and the open one), when counting began, and
each topic's last alert (so a restart does not repeat an alert inside its cooldown).
Example messages, channels and languages of the open window are evidence only and start
empty again; no count is lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from bot.crisis.topics import Topic
from bot.crisis.windows import WindowCount, require_aware


class WindowCountPayload(TypedDict):
    topic: str
    start: str
    messages: int
    angry: int


class SurgeStatePayload(TypedDict):
    since: str
    counts: list[WindowCountPayload]
    last_alerts: dict[str, str]


@dataclass(frozen=True)
class SurgeState:
    """Everything a :class:`~bot.crisis.detector.SurgeDetector` needs to carry on.

    Attributes:
        since: When the detector began counting; earlier windows are unknown, not empty.
        counts: Window counts, the open window's included.
        last_alerts: Each topic's last alert time.
    """

    since: datetime
    counts: tuple[WindowCount, ...] = ()
    last_alerts: Mapping[Topic, datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_aware(self.since)
        for at in self.last_alerts.values():
            require_aware(at)
        for record in self.counts:
            require_aware(record.start)

    def payload(self) -> SurgeStatePayload:
        """The state as JSON."""
        return SurgeStatePayload(
            since=self.since.isoformat(),
            counts=[
                WindowCountPayload(
                    topic=record.topic.key,
                    start=record.start.isoformat(),
                    messages=record.messages,
                    angry=record.angry,
                )
                for record in self.counts
            ],
            last_alerts={topic.key: at.isoformat() for topic, at in self.last_alerts.items()},
        )

    @classmethod
    def from_payload(cls, data: SurgeStatePayload) -> SurgeState:
        """The state :meth:`payload` wrote.

        Raises:
            ValueError: A topic key or a time is malformed.
        """
        return cls(
            since=datetime.fromisoformat(data["since"]),
            counts=tuple(
                WindowCount(
                    topic=Topic.parse(item["topic"]),
                    start=datetime.fromisoformat(item["start"]),
                    messages=int(item["messages"]),
                    angry=int(item["angry"]),
                )
                for item in data["counts"]
            ),
            last_alerts={
                Topic.parse(key): datetime.fromisoformat(at)
                for key, at in data["last_alerts"].items()
            },
        )
