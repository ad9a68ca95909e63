"""The processes' output, merged one line at a time, each with a time and a name.

The format is honcho's, so logs read as they did: ``12:00:01 rasa    | Rasa server is up``.
On a terminal the prefixes are coloured, one colour per process. The supervisor's own
lines come from ``system``; an alarm is marked as such and, on a terminal, red. A write
that fails (the terminal went away, a closed pipe) is dropped: the supervisor must go on
supervising whoever reads its output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TextIO

SYSTEM = "system"
_COLOURS = ("36", "33", "32", "35", "34", "1;36", "1;33", "1;32", "1;35", "1;34")
_ALARM = "1;31"


def format_line(text: str, *, name: str, width: int, at: datetime, colour: str | None) -> str:
    """One output line with its prefix.

    Args:
        text: The line, without its newline.
        name: The process it came from.
        width: The width names are padded to.
        at: When it was read.
        colour: An ANSI SGR code for the prefix, or None for plain text.

    Returns:
        The line as printed, newline included.
    """
    prefix = f"{at:%H:%M:%S} {name.ljust(width)} | "
    if colour is not None:
        prefix = f"\x1b[0m\x1b[{colour}m{prefix}\x1b[0m"
    return f"{prefix}{text}\n"


class LinePrinter:
    """Writes prefixed lines to a stream, flushing each one."""

    def __init__(
        self,
        *,
        names: Sequence[str],
        stream: TextIO,
        colour: bool,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        """Prepare a printer for a set of processes.

        Args:
            names: The processes' names, in Procfile order (colours follow it).
            stream: Where lines go.
            colour: Whether to colour the prefixes (for a terminal).
            now: The clock for timestamps.
        """
        self._stream = stream
        self._now = now
        self._width = max(len(name) for name in [*names, SYSTEM])
        self._colours: dict[str, str | None] = {
            name: _COLOURS[i % len(_COLOURS)] if colour else None for i, name in enumerate(names)
        }
        self._colour = colour

    def line(self, name: str, text: str) -> None:
        """Print a line of a process's output."""
        self._write(text, name=name, colour=self._colours.get(name))

    def system(self, text: str, *, alarm: bool = False) -> None:
        """Print a line of the supervisor's own; an alarm is marked and, on a terminal, red."""
        if alarm:
            text = f"ALARM: {text}"
        self._write(text, name=SYSTEM, colour=_ALARM if alarm and self._colour else None)

    def _write(self, text: str, *, name: str, colour: str | None) -> None:
        line = format_line(text, name=name, width=self._width, at=self._now(), colour=colour)
        try:
            self._stream.write(line)
            self._stream.flush()
        except (OSError, ValueError):
            pass
