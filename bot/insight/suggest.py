"""Suggestions as editors see them: one JSON object, or a few lines of text, per cluster.

Everything shown comes from :class:`bot.insight.gaps.GapCluster`, whose texts are
redacted already.
"""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from bot.insight.drafts import draft_entry
from bot.insight.gaps import GapCluster


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
