"""A short extractive summary of what the customer said, for the agent's card. Pure.

The customer's messages are scored by how many of the conversation's content
words they carry (a message that restates the problem scores high; "ok" and
"thanks" score nothing), and the best ones are kept in their original order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"\w+", re.UNICODE)
_MIN_WORD = 3


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold()) if len(w) >= _MIN_WORD]


def summarise(messages: Sequence[str], *, max_sentences: int = 2, max_chars: int = 280) -> str:
    """Up to ``max_sentences`` of the customer's own messages, most informative first chosen.

    Args:
        messages: The customer's messages, oldest first.
        max_sentences: How many messages the summary may quote.
        max_chars: The summary is cut at a word boundary past this length.
    """
    texts = [m.strip() for m in messages if _words(m)]
    if not texts:
        return ""
    frequency = Counter(w for text in texts for w in set(_words(text)))

    def score(text: str) -> float:
        words = set(_words(text))
        return sum(frequency[w] for w in words) / (1 + len(words)) ** 0.5

    ranked = sorted(range(len(texts)), key=lambda i: (-score(texts[i]), -i))
    chosen = sorted(ranked[:max_sentences])
    summary = " … ".join(texts[i] for i in chosen)
    if len(summary) > max_chars:
        summary = summary[:max_chars].rsplit(" ", 1)[0] + " …"
    return summary
