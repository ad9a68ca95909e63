"""Gap mining: the questions the knowledge base failed, grouped and ranked for editors.

Each group is a cluster of questions (:mod:`bot.insight.clusters`) that several
conversations asked, in one or several languages. It is ranked by its *impact*: the
number of conversations behind it, each weighted by how recent it is (a conversation a
half-life old counts half). It carries what an editor needs to act: examples, a draft
entry (:mod:`bot.insight.drafts`), and the nearest existing entry when the cluster looks
like a missing variant of it rather than a missing entry.

Every text is redacted (:func:`bot.faq.redact.redact_text`) before anything else reads
it, so no suggestion can show an email, a phone, an order or card number, or a name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from bot.faq.encoders.base import Encoder, normalise
from bot.faq.index import FaqIndex
from bot.faq.redact import redact_text
from bot.insight.clusters import NOISE, ClusterSettings, cluster_labels, paraphrase_whitening
from bot.insight.questions import AskedQuestion


@dataclass(frozen=True)
class GapSettings:
    """How clusters are formed, ranked and compared with the knowledge base.

    Attributes:
        clusters: the clustering parameters.
        half_life_days: a conversation this old counts half in the ranking.
        variant_similarity: a cluster whose centre is at least this close (cosine) to an
            entry's nearest phrasing is shown as a missing variant of that entry. High on
            purpose: on BANKING77's calibration split no lower level told missing variants
            from missing entries (``reports/gap-mining.md``), so only a cluster almost
            identical to a phrasing is shown as one.
        examples: how many example questions a suggestion shows.
    """

    clusters: ClusterSettings = field(default_factory=ClusterSettings)
    half_life_days: float = 14.0
    variant_similarity: float = 0.95
    examples: int = 5


@dataclass(frozen=True)
class Member:
    """One question of a cluster, redacted, with its closeness to the cluster's centre."""

    text: str
    language: str
    conversation_id: str
    asked_at: datetime
    source: str
    closeness: float


@dataclass(frozen=True)
class NearestEntry:
    entry_id: str
    similarity: float
    matched: str


@dataclass(frozen=True)
class GapCluster:
    """One suggestion: a group of questions the knowledge base did not answer.

    Attributes:
        members: every question, closest to the centre first.
        medoid: the member closest to all others: the draft's question.
        agent_replies: what agents answered in these conversations (redacted).
        nearest: the closest existing entry, when close enough to be a missing variant.
        impact: conversations weighted by recency; the ranking key.
    """

    members: tuple[Member, ...]
    medoid: Member
    agent_replies: tuple[str, ...]
    nearest: NearestEntry | None
    impact: float

    @property
    def size(self) -> int:
        """Distinct conversations: one customer asking five times counts once."""
        return len({m.conversation_id for m in self.members})

    @property
    def languages(self) -> list[str]:
        """Languages, most frequent first."""
        counts = Counter(m.language for m in self.members)
        return sorted(counts, key=lambda lang: (-counts[lang], lang))

    @property
    def first_asked(self) -> datetime:
        return min(m.asked_at for m in self.members)

    @property
    def last_asked(self) -> datetime:
        return max(m.asked_at for m in self.members)

    @property
    def sources(self) -> dict[str, int]:
        return dict(Counter(m.source for m in self.members))

    def examples(self, count: int) -> list[str]:
        """Up to ``count`` different questions, the most typical first."""
        seen: dict[str, str] = {}
        for member in self.members:
            seen.setdefault(" ".join(member.text.casefold().split()), member.text)
        return list(seen.values())[:count]


def mine_gaps(
    questions: Sequence[AskedQuestion],
    *,
    encoder: Encoder,
    index: FaqIndex | None,
    now: datetime,
    settings: GapSettings | None = None,
) -> list[GapCluster]:
    """Group ``questions`` and rank the groups, the most pressing first.

    ``index`` must have been built with ``encoder`` (its vectors are compared with the
    questions', and its phrasings teach the clustering what a paraphrase is); None skips
    both. Questions that fit no group are left out: one customer's odd question is no
    content gap.
    """
    settings = settings or GapSettings()
    if not questions:
        return []
    texts = [redact_text(q.text, names=q.names) for q in questions]
    vectors = normalise(encoder.encode_queries(texts))
    if index is not None and len(index) and index.vectors.shape[1] != vectors.shape[1]:
        raise ValueError("the FAQ index was built with another encoder than the questions'")
    whitening = None
    if index is not None and len(index) > 1 and settings.clusters.whitening:
        whitening = paraphrase_whitening(index.vectors, index.starts, settings.clusters.whitening)
    languages = [q.language for q in questions]
    labels = cluster_labels(vectors, languages, settings.clusters, whitening=whitening)
    found = []
    for label in sorted(set(labels.tolist()) - {NOISE}):
        rows = np.flatnonzero(labels == label)
        found.append(_cluster(rows, questions, texts, vectors, index, now, settings))
    return sorted(found, key=lambda c: (-c.impact, -c.size, -c.last_asked.timestamp()))


def _cluster(
    rows: np.ndarray,
    questions: Sequence[AskedQuestion],
    texts: Sequence[str],
    vectors: np.ndarray,
    index: FaqIndex | None,
    now: datetime,
    settings: GapSettings,
) -> GapCluster:
    block = vectors[rows]
    closeness = (block @ block.T).mean(axis=1)
    order = np.argsort(-closeness, kind="stable")
    members = tuple(
        Member(
            text=texts[rows[i]],
            language=questions[rows[i]].language,
            conversation_id=questions[rows[i]].conversation_id,
            asked_at=questions[rows[i]].asked_at,
            source=questions[rows[i]].source.value,
            closeness=round(float(closeness[i]), 4),
        )
        for i in order
    )
    replies: dict[str, None] = {}
    for row in rows:
        asked = questions[row]
        for reply in asked.agent_replies:
            replies.setdefault(redact_text(reply, names=asked.names), None)
    centre = normalise(block.mean(axis=0))[0]
    return GapCluster(
        members=members,
        medoid=members[0],
        agent_replies=tuple(replies),
        nearest=nearest_entry(centre, index, settings.variant_similarity),
        impact=round(impact(members, now, settings.half_life_days), 4),
    )


def nearest_entry(
    centre: np.ndarray, index: FaqIndex | None, threshold: float
) -> NearestEntry | None:
    """The entry whose nearest phrasing is closest to the cluster's centre, if at least
    ``threshold`` close (else the cluster asks for a new entry)."""
    if index is None or not len(index):
        return None
    if index.vectors.shape[1] != centre.shape[0]:
        raise ValueError("the FAQ index was built with another encoder than the questions'")
    hits = index.search(centre, k=1)
    if not hits or hits[0].similarity < threshold:
        return None
    best = hits[0]
    return NearestEntry(best.entry_id, round(best.similarity, 4), best.matched)


def impact(members: Sequence[Member], now: datetime, half_life_days: float) -> float:
    """Conversations, each weighted ``0.5 ** (age / half-life)`` by its latest question."""
    latest: dict[str, datetime] = {}
    for member in members:
        known = latest.get(member.conversation_id)
        if known is None or member.asked_at > known:
            latest[member.conversation_id] = member.asked_at
    ages = [max((now - at).total_seconds(), 0.0) / 86400 for at in latest.values()]
    return float(sum(0.5 ** (age / half_life_days) for age in ages))
