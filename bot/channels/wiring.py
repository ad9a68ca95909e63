"""The stores every channel needs, built once per process from the settings."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.pressure import TurnSlots
from bot.settings import Settings
from bot.store.addresses import AddressBook
from bot.store.db import create_database, session_factory
from bot.store.deliveries import DeliveryLog
from bot.store.engine import connect
from bot.store.open_buttons import ButtonMessages
from bot.store.payloads import PayloadStore
from bot.store.saved_turns import SavedTurns


@lru_cache(maxsize=4)
def _sessions(url: str) -> sessionmaker[Session]:
    return session_factory(create_database(url))


def database_sessions(settings: Settings) -> sessionmaker[Session]:
    """Sessions on Frontline's own database (one engine per URL and process)."""
    return _sessions(settings.database_url_or_default)


def channel_stores(settings: Settings) -> tuple[DeliveryLog, AddressBook]:
    """The delivery log and address book on Frontline's database."""
    sessions = _sessions(settings.database_url_or_default)
    return DeliveryLog(sessions=sessions), AddressBook(sessions=sessions)


def payload_store(settings: Settings) -> PayloadStore:
    """Tokens for button payloads too long for a platform."""
    return PayloadStore(sessions=_sessions(settings.database_url_or_default))


def button_messages(settings: Settings) -> ButtonMessages:
    """Sent messages whose buttons still work, to close at a handoff."""
    return ButtonMessages(sessions=_sessions(settings.database_url_or_default))


@lru_cache(maxsize=1)
def _slots(limit: int) -> TurnSlots:
    return TurnSlots(limit=limit)


def turn_slots(settings: Settings) -> TurnSlots:
    """The process's one counter of turns in flight, shared by every channel."""
    return _slots(settings.max_turns_in_flight)


@lru_cache(maxsize=2)
def _saved(url: str) -> SavedTurns:
    return SavedTurns(engine=connect(url))


def saved_turns(settings: Settings) -> SavedTurns:
    """What Rasa's tracker store saved of a message, for resends after a crash."""
    return _saved(settings.tracker_store_url_or_default)
