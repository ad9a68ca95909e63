"""The one factory that builds the services the actions use, once per process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

from bot.faq.cache import CachedEncoder, EmbeddingCache, RecentQueries
from bot.faq.encoders import Encoder, build_encoder
from bot.faq.reload import HotReloader
from bot.faq.service import FaqService
from bot.handoff.anger import AngerSignal
from bot.handoff.config import load_policy
from bot.handoff.policy import EscalationPolicy
from bot.hours.calendar import BusinessHours
from bot.hours.config import load_hours
from bot.locale.detect import LanguageDetector
from bot.settings import Settings, get_settings
from bot.store.db import create_database, session_factory
from bot.store.tickets import Tickets
from bot.store.translations import TranslationGaps
from bot.store.unanswered import UnansweredLog
from bot.tone.texts import BotTexts, bot_texts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    settings: Settings
    faq: FaqService
    detector: LanguageDetector
    gaps: UnansweredLog
    texts: BotTexts
    translations: TranslationGaps
    hours: BusinessHours
    tickets: Tickets
    anger: AngerSignal
    policy: EscalationPolicy
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))


def build_services(settings: Settings) -> Services:
    """Load the encoder, build the FAQ index and start watching ``data/faq/``."""
    encoder: Encoder = build_encoder(settings.encoder)
    if settings.embedding_cache:
        cache = EmbeddingCache(settings.var_dir / "embeddings.sqlite3")
        encoder = CachedEncoder(encoder=encoder, cache=cache)
    encoder = RecentQueries(encoder=encoder)  # the anger signal and the FAQ read each message
    reloader = HotReloader(
        folder=settings.faq_dir,
        encoder=encoder,
        default_language=settings.default_language,
        interval=settings.faq_reload_interval,
        scoring=settings.faq_scoring,
    )
    reloader.start()
    log.info("FAQ engine ready: %d entries, encoder %s", len(reloader.index), encoder.name)
    thresholds = settings.faq_thresholds
    sessions = session_factory(create_database(settings.database_url_or_default))
    return Services(
        settings=settings,
        faq=FaqService(reloader=reloader, encoder=encoder, thresholds=thresholds),
        detector=LanguageDetector(languages=settings.languages),
        gaps=UnansweredLog(sessions=sessions),
        texts=bot_texts(settings),
        translations=TranslationGaps(sessions=sessions),
        hours=load_hours(settings.hours_file),
        tickets=Tickets(sessions=sessions),
        anger=AngerSignal.from_settings(settings, encoder=encoder),
        policy=load_policy(settings.escalation_file),
    )


@lru_cache(maxsize=1)
def get_services() -> Services:
    """The process-wide services, built on first use (or at start-up by ``frontline actions``)."""
    return build_services(get_settings())
