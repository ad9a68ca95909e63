"""The turn's engines built from the settings: what the action server runs with, and what
``frontline faq try`` and ``frontline eval conversations`` use, so all three agree.

Loading the encoder and the knowledge base is I/O, so it happens here, once, at
start-up; the engines themselves only compute.
"""

from __future__ import annotations

import logging

from bot.faq.cache import CachedEncoder, EmbeddingCache, RecentQueries
from bot.faq.encoders import Encoder, build_encoder
from bot.faq.reload import HotReloader
from bot.faq.service import FaqService
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


def build_encoder_for(settings: Settings) -> Encoder:
    """The FAQ's encoder, with the on-disk cache if enabled, remembering recent queries
    (the FAQ and the mood signals read each customer message)."""
    encoder: Encoder = build_encoder(settings.encoder)
    if settings.embedding_cache:
        cache = EmbeddingCache(settings.var_dir / "embeddings.sqlite3")
        encoder = CachedEncoder(encoder=encoder, cache=cache)
    return RecentQueries(encoder=encoder)


def build_engines(settings: Settings, *, watch: bool = True) -> TurnEngines:
    """Load the models, build the FAQ index and, if ``watch``, keep it in step with
    ``data/faq/`` in the background."""
    encoder = build_encoder_for(settings)
    reloader = HotReloader(
        folder=settings.faq_dir,
        encoder=encoder,
        default_language=settings.default_language,
        interval=settings.faq_reload_interval,
        scoring=settings.faq_scoring,
    )
    if watch:
        reloader.start()
    else:
        reloader.check()
    log.info("FAQ engine ready: %d entries, encoder %s", len(reloader.index), encoder.name)
    mood = MoodSignals(
        anger=AngerSignal.from_settings(settings, encoder=encoder),
        complaint=ComplaintSignal.load(spec=settings.encoder, encoder=encoder),
    )
    return TurnEngines(
        faq=FaqService(reloader=reloader, encoder=encoder, thresholds=settings.faq_thresholds),
        mood=mood,
        detector=LanguageDetector(languages=settings.languages),
        texts=bot_texts(settings),
        hours=load_hours(settings.hours_file),
        policy=load_policy(settings.escalation_file),
    )
