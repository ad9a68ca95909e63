"""Suggestions as editors see them: one JSON object, or a few lines of text, per cluster.

Everything shown comes from :class:`bot.insight.gaps.GapCluster`, whose texts are
redacted already. ``frontline faq suggest --save`` keeps them in ``var/`` for the
editors' page of the inbox, which cannot afford to load the encoders itself.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypedDict

from bot.insight.drafts import draft_entry
from bot.insight.gaps import GapCluster
from bot.settings import Settings


class NearestPayload(TypedDict):
    entry_id: str
    similarity: float
    matched: str


class SuggestionPayload(TypedDict):
    """One cluster in ``frontline faq suggest --json``."""

    rank: int
    kind: str  # "missing_variant" of ``nearest``, or "new_entry"
    size: int  # distinct conversations
    questions: int
    languages: list[str]
    examples: list[str]
    first_asked: str
    last_asked: str
    impact: float
    sources: dict[str, int]
    nearest: NearestPayload | None
    candidate_answers: list[str]
    draft: dict[str, object]


def payload(
    cluster: GapCluster, *, rank: int, examples: int, default_language: str, today: date
) -> SuggestionPayload:
    nearest = cluster.nearest
    return SuggestionPayload(
        rank=rank,
        kind="new_entry" if nearest is None else "missing_variant",
        size=cluster.size,
        questions=len(cluster.members),
        languages=cluster.languages,
        examples=cluster.examples(examples),
        first_asked=cluster.first_asked.isoformat(timespec="seconds"),
        last_asked=cluster.last_asked.isoformat(timespec="seconds"),
        impact=cluster.impact,
        sources=cluster.sources,
        nearest=None
        if nearest is None
        else NearestPayload(
            entry_id=nearest.entry_id, similarity=nearest.similarity, matched=nearest.matched
        ),
        candidate_answers=list(cluster.agent_replies),
        draft=draft_entry(cluster, default_language=default_language, today=today),
    )


def describe(cluster: GapCluster, *, rank: int, examples: int) -> list[str]:
    """The cluster for a terminal: a heading line, then indented details."""
    heading = (
        f"{rank:>3}. {cluster.size} conversation(s), {len(cluster.members)} question(s) "
        f"[{', '.join(cluster.languages)}], last asked {cluster.last_asked.date().isoformat()}"
    )
    lines = [heading, f'     question: "{cluster.medoid.text}"']
    lines += [f'       - "{text}"' for text in cluster.examples(examples)[1:]]
    if cluster.nearest is not None:
        lines.append(
            f"     missing variant of {cluster.nearest.entry_id}? "
            f'(similarity {cluster.nearest.similarity:.2f}, "{cluster.nearest.matched}")'
        )
    else:
        lines.append("     new entry: nothing in the knowledge base is close")
    lines += [
        f"     agent answered: {' '.join(r.split())[:200]}" for r in cluster.agent_replies[:2]
    ]
    return lines


def suggestions_file(settings: Settings) -> Path:
    """Where ``frontline faq suggest --save`` keeps the suggestions for the inbox."""
    return settings.var_dir / "suggestions.json"


def save_suggestions(
    found: list[SuggestionPayload], *, path: Path, at: datetime, since: datetime
) -> Path:
    """Write them atomically: the inbox may be reading the previous ones."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"computed_at": at.isoformat(), "since": since.isoformat(), "suggestions": found}
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(path)
    return path


def load_suggestions(path: Path) -> dict[str, Any]:
    """The saved suggestions, or none with ``computed_at`` None when never computed."""
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {"computed_at": None, "since": None, "suggestions": []}
