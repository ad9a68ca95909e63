"""The turn's engines built from the settings: what the action server runs with, and what
``frontline faq try`` and ``frontline eval conversations`` use, so all three agree.

Loading the encoders and the knowledge base is I/O, so it happens here, once, at
start-up; the engines themselves only compute.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from bot.crisis.config import load_crisis
from bot.faq.background_tune import BackgroundTuner
from bot.faq.cache import CachedEncoder, EmbeddingCache, RecentQueries
from bot.faq.calibrate import Calibration, calibrate, load_offtopic
from bot.faq.encoders import Encoder, build_encoder
from bot.faq.encoders.combined import CombinedEncoder
from bot.faq.index import FaqIndex
from bot.faq.reload import HotReloader
from bot.faq.service import FaqService
from bot.faq.tuning import BASE_LANGUAGE as TUNED_LANGUAGE
from bot.faq.tuning import read_verdict
from bot.handoff.anger import AngerSignal
from bot.handoff.complaint import ComplaintSignal
from bot.handoff.config import load_policy
from bot.handoff.mood import MoodSignals
from bot.hours.config import load_hours
from bot.locale.detect import LanguageDetector
from bot.settings import Settings
from bot.tone.texts import bot_texts
from bot.turn.engines import TurnEngines

log = logging.getLogger(__name__)


def build_encoders(settings: Settings) -> tuple[Encoder, dict[str, Encoder]]:
    """The FAQ's encoder and the configured ones by spec (the mood signals read those).

    Each caches document vectors on disk (if enabled) and remembers recent queries, so
    the FAQ and the mood signals, which read the same message, embed it once.
    """
    cache = EmbeddingCache(settings.var_dir / "embeddings.sqlite3")
    parts: dict[str, Encoder] = {}
    for spec in [part.strip() for part in settings.encoder.split("+") if part.strip()]:
        encoder = build_encoder(spec)
        if settings.embedding_cache:
            encoder = CachedEncoder(encoder=encoder, cache=cache)
        parts[spec] = RecentQueries(encoder=encoder)
    components = list(parts.values())
    combined = components[0] if len(components) == 1 else CombinedEncoder(components)
    return combined, {**parts, settings.encoder: combined}


def tuned_model(settings: Settings) -> str | None:
    """The folder of the model ``frontline faq tune`` kept, if it answers better."""
    if not settings.faq_use_tuned:
        return None
    verdict = read_verdict(settings.var_dir / "tuned")
    if verdict is None or not verdict.better or not verdict.model:
        return None
    if not Path(verdict.model).is_dir():
        return None
    log.info(
        "FAQ: English questions go to the model tuned on this knowledge base (top-1 %.1f%% "
        "against %.1f%% for %s on held-out English phrasings)",
        100 * verdict.tuned_top1,
        100 * verdict.base_top1,
        verdict.base_encoder,
    )
    return verdict.model


def tuned_encoder(
    settings: Settings, model: str, *, cache: EmbeddingCache | None = None
) -> Encoder:
    """A tuned model as the FAQ's encoder (cached like the configured ones)."""
    from bot.faq.encoders.sentence_transformers import SentenceTransformerEncoder

    encoder: Encoder = SentenceTransformerEncoder(model)
    if settings.embedding_cache:
        cache = cache or EmbeddingCache(settings.var_dir / "embeddings.sqlite3")
        encoder = CachedEncoder(encoder=encoder, cache=cache)
    return RecentQueries(encoder=encoder)


def _faq_index(
    settings: Settings, encoder: Encoder, *, calibrate: bool, watch: bool
) -> HotReloader:
    """The knowledge base embedded with ``encoder`` (thresholds calibrated on it, if
    ``calibrate``), loaded now and, if ``watch``, kept in step with ``data/faq/``."""
    reloader = HotReloader(
        folder=settings.faq_dir,
        encoder=encoder,
        default_language=settings.default_language,
        interval=settings.faq_reload_interval,
        scoring=settings.faq_scoring,
        calibrator=calibrator_for(settings, encoder) if calibrate else None,
    )
    if watch:
        reloader.start()
    else:
        reloader.check()
    return reloader


def calibrator_for(
    settings: Settings, encoder: Encoder
) -> Callable[[FaqIndex], Calibration | None]:
    """Thresholds for each new index (:mod:`bot.faq.calibrate`), logged as they are chosen."""
    texts = load_offtopic()
    vectors: list[object] = []  # the off-topic messages, embedded on first use

    def run(index: FaqIndex) -> Calibration | None:
        if not vectors:
            vectors.append(encoder.encode_queries(texts))
        found = calibrate(
            index,
            encoder=encoder,
            scoring=settings.faq_scoring,
            offtopic=vectors[0],  # type: ignore[arg-type]
            offtopic_texts=texts,
            target_precision=settings.faq_target_precision,
            oos_recall=settings.faq_oos_recall,
            max_choices=settings.faq_max_choices,
            default_language=settings.default_language,
        )
        if found is not None:
            log.info(
                "FAQ thresholds calibrated: answer %.3f, margin %.3f, clarify %.3f; expected "
                "%.0f%% of answerable questions answered at %.0f%% precision",
                found.thresholds.answer,
                found.thresholds.margin,
                found.thresholds.clarify,
                100 * found.answer_rate,
                100 * found.precision,
            )
        return found

    return run


def build_engines(settings: Settings, *, watch: bool = True) -> TurnEngines:
    """Load the models, build the FAQ index and, if ``watch``, keep it in step with
    ``data/faq/`` in the background."""
    encoder, parts = build_encoders(settings)
    fixed = settings.faq_thresholds
    reloader = _faq_index(settings, encoder, calibrate=fixed is None, watch=watch)
    log.info("FAQ engine ready: %d entries, encoder %s", len(reloader.index), encoder.name)
    mood = MoodSignals(
        anger=AngerSignal.from_settings(settings, encoders=parts),
        complaint=ComplaintSignal.load(encoders=parts),
    )
    faq = FaqService(
        reloader=reloader,
        thresholds=fixed,
        fallback=settings.faq_fallback_thresholds,
    )

    def adopt(model: str) -> None:
        # The tuned model reads English only: English questions get an index of their own.
        tuned = _faq_index(settings, tuned_encoder(settings, model), calibrate=True, watch=watch)
        old = faq.route(TUNED_LANGUAGE, tuned)
        if old is not None:
            old.stop()

    # Operators' fixed thresholds were set for the configured encoder's scores.
    model = tuned_model(settings) if fixed is None else None
    if model is not None:
        adopt(model)
    if watch and settings.faq_tune_in_background and fixed is None:
        tuner = BackgroundTuner(reloader=reloader, folder=settings.var_dir / "tuned", adopt=adopt)
        tuner.using(model)
        tuner.start()
    topics = load_crisis(settings.crisis_file).topics
    return TurnEngines(
        faq=faq,
        mood=mood,
        detector=LanguageDetector(languages=settings.languages),
        texts=bot_texts(settings),
        hours=load_hours(settings.hours_file),
        policy=load_policy(settings.escalation_file),
        keyword_topics=lambda text: tuple(topic.key for topic in topics.topics_of(text)),
    )
