"""The root of Frontline's own errors, and the one error for an invalid configuration file.

Callers catch :class:`FrontlineError` to handle anything Frontline raises on purpose, or a
subclass for one kind. A :class:`ConfigError` carries every problem it found as data (file,
entry, field), so a command line can print them one per line and a test can check a field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class FrontlineError(Exception):
    """Something Frontline refuses on purpose, with a message a person can act on."""


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong in a configuration file.

    Attributes:
        file: The file, as the operator would type it.
        entry: The entry it is in (``topics[2] (app-outage)``), or ``""`` at the top level.
        field: The field (``keywords.en[3]``), or ``""`` for the entry as a whole.
        message: What is wrong and what would be right.
    """

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        place = ": ".join(part for part in (self.file, self.entry, self.field) if part)
        return f"{place}: {self.message}"


class ConfigError(FrontlineError, ValueError):
    """A configuration file is invalid; ``problems`` lists every problem found in it."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        if not problems:
            raise ValueError("a ConfigError needs at least one problem")
        self.problems = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))

    @property
    def file(self) -> str:
        """The file of the first problem."""
        return self.problems[0].file

    @property
    def entry(self) -> str:
        """The entry of the first problem."""
        return self.problems[0].entry

    @property
    def field(self) -> str:
        """The field of the first problem."""
        return self.problems[0].field
