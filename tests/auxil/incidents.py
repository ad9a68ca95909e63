"""Incidents for tests: a clock the test moves, one "replica" per engine on a shared
database, approved texts in English and German, and tickets to link."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy.engine import Engine

from bot.crisis.incident import Incident
from bot.store.db import create_database, session_factory
from bot.store.incidents import Incidents
from bot.store.tickets import Ticket, Tickets

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
LANGUAGES = ("en", "de")
STATEMENT = {
    "en": "We know sign-in is failing for some of you. We are on it; next update by 11:00.",
    "de": "Wir wissen, dass die Anmeldung bei manchen fehlschlägt. Nächstes Update bis 11:00.",
}
UPDATE = {"en": "The cause is found; a fix is rolling out.", "de": "Die Ursache ist gefunden."}
FOLLOW_UP = {"en": "Sign-in works again. Sorry for the trouble.", "de": "Anmelden geht wieder."}


@dataclass
class Clock:
    """The time now, moved by the test."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now


@dataclass
class Replica:
    """One process's view of the database: its own engine and repositories."""

    engine: Engine
    incidents: Incidents
    tickets: Tickets
    clock: Clock

    def dispose(self) -> None:
        self.engine.dispose()


@dataclass
class Replicas:
    """Every replica a test started on one database, disposed at its end."""

    url: str
    clock: Clock
    started: list[Replica] = field(default_factory=list)

    def start(self) -> Replica:
        engine = create_database(self.url)
        sessions = session_factory(engine)
        incidents = Incidents(
            sessions=sessions, languages=LANGUAGES, default_language="en", clock=self.clock
        )
        replica = Replica(engine, incidents, Tickets(sessions=sessions), self.clock)
        self.started.append(replica)
        return replica

    def dispose(self) -> None:
        for replica in self.started:
            replica.dispose()


def approved(incidents: Incidents, *, notify: str = "opted_in") -> Incident:
    """An open incident on ``keywords:outage``, declared by ana and approved by ben."""
    draft = incidents.open(
        title="Sign-in fails",
        topic="keywords:outage",
        statement=STATEMENT,
        by="ana",
        notify=notify,  # type: ignore[arg-type]
    )
    return incidents.approve(draft.id, by="ben")


def ticket(tickets: Tickets, sender_id: str, *, channel: str, language: str) -> Ticket:
    """An open handoff ticket for ``sender_id``."""
    return tickets.open(
        sender_id=sender_id,
        channel=channel,
        language=language,
        reasons=[{"signal": "request", "message": 0, "evidence": "asked", "score": None}],
        profile={},
        transcript=[],
    )
