"""Size and rate limits of widget messages (bot/channels/web/limits.py)."""

from __future__ import annotations

from bot.channels.web.limits import MessageGate


def test_a_message_over_the_size_limit_is_refused_with_the_limit_in_the_text() -> None:
    gate = MessageGate(max_chars=10, per_minute=60, burst=5)
    assert gate.check("s", "x" * 10, now=0.0) is None
    refusal = gate.check("s", "x" * 11, now=0.0)
    assert refusal is not None and refusal.code == "too_long"
    assert "10 characters" in refusal.text("en")
    assert "10 caracteres" in refusal.text("es")
    assert "10 Zeichen" in refusal.text("de")
    assert "10 characters" in refusal.text("ja")  # not supported: the default language


def test_a_session_over_its_rate_is_refused_until_tokens_refill() -> None:
    gate = MessageGate(max_chars=100, per_minute=6, burst=3)
    assert [gate.check("s", "hi", now=0.0) for _ in range(3)] == [None, None, None]
    refusal = gate.check("s", "hi", now=0.5)
    assert refusal is not None and refusal.code == "rate_limited"
    assert "wait" in refusal.text("en")
    # Six a minute: one token back every ten seconds.
    assert gate.check("s", "hi", now=9.0) is not None
    assert gate.check("s", "hi", now=10.6) is None


def test_sessions_have_their_own_buckets_and_too_long_costs_no_token() -> None:
    gate = MessageGate(max_chars=5, per_minute=1, burst=1)
    for _ in range(3):
        assert gate.check("a", "far too long", now=0.0) is not None
    assert gate.check("a", "ok", now=0.0) is None
    assert gate.check("b", "ok", now=0.0) is None
    refusal = gate.check("a", "ok", now=1.0)
    assert refusal is not None and refusal.code == "rate_limited"


def test_a_socket_and_an_address_have_buckets_of_their_own() -> None:
    gate = MessageGate(
        max_chars=100, per_minute=60, burst=2, per_address_minute=60, address_burst=3
    )
    assert gate.check("a", "hi", now=0.0, socket="s1", address="ip") is None
    assert gate.check("b", "hi", now=0.0, socket="s1", address="ip") is None
    refused = gate.check("c", "hi", now=0.0, socket="s1", address="ip")  # the socket's third
    assert refused is not None and refused.code == "rate_limited"
    assert gate.check("d", "hi", now=0.0, socket="s2", address="ip") is not None  # address
    assert gate.check("e", "hi", now=0.0, socket="s3", address="other") is None
