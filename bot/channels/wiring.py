"""The stores every channel needs, built once per process from the settings."""

from __future__ import annotations

from functools import lru_cache

from bot.settings import Settings
from bot.store.addresses import AddressBook
from bot.store.db import create_database, session_factory
from bot.store.deliveries import DeliveryLog


@lru_cache(maxsize=4)
def _stores(url: str) -> tuple[DeliveryLog, AddressBook]:
    sessions = session_factory(create_database(url))
    return DeliveryLog(sessions=sessions), AddressBook(sessions=sessions)


def channel_stores(settings: Settings) -> tuple[DeliveryLog, AddressBook]:
    """The delivery log and address book on Frontline's database."""
    return _stores(settings.database_url_or_default)
