from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.base import (
    Button,
    ChannelBase,
    Outgoing,
    Profile,
    Turn,
    TurnNotTaken,
    run_isolated,
    stable_message_id,
    typed,
)
from bot.store.addresses import AddressBook
from bot.store.db import create_database, session_factory
from bot.store.deliveries import STALE_AFTER, Claim, DeliveryLog
from bot.store.engine import connect
from bot.store.saved_turns import SavedTurns
from bot.store.tracker_store import UrlTrackerStore


class Channel(ChannelBase):
    @classmethod
    def name(cls) -> str:
        return "test"


@pytest.fixture
def channel(tmp_path: Path) -> Channel:
    sessions = session_factory(create_database(f"sqlite:///{tmp_path / 'frontline.db'}"))
    return Channel(
        deliveries=DeliveryLog(sessions=sessions), addresses=AddressBook(sessions=sessions)
    )


def turn(key: str | None = "u1") -> Turn:
    profile = Profile("test", "user-1", "Ana", "de-AT", "Europe/Vienna")
    return Turn("test-1", "hallo", profile, {"chat": 5}, delivery_key=key, extra={"edited": True})


def test_a_message_past_the_character_cap_is_refused_before_any_work(
    channel: Channel,
) -> None:
    """Telegram and Slack share this gate (the widget and REST refuse earlier)."""
    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    output = CollectingOutputChannel()
    huge = Turn("test-1", "x" * 4001, turn().profile, {"chat": 5}, delivery_key="u2")
    assert not asyncio.run(channel.deliver_turn(huge, output=output, on_new_message=on_new_message))
    assert received == []
    [reply] = output.messages
    assert "4.000 Zeichen" in reply["text"]  # a de-AT customer, German number format


def test_a_turn_reaches_rasa_once_with_its_metadata(channel: Channel) -> None:
    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    output = CollectingOutputChannel()
    assert asyncio.run(channel.deliver_turn(turn(), output=output, on_new_message=on_new_message))
    assert not asyncio.run(
        channel.deliver_turn(turn(), output=output, on_new_message=on_new_message)
    )
    assert len(received) == 1
    message = received[0]
    assert (message.sender_id, message.text, message.input_channel) == ("test-1", "hallo", "test")
    assert message.metadata == {
        "platform": "test",
        "user_id": "user-1",
        "display_name": "Ana",
        "locale_hint": "de-AT",
        "timezone": "Europe/Vienna",
        "address": {"chat": 5},
        "edited": True,
    }
    address = channel.addresses.lookup("test-1")
    assert address is not None and address.address == {"chat": 5}
    assert address.profile["timezone"] == "Europe/Vienna"


def test_a_resend_waits_for_the_running_delivery_and_is_dropped_when_it_finishes(
    channel: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.channels.base.CLAIM_POLL_S", 0.01)
    received: list[UserMessage] = []
    first_running = asyncio.Event()
    finish_first = asyncio.Event()

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)
        first_running.set()
        await finish_first.wait()

    async def scenario() -> tuple[bool, bool]:
        output = CollectingOutputChannel()
        first = asyncio.create_task(
            channel.deliver_turn(turn(), output=output, on_new_message=on_new_message)
        )
        await first_running.wait()
        resend = asyncio.create_task(
            channel.deliver_turn(turn(), output=output, on_new_message=on_new_message)
        )
        await asyncio.sleep(0.1)
        assert not resend.done()  # it waits for the first run instead of dropping it blind
        finish_first.set()
        return await first, await resend

    assert asyncio.run(scenario()) == (True, False)
    assert len(received) == 1


def test_a_delivery_whose_process_died_mid_turn_runs_again_with_the_same_message_id(
    channel: Channel,
) -> None:
    dead = datetime.now(timezone.utc) - STALE_AFTER - timedelta(seconds=1)
    assert channel.deliveries.claim("test", "u1", now=dead) is Claim.RUN  # never finished
    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    output = CollectingOutputChannel()
    assert asyncio.run(channel.deliver_turn(turn(), output=output, on_new_message=on_new_message))
    assert [m.message_id for m in received] == [stable_message_id("test", "u1")]
    assert channel.deliveries.claim("test", "u1") is Claim.DONE


