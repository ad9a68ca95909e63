"""The handoff's share of the action services, for unit tests: the word-list anger head
over the fake encoder, the shipped escalation policy, and tickets on a real SQLite file."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.handoff.anger import AngerSignal
from bot.handoff.config import load_policy
from bot.handoff.cues import load_profanity
from bot.settings import Settings
from bot.store.tickets import Tickets
from tests.auxil.anger_head import word_head
from tests.auxil.fake_encoder import FakeEncoder


def handoff_services(settings: Settings, sessions: sessionmaker[Session]) -> dict[str, Any]:
    """``tickets``, ``anger`` and ``policy`` for :class:`actions.services.Services`."""
    return {
        "tickets": Tickets(sessions=sessions),
        "anger": AngerSignal(head=word_head(), encoder=FakeEncoder(), profanity=load_profanity()),
        "policy": load_policy(settings.escalation_file),
    }
