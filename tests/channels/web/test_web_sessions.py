"""Widget session ids (bot/channels/web/sessions.py)."""

from __future__ import annotations

import pytest

from bot.channels.web.sessions import (
    SessionRegistry,
    conversation_id,
    is_session_id,
    new_session_id,
)


def test_new_ids_are_well_formed_and_never_repeat() -> None:
    ids = {new_session_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(is_session_id(session_id) for session_id in ids)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "short",
        "a" * 31,
        "a" * 33,
        "a" * 31 + "/",
        "../../../../etc/passwd/aaaaaaaaaa",
        "a" * 31 + "\n",
        None,
        42,
        ["a" * 32],
    ],
)
def test_anything_else_is_not_a_session_id(value: object) -> None:
    assert not is_session_id(value)


def test_the_conversation_is_namespaced_and_refuses_a_malformed_id() -> None:
    session_id = new_session_id()
    assert conversation_id(session_id) == f"web-{session_id}"
    with pytest.raises(ValueError):
        conversation_id("web-../x")


def test_the_registry_knows_what_it_issued_and_forgets_the_oldest() -> None:
    registry = SessionRegistry(capacity=2)
    first, second, third = registry.issue(), registry.issue(), registry.issue()
    assert registry.issued(second) and registry.issued(third)
    assert not registry.issued(first)
    assert not registry.issued(new_session_id())
