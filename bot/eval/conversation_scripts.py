"""Scripted conversations for ``frontline eval conversations``: the YAML format of
``bench/conversations/README.md``, read and validated. Pure.

Every problem names its file, conversation and turn, so a typo in a script is found
before a benchmark runs for minutes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

WANTS = ("none", "chat", "person", "sensitive", "silent")
EXPECT = (
    "answer", "clarify", "no_answer", "offer", "no_offer", "handoff", "queued", "after_hours",
    "no_after_hours", "silent", "already_with_team", "apology", "buttons_disabled",
)  # fmt: skip
CHANNELS = ("web", "telegram", "slack", "rest")


class ScriptError(ValueError):
    """A script that does not follow the format; the message says where."""


@dataclass(frozen=True)
class Step:
    """One turn: the customer types or clicks, or an agent acts.

    Attributes:
        kind: ``say``, ``click``, ``type`` (a number for an option) or ``agent``.
        text: What is typed; the entry id, ``none`` or ``person`` for a click; the
            agent's action (``reply``, ``resolve``) for an agent turn.
        want: What a perfect bot gives the customer (see the README).
        offer: The message deserves an apology and an offer of a person.
        handoff: A person should take over at this turn.
        expect: Strict checks of what the bot sends on this turn.
        agent_text: What the agent writes (``agent: reply``).
    """

    kind: str
    text: str
    want: str | None = None
    offer: bool = False
    handoff: bool = False
    expect: tuple[str, ...] = ()
    agent_text: str = ""


@dataclass(frozen=True)
class Script:
    id: str
    language: str
    channel: str
    hours: str
    steps: tuple[Step, ...]
    source: str
    note: str = ""


def load_scripts(paths: list[Path], *, entries: Collection[str]) -> list[Script]:
    """Every conversation in ``paths``; ``entries`` are the knowledge base's ids."""
    scripts: list[Script] = []
    seen: set[str] = set()
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
            raise ScriptError(f"{path}: expected a mapping with a 'conversations' list")
        for index, raw in enumerate(data["conversations"], start=1):
            script = _script(raw, path, index, entries)
            if script.id in seen:
                raise ScriptError(f"{path}: conversation {script.id!r} appears twice")
            seen.add(script.id)
            scripts.append(script)
    return scripts


def _script(raw: Any, path: Path, index: int, entries: Collection[str]) -> Script:
    where = f"{path}, conversation {index}"
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise ScriptError(f"{where}: needs an 'id'")
    where = f"{path}, conversation {raw['id']!r}"
    channel, hours = raw.get("channel", "web"), raw.get("hours", "open")
    if channel not in CHANNELS:
        raise ScriptError(f"{where}, field 'channel': one of {', '.join(CHANNELS)}")
    if hours not in ("open", "closed"):
        raise ScriptError(f"{where}, field 'hours': 'open' or 'closed'")
    turns = raw.get("turns")
    if not isinstance(turns, list) or not turns:
        raise ScriptError(f"{where}, field 'turns': a non-empty list")
    steps = tuple(
        _step(turn, f"{where}, turn {number}", entries) for number, turn in enumerate(turns, 1)
    )
    return Script(
        id=raw["id"],
        language=str(raw.get("language", raw["id"].split("-")[0])),
        channel=channel,
        hours=hours,
        steps=steps,
        source=path.name,
        note=str(raw.get("note", "")),
    )


def _step(raw: Any, where: str, entries: Collection[str]) -> Step:
    if not isinstance(raw, dict):
        raise ScriptError(f"{where}: a mapping")
    kinds = [key for key in ("say", "click", "type", "agent") if key in raw]
    if len(kinds) != 1:
        raise ScriptError(f"{where}: exactly one of say, click, type, agent")
    kind = kinds[0]
    text = str(raw[kind])
    want = raw.get("want")
    if kind == "agent":
        if text not in ("reply", "resolve", "return"):
            raise ScriptError(f"{where}, field 'agent': reply, resolve or return")
        return Step("agent", text, agent_text=str(raw.get("text", "")))
    if kind == "click" and text not in ("none", "person") and text not in entries:
        raise ScriptError(f"{where}, field 'click': {text!r} is no entry, 'none' or 'person'")
    if want is not None and want not in WANTS and want not in entries:
        raise ScriptError(f"{where}, field 'want': {want!r} is no entry nor one of {WANTS}")
    expect = raw.get("expect") or []
    unknown = [token for token in expect if token not in EXPECT]
    if unknown:
        raise ScriptError(f"{where}, field 'expect': unknown {unknown}")
    return Step(
        kind=kind,
        text=text,
        want=str(want) if want is not None else None,
        offer=bool(raw.get("offer", False)),
        handoff=bool(raw.get("handoff", False)),
        expect=tuple(expect),
    )
