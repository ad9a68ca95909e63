"""What a customer message is about, for counting surges: a topic.

A topic is one of three things, told apart by its kind:

- ``faq``: a FAQ entry. The caller matches the message with the FAQ engine and passes the
  decision to :func:`faq_topics`; nothing here embeds text.
- ``gap``: a cluster of questions the knowledge base has no answer for (its id comes from
  the clustering that finds them).
- ``keywords``: a set of words an operator defines in ``crisis.yml`` for what the FAQ does
  not name yet ("outage", "app down"), matched by :class:`KeywordTopics`.

One message may belong to several topics (an entry and a keyword set), and counts in each.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.faq.matcher import Decision, Outcome

TopicKind = Literal["faq", "gap", "keywords"]
KINDS: tuple[TopicKind, ...] = ("faq", "gap", "keywords")


@dataclass(frozen=True, order=True)
class Topic:
    """A topic, named by its kind and its id within that kind.

    Attributes:
        kind: ``faq``, ``gap`` or ``keywords``.
        id: The FAQ entry id, gap-cluster id or keyword-set id.
    """

    kind: TopicKind
    id: str

    @property
    def key(self) -> str:
        """``kind:id``, the form stored with counts and shown to agents."""
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, key: str) -> Topic:
        """The topic a :attr:`key` names.

        Raises:
            ValueError: ``key`` is not ``kind:id`` with a known kind.
        """
        kind, _, ident = key.partition(":")
        for known in KINDS:
            if kind == known and ident:
                return cls(known, ident)
        raise ValueError(f"not a topic key (faq:, gap: or keywords: and an id): {key!r}")


class TopicAssigner(Protocol):
    """Anything that tells which of its topics a message belongs to."""

    def topics_of(self, text: str) -> tuple[Topic, ...]:
        """The topics ``text`` belongs to; empty when none."""
        ...


def faq_topics(decision: Decision) -> tuple[Topic, ...]:
    """The FAQ topic of a matcher decision: the answered entry, or the first choice of a
    clarification (the entry the customer most likely means); none for no answer."""
    if decision.outcome is Outcome.NO_ANSWER or decision.best is None:
        return ()
    return (Topic("faq", decision.best.entry_id),)


@dataclass(frozen=True)
class KeywordSet:
    """An operator's topic: keywords per language.

    Attributes:
        id: The topic id (lowercase letters, digits and dashes).
        keywords: Per language, words or phrases; a ``*`` at either end matches any
            letters there (``crash*``: crash, crashes, crashed; ``*رفض*`` also with the
            prefixes and suffixes Arabic attaches to a word).
        title: What agents see as the topic's name.
    """

    id: str
    keywords: Mapping[str, Sequence[str]]
    title: str = ""


class KeywordTopics:
    """Keyword-set topics, matched as whole words or phrases, case and accents ignored.

    A message is matched against every language's list, not only its detected language:
    detection errs on short messages, and a keyword list is specific enough on its own.

    Args:
        sets: The operator's keyword sets.
    """

    def __init__(self, *, sets: Sequence[KeywordSet]) -> None:
        self.sets = tuple(sets)
        self._patterns = [
            (Topic("keywords", item.id), _pattern(w for ws in item.keywords.values() for w in ws))
            for item in self.sets
        ]

    def topics_of(self, text: str) -> tuple[Topic, ...]:
        """The keyword topics ``text`` mentions, in the order they are defined."""
        folded = fold(text)
        return tuple(topic for topic, pattern in self._patterns if pattern.search(folded))


def fold(text: str) -> str:
    """``text`` in lower case without accents, for matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _pattern(keywords: Iterable[str]) -> re.Pattern[str]:
    parts = []
    for keyword in keywords:
        word = fold(keyword).strip()
        body = r"\s+".join(re.escape(piece) for piece in word.strip("*").split())
        start = "" if word.startswith("*") else r"(?<!\w)"
        end = r"\w*" if word.endswith("*") else r"(?!\w)"
        parts.append(start + body + end)
    return re.compile("|".join(parts) if parts else r"(?!x)x")
