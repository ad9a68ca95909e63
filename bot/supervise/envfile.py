"""The ``.env`` file, put into the processes' environment as honcho did before us.

``make run`` used to get this from honcho: a ``FRONTLINE_RASA_PORT`` set in ``.env`` reaches
the Procfile's ``${FRONTLINE_RASA_PORT:-5005}``. Lines are ``KEY=value``, optionally after
``export``, with the value bare (an inline `` #`` comment is dropped) or in single or double
quotes, as the settings read the same file; other lines are skipped. The environment wins
over the file, as for the settings (honcho let the file win).
"""

from __future__ import annotations

import re

_ASSIGNMENT = re.compile(r"^(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.*)$")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def parse_env_file(text: str) -> dict[str, str]:
    """The variables a ``.env`` file sets.

    Args:
        text: The file's content.

    Returns:
        Each assignment's key and value, unquoted; in double quotes, ``\\n``, ``\\t``,
        ``\\"`` and ``\\\\`` are escapes.
    """
    values: dict[str, str] = {}
    for line in text.splitlines():
        match = _ASSIGNMENT.match(line.strip())
        if match is not None:
            values[match["key"]] = _value(match["value"].strip())
    return values


def _value(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[0]), raw[1:-1])
    return re.sub(r"\s+#.*$", "", raw)
