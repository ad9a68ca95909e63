"""Procfiles: which processes ``frontline supervise`` runs, one ``name: command`` a line.

The format is Heroku's and honcho's; blank lines and ``#`` comments are skipped. Each
command goes to ``/bin/sh -c`` as ``exec env COMMAND``: the shell expands ``$VAR`` and
``${VAR:-default}`` from the environment exactly as in a terminal, then replaces itself
(through ``env``, so leading ``VAR=value`` assignments still work) with the command. Signals
therefore reach the process itself, and its exit status is its own. A line is one command:
for several steps (``cd x && y``), write a script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(r"^(?P<name>[A-Za-z0-9_-]+):\s*(?P<command>\S.*)$")


class ProcfileError(ValueError):
    """A Procfile that cannot be run as written.

    Attributes:
        source: The file (or a label for the text).
        line: The 1-based line number, or 0 for the file as a whole.
        problem: What is wrong, for a person.
    """

    def __init__(self, source: str, line: int, problem: str) -> None:
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class ProcessSpec:
    """One process to keep running.

    Attributes:
        name: Its name, shown before each of its output lines.
        command: The command as written in the Procfile, unexpanded.
    """

    name: str
    command: str

    def argv(self) -> list[str]:
        """The argument vector that runs the command through the shell, exec'd."""
        return ["/bin/sh", "-c", f"exec env {self.command}"]


def parse_procfile(text: str, *, source: str = "Procfile") -> list[ProcessSpec]:
    """The processes a Procfile names, in file order.

    Args:
        text: The Procfile's content.
        source: Where it came from, for error messages.

    Returns:
        One spec per process line.

    Raises:
        ProcfileError: On a line that is not ``name: command``, a name used twice, or no
            process at all.
    """
    specs: list[ProcessSpec] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ProcfileError(source, number, f"expected 'name: command', got {line!r}")
        name = match["name"]
        if name in seen:
            raise ProcfileError(source, number, f"process {name!r} is named twice")
        seen.add(name)
        specs.append(ProcessSpec(name=name, command=match["command"].strip()))
    if not specs:
        raise ProcfileError(source, 0, "no processes (expected lines like 'web: command')")
    return specs


def read_procfile(path: Path) -> list[ProcessSpec]:
    """The processes of the Procfile at ``path`` (see :func:`parse_procfile`).

    Raises:
        ProcfileError: When the file is missing, unreadable or invalid.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProcfileError(str(path), 0, f"cannot read it ({error})") from error
    return parse_procfile(text, source=str(path))
