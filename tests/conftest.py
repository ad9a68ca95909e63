"""Fixtures shared by the whole suite.

Real models are expensive: each is loaded at most once per session, and only when a test
asks for it (such tests are marked ``slow``). Unit tests use ``fake_encoder`` instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# A test never starts a minutes-long tuning run in the background (its own tests do).
os.environ.setdefault("FRONTLINE_FAQ_TUNE_IN_BACKGROUND", "false")

from bot.faq.encoders import Encoder, build_encoder
from tests.auxil.fake_encoder import FakeEncoder

# Throwaway PostgreSQL and Redis servers for the store's tests (postgres_url,
# fresh_postgres_url, redis_url), and the guard that keeps every test on 127.0.0.1.
pytest_plugins = ("tests.auxil.postgres", "tests.auxil.redis_server", "tests.auxil.network_guard")


@pytest.fixture(scope="session")
def load_encoder() -> Callable[[str], Encoder]:
    """``load_encoder(spec)``: a real encoder, built on first use and shared for the session."""
    loaded: dict[str, Encoder] = {}

    def load(spec: str) -> Encoder:
        if spec not in loaded:
            loaded[spec] = build_encoder(spec)
        return loaded[spec]

    return load


@pytest.fixture(scope="session")
def default_encoder(load_encoder: Callable[[str], Encoder]) -> Encoder:
    """The encoder the settings select (``FRONTLINE_ENCODER``), as the bot would run it."""
    from bot.settings import Settings

    return load_encoder(Settings().encoder)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    """A fresh deterministic bag-of-words encoder that counts what it embeds."""
    return FakeEncoder()
