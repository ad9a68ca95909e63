"""What Rasa saved of a message, read back for a resend (bot/store/saved_turns.py)."""

from __future__ import annotations

import asyncio

from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.store.engine import connect
from bot.store.saved_turns import SavedTurns
from bot.store.tracker_store import UrlTrackerStore


def test_the_replies_to_a_saved_message_and_nothing_for_an_unsaved_one(database_url: str) -> None:
    tracker = DialogueStateTracker("rest-ana", slots=[])
    for event in (
        UserUttered("hi", message_id="m-1"),
        BotUttered("Hello! How can I help?"),
        UserUttered("where is my order?", message_id="m-2"),
        BotUttered(
            "Which one did you mean?", {"buttons": [{"title": "Tracking", "payload": "/x"}]}
        ),
        BotUttered("Or write it in other words."),
        UserUttered("the red one", message_id="m-3"),
        BotUttered("Here is how to track it."),
    ):
        tracker.update(event)
    asyncio.run(UrlTrackerStore(host=database_url).save(tracker))
    saved = SavedTurns(engine=connect(database_url))

    assert saved.replies("rest-ana", "m-2") == [
        {"text": "Which one did you mean?", "buttons": [{"title": "Tracking", "payload": "/x"}]},
        {"text": "Or write it in other words."},
    ]
    assert saved.replies("rest-ana", "m-3") == [{"text": "Here is how to track it."}]
    assert saved.replies("rest-ana", "m-4") is None  # never saved: run it
    assert saved.replies("rest-bob", "m-2") is None  # another conversation's id
