"""Where each conversation lives on its platform, so replies can reach it later.

A bot turn answers through the output channel it came in on. A reply that starts
elsewhere (an agent's message, an opening-time notice) looks the address up here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.store.models import ConversationAddress, utcnow


@dataclass(frozen=True)
class Address:
    sender_id: str
    channel: str
    address: dict[str, Any]
    profile: dict[str, Any]


class AddressBook:
    def __init__(self, *, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def remember(
        self, sender_id: str, *, channel: str, address: dict[str, Any], profile: dict[str, Any]
    ) -> None:
        """Store or refresh the latest address of ``sender_id``.

        A new conversation's first messages may reach two replicas at once: the one
        whose insert loses updates the row the other made.
        """
        for attempt in range(2):
            try:
                with self._sessions.begin() as session:
                    row = session.get(ConversationAddress, sender_id)
                    if row is None:
                        session.add(
                            ConversationAddress(
                                sender_id=sender_id,
                                channel=channel,
                                address=address,
                                profile=profile,
                            )
                        )
                    else:
                        row.channel = channel
                        row.address = address
                        row.profile = profile
                        row.updated_at = utcnow()
                return
            except IntegrityError:
                if attempt:
                    raise

    def lookup(self, sender_id: str) -> Address | None:
        with self._sessions() as session:
            row = session.execute(
                select(ConversationAddress).where(ConversationAddress.sender_id == sender_id)
            ).scalar_one_or_none()
            if row is None:
                return None
            return Address(
                sender_id=row.sender_id,
                channel=row.channel,
                address=dict(row.address),
                profile=dict(row.profile),
            )
