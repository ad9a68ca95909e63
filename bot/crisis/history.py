"""Past window counts per topic: what the baseline reads, and what a store keeps.

Only windows with messages are held; a window the detector watched with no message about
a topic counts as 0 for it. The history is a plain collection of :class:`WindowCount`
records in and out, so a restart rebuilds it from whatever stored them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from bot.crisis.baseline import AngerBaseline
from bot.crisis.topics import Topic
from bot.crisis.windows import WindowCount


class CountHistory:
    """Closed windows' counts by topic.

    Args:
        counts: Records to start from (a store's, after a restart).
    """

    def __init__(self, counts: Iterable[WindowCount] = ()) -> None:
        self._by_topic: dict[Topic, dict[datetime, tuple[int, int]]] = {}
        for record in counts:
            self.add(record)

    def add(self, record: WindowCount) -> None:
        """Add a window's count (to what is there already: a late message adds one)."""
        windows = self._by_topic.setdefault(record.topic, {})
        messages, angry = windows.get(record.start, (0, 0))
        windows[record.start] = (messages + record.messages, angry + record.angry)

    def messages(self, topic: Topic, starts: Sequence[datetime]) -> list[int]:
        """The topic's message counts in these windows (0 where it had none)."""
        windows = self._by_topic.get(topic, {})
        return [windows.get(start, (0, 0))[0] for start in starts]

    def recent(self, topic: Topic, starts: Sequence[datetime]) -> tuple[int, ...]:
        """Like :meth:`messages`, as evidence."""
        return tuple(self.messages(topic, starts))

    def anger(self, topic: Topic, *, since: datetime, until: datetime) -> AngerBaseline:
        """The topic's angry and total messages in windows starting in ``[since, until)``."""
        angry = messages = 0
        for start, (count, cross) in self._by_topic.get(topic, {}).items():
            if since <= start < until:
                messages += count
                angry += cross
        return AngerBaseline(angry=angry, messages=messages)

    def forget_before(self, cutoff: datetime) -> None:
        """Drop windows that start before ``cutoff``: no baseline reads them any more."""
        for topic in list(self._by_topic):
            windows = self._by_topic[topic]
            for start in [s for s in windows if s < cutoff]:
                del windows[start]
            if not windows:
                del self._by_topic[topic]

    def records(self) -> Iterator[WindowCount]:
        """Every window held, by topic then time: what a store would save."""
        for topic in sorted(self._by_topic):
            for start, (messages, angry) in sorted(self._by_topic[topic].items()):
                yield WindowCount(topic=topic, start=start, messages=messages, angry=angry)