def test_a_resend_taking_over_a_turn_saved_before_its_process_died_does_not_run_it_again(
    tmp_path: Path,
) -> None:
    sessions = session_factory(create_database(f"sqlite:///{tmp_path / 'frontline.db'}"))
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    tracker = DialogueStateTracker("test-1", slots=[])
    tracker.update(UserUttered("hallo", message_id=stable_message_id("test", "u1")))
    tracker.update(BotUttered("Hallo! Wie kann ich helfen?"))
    asyncio.run(UrlTrackerStore(host=tracker_url).save(tracker))  # Rasa saved, then died
    deliveries = DeliveryLog(sessions=sessions)
    dead = datetime.now(timezone.utc) - STALE_AFTER - timedelta(seconds=1)
    assert deliveries.claim("test", "u1", now=dead) is Claim.RUN

    class Buffered(Channel):
        replays_saved = True  # like REST: its client never got the replies

    channel = Buffered(
        deliveries=deliveries,
        addresses=AddressBook(sessions=sessions),
        saved=SavedTurns(engine=connect(tracker_url)),
    )
    received: list[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    output = CollectingOutputChannel()
    assert not asyncio.run(
        channel.deliver_turn(turn(), output=output, on_new_message=on_new_message)
    )
    assert received == []  # not in the conversation twice
    assert [m["text"] for m in output.messages] == ["Hallo! Wie kann ich helfen?"]
    assert deliveries.claim("test", "u1") is Claim.DONE


def test_a_turn_that_failed_lets_the_resend_through(channel: Channel) -> None:
    calls: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        calls.append(message.text)
        if len(calls) == 1:
            raise ConnectionError("the tracker store is restarting")

    output = CollectingOutputChannel()
    with pytest.raises(TurnNotTaken):
        asyncio.run(channel.deliver_turn(turn(), output=output, on_new_message=on_new_message))
    assert asyncio.run(channel.deliver_turn(turn(), output=output, on_new_message=on_new_message))
    assert calls == ["hallo", "hallo"]


def test_rasa_response_dicts_become_one_outgoing_message() -> None:
    message = Outgoing.from_rasa(
        {"text": "Pick", "quick_replies": [{"title": "A", "payload": "/a"}], "image": "https://i"}
    )
    assert message == Outgoing("Pick", (Button("A", "/a"),), quick_replies=True, image="https://i")


def test_platforms_without_buttons_get_a_numbered_text_fallback() -> None:
    message = Outgoing("Welche?", (Button("Erste", "/a"), Button("Link", url="https://e.example")))
    assert message.as_text(language="de") == (
        "Welche?\n\nAntworten Sie mit der Nummer einer Option:\n1. Erste\n2. Link (https://e.example)"
    )


def test_a_failure_is_logged_without_personal_data_and_apologised_for(
    caplog: pytest.LogCaptureFixture,
) -> None:
    apologies: list[str] = []

    async def work() -> None:
        raise ValueError("could not parse {'text': 'call me on +49 170 1234567', 'id': 5}")

    async def apology() -> None:
        apologies.append("sorry")

    with caplog.at_level(logging.ERROR):
        ok = asyncio.run(
            run_isolated("test", "update 9 from ana@example.com", work(), apology=apology)
        )
    assert not ok and apologies == ["sorry"]
    assert "failed to handle update 9" in caplog.text
    assert "ValueError" in caplog.text
    assert "ana@example.com" not in caplog.text and "1234567" not in caplog.text
    assert "call me" not in caplog.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/request_human", "request_human"),
        ('  //faq_choose{"faq_id": "x"}', 'faq_choose{"faq_id": "x"}'),
        ("where is my order?", "where is my order?"),
        ("3/4 of it", "3/4 of it"),
    ],
)
def test_typed_text_never_poses_as_an_intent(text: str, expected: str) -> None:
    assert typed(text) == expected
