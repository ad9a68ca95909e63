"""Back-pressure: how many turns a Rasa server process works on at once.

Past the limit, a new message is not queued behind the others (where it would wait
for a minute and more, then time out half-done); its sender hears at once, in their
language, that we are busy and should send it again shortly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class TurnSlots:
    """A counter of turns in flight with a ceiling. One per process, shared by channels;
    the event loop runs it, so no lock is needed."""

    def __init__(self, *, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.in_flight = 0
        self.refused = 0

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """Yields True while holding a slot, or False (holding nothing) when all are taken."""
        if self.in_flight >= self.limit:
            self.refused += 1
            yield False
            return
        self.in_flight += 1
        try:
            yield True
        finally:
            self.in_flight -= 1
