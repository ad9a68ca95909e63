"""Topics and anger for the texts of a trace, computed once per distinct text.

Traces repeat the same dataset queries many times, so each distinct text is matched once:

- FAQ topic: the real engine (:func:`bot.faq.index.build_index`, ``search`` and
  :func:`bot.faq.matcher.decide` at the settings' thresholds, or the thresholds the
  knowledge base calibrates itself, as the bot would), then
  :func:`bot.crisis.topics.faq_topics`: the answered entry or a clarification's first choice;
- keyword topics: ``crisis.yml``'s sets;
- anger: the bot's anger signal (:class:`bot.handoff.anger.AngerSignal`) on the text alone.

Vectors of queries and phrasings are kept in ``var/bench-embeddings.sqlite3``, so a second
run on the same trace embeds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from bot.crisis.topics import KeywordTopics, Topic, faq_topics
from bot.faq.cache import CachedEncoder, EmbeddingCache
from bot.faq.encoders import Encoder, build_encoder
from bot.faq.matcher import decide
from bot.settings import Settings

CHUNK = 256


def stored_encoders(spec: str, cache: EmbeddingCache) -> tuple[Encoder, dict[str, Encoder]]:
    """The encoder ``spec`` names with stored vectors, and its parts by spec (the anger
    signal reads one of them)."""
    from bot.faq.encoders.combined import CombinedEncoder

    parts: dict[str, Encoder] = {
        part: CachedEncoder(encoder=build_encoder(part), cache=cache, cache_queries=True)
        for part in (p.strip() for p in spec.split("+"))
        if part
    }
    encoders = list(parts.values())
    combined = encoders[0] if len(encoders) == 1 else CombinedEncoder(encoders)
    return combined, {**parts, spec: combined}


def faq_topic_table(
    texts: Sequence[str], *, kb_path: Path, settings: Settings, encoder: Encoder
) -> dict[str, tuple[Topic, ...]]:
    """Each text's FAQ topic (or none) against the knowledge base at ``kb_path``: a FAQ
    folder such as ``data/faq``, or a ``text,label`` CSV of phrasings (one entry per label).

    Raises:
        ValueError: The CSV is malformed.
        KnowledgeBaseInvalid: The folder does not validate.
    """
    from bot.eval.datasets import read_csv
    from bot.eval.faq import knowledge_base
    from bot.faq.calibrate import calibrate, load_offtopic
    from bot.faq.index import build_index
    from bot.faq.loader import load_knowledge_base

    language = settings.default_language
    kb = (
        load_knowledge_base(kb_path, default_language=language)
        if kb_path.is_dir()
        else knowledge_base(read_csv(kb_path))
    )
    scoring = settings.faq_scoring
    index = build_index(kb, encoder=encoder, scoring=scoring, default_language=language)
    thresholds = settings.faq_thresholds
    if thresholds is None:
        offtopic = load_offtopic()
        found = calibrate(
            index,
            encoder=encoder,
            scoring=scoring,
            offtopic=encoder.encode_queries(offtopic),
            offtopic_texts=offtopic,
            target_precision=settings.faq_target_precision,
            oos_recall=settings.faq_oos_recall,
            max_choices=settings.faq_max_choices,
            default_language=language,
        )
        thresholds = found.thresholds if found else settings.faq_fallback_thresholds
    distinct = list(dict.fromkeys(texts))
    table: dict[str, tuple[Topic, ...]] = {}
    for start in range(0, len(distinct), CHUNK):
        chunk = distinct[start : start + CHUNK]
        for text, vector in zip(chunk, encoder.encode_queries(chunk)):
            hits = index.search(vector, k=max(thresholds.max_choices, 2), text=text)
            table[text] = faq_topics(decide(hits, thresholds))
    return table


def keyword_topic_table(
    texts: Iterable[str], topics: KeywordTopics
) -> dict[str, tuple[Topic, ...]]:
    """Each distinct text's keyword topics."""
    return {text: topics.topics_of(text) for text in dict.fromkeys(texts)}


def anger_table(
    texts: Sequence[str], *, settings: Settings, encoders: Mapping[str, Encoder]
) -> dict[str, bool]:
    """Whether the anger signal calls each distinct text angry (with no history)."""
    from bot.handoff.anger import AngerSignal

    signal = AngerSignal.from_settings(settings, encoders=encoders)
    distinct = list(dict.fromkeys(texts))
    table: dict[str, bool] = {}
    for start in range(0, len(distinct), CHUNK):
        chunk = distinct[start : start + CHUNK]
        table.update(zip(chunk, (score.angry for score in signal.score(chunk))))
    return table


def merge(*tables: Mapping[str, tuple[Topic, ...]]) -> dict[str, tuple[Topic, ...]]:
    """One table of topics per text from several (FAQ and keywords)."""
    merged: dict[str, tuple[Topic, ...]] = {}
    for table in tables:
        for text, topics in table.items():
            merged[text] = merged.get(text, ()) + topics
    return merged
