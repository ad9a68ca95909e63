"""The FAQ engine end to end on the shipped knowledge base, with the configured real encoder.

The expected outcomes are product behaviour; the thresholds come from the settings as
the knowledge base calibrates them at load (as the bot does), never from these questions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.faq.cache import CachedEncoder, EmbeddingCache
from bot.faq.encoders import Encoder
from bot.faq.matcher import Outcome
from bot.faq.reload import HotReloader
from bot.faq.service import FaqService
from bot.runtime import calibrator_for
from bot.settings import Settings

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Engine:
    service: FaqService
    reloader: HotReloader
    encoder: Encoder


@pytest.fixture(scope="module")
def engine(
    default_encoder: Encoder,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Engine]:
    """The engine as the bot builds it, its document vectors cached across test runs."""
    settings = Settings()
    pytest_cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    cache_dir = (
        pytest_cache.mkdir("frontline-embeddings")
        if pytest_cache is not None
        else tmp_path_factory.mktemp("embeddings")
    )
    cache = EmbeddingCache(cache_dir / "embeddings.sqlite3")
    encoder = CachedEncoder(encoder=default_encoder, cache=cache)
    reloader = HotReloader(
        folder=settings.faq_dir,
        encoder=encoder,
        scoring=settings.faq_scoring,
        calibrator=calibrator_for(settings, encoder),
    )
    report = reloader.check()
    assert report is not None and report.errors == ()
    assert reloader.calibration is not None
    service = FaqService(
        reloader=reloader, thresholds=None, fallback=settings.faq_fallback_thresholds
    )
    yield Engine(service, reloader, encoder)
    cache.close()


@pytest.fixture
def service(engine: Engine) -> FaqService:
    return engine.service


def scores(engine: Engine, text: str) -> str:
    """The top scores, for failure messages (the thresholds are being calibrated)."""
    query = engine.encoder.encode_queries([text])[0]
    hits = engine.reloader.index.search(query, k=4)
    found = ", ".join(f"{hit.entry_id}={hit.score:.4f}" for hit in hits)
    return f"{text!r}: {found} with {engine.service.thresholds}"


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("how do I reset my password?", "reset-password"),
        ("wie ändere ich meine Adresse?", "change-address"),
        ("¿cuánto tarda un reembolso?", "refund-time"),
    ],
)
def test_a_clear_question_is_answered(engine: Engine, text: str, entry_id: str) -> None:
    result = engine.service.ask(text)

    assert result.decision.outcome is Outcome.ANSWER, scores(engine, text)
    assert [entry.id for entry in result.entries] == [entry_id]
    assert result.entries[0].answer["en"]


def test_an_unrelated_question_has_no_answer(engine: Engine) -> None:
    text = "what's the weather in Paris tomorrow?"

    result = engine.service.ask(text)

    assert result.decision.outcome is Outcome.NO_ANSWER, scores(engine, text)


def test_an_ambiguous_question_offers_both_readings(engine: Engine) -> None:
    text = "I need to correct the address"

    result = engine.service.ask(text)

    assert result.decision.outcome is Outcome.CLARIFY, scores(engine, text)
    offered = [entry.id for entry in result.entries]
    assert {"change-address", "change-order-address"} <= set(offered), scores(engine, text)
    assert len(offered) <= engine.service.thresholds.max_choices


def test_an_entry_is_found_by_id(service: FaqService) -> None:
    entry = service.entry("refund-time")

    assert entry is not None and entry.id == "refund-time"
    assert service.entry("no-such-entry") is None
