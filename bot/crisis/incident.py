"""An incident: what a person declared, approved and resolved, and the rules for moving it.

An incident starts as a **draft** (its holding statement can still be edited), becomes
**open** when a person approves the statement, and **resolved** when a person resolves
it with a follow-up. Nothing reaches a customer before approval: only an open incident
is live (:func:`is_live`). Pure: no database, no clock; :mod:`bot.store.incidents`
stores these values and calls :func:`require_status` and :func:`require_languages`
before each change.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.errors import FrontlineError

Status = Literal["draft", "open", "resolved"]
Notify = Literal["opted_in", "linked"]
NOTIFY: tuple[Notify, ...] = ("opted_in", "linked")
STATEMENT = "statement"
FOLLOW_UP = "follow_up"
UPDATE_PREFIX = "update:"

# What may be done to an incident in each status (an action's name is what an agent did).
ALLOWED: Mapping[str, tuple[Status, ...]] = {
    "edit": ("draft",),
    "approve": ("draft",),
    "link": ("draft", "open"),
    "subscribe": ("open",),
    "update": ("open",),
    "resolve": ("open",),
}


class IncidentError(FrontlineError):
    """An incident operation Frontline refuses; the message says what would be right."""


class UnknownIncident(IncidentError, LookupError):
    """No incident (or ticket) has that id."""


class WrongStatus(IncidentError):
    """The incident's status forbids the action (approving an open incident, say)."""

    def __init__(self, incident_id: str, status: str, action: str) -> None:
        self.incident_id, self.status, self.action = incident_id, status, action
        allowed = " or ".join(ALLOWED[action])
        article = "an" if allowed.startswith("o") else "a"
        super().__init__(
            f"incident {incident_id} is {status}: {action} needs {article} {allowed} one"
        )


class MissingLanguages(IncidentError, ValueError):
    """A text lacks languages customers need (``languages``), or is empty."""

    def __init__(self, what: str, languages: Collection[str]) -> None:
        self.what, self.languages = what, tuple(sorted(languages))
        super().__init__(f"the {what} has no text in {', '.join(self.languages)}")


@dataclass(frozen=True)
class Incident:
    """One incident.

    Attributes:
        id: A short id agents type (``frontline incident approve 3f9a1c2e``).
        title: What agents call it.
        topic: The topic key it matches (:attr:`bot.crisis.topics.Topic.key`,
            ``faq:track-order`` or ``keywords:outage``).
        status: ``draft``, ``open`` or ``resolved``.
        statement: The holding statement per language.
        follow_up: The follow-up per language, set when it is resolved.
        notify: Who gets the follow-up: ``opted_in`` (customers who asked to be told) or
            ``linked`` (those and every linked ticket's conversation).
        created_by, created_at: Who declared it, and when.
        approved_by, approved_at: Who approved the statement, and when.
        resolved_by, resolved_at: Who resolved it, and when.
    """

    id: str
    title: str
    topic: str
    status: Status
    statement: Mapping[str, str]
    created_by: str
    created_at: datetime
    follow_up: Mapping[str, str] = field(default_factory=dict)
    notify: Notify = "opted_in"
    approved_by: str | None = None
    approved_at: datetime | None = None
    resolved_by: str | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class IncidentUpdate:
    """An update agents sent to every linked and subscribed conversation."""

    id: str
    incident_id: str
    text: Mapping[str, str]
    by: str
    at: datetime

    @property
    def kind(self) -> str:
        """Its :attr:`Delivery.kind`."""
        return UPDATE_PREFIX + self.id


@dataclass(frozen=True)
class AuditEntry:
    """Something that happened to an incident, by whom and when.

    Attributes:
        at: When.
        who: The person, or ``frontline`` (a send) or ``detector`` (an alert).
        what: ``alert``, ``opened``, ``edited``, ``approved``, ``linked``, ``subscribed``,
            ``statement_sent``, ``update``, ``update_sent``, ``update_failed``,
            ``resolved``, ``follow_up_sent`` or ``follow_up_failed``.
        detail: The rest (the conversation, channel and language of a send; an alert's
            evidence).
        incident_id: The incident; None for an alert no incident was declared from yet.
    """

    at: datetime
    who: str
    what: str
    detail: Mapping[str, Any]
    incident_id: str | None = None


@dataclass(frozen=True)
class Delivery:
    """A text owed to one conversation: an update, or the follow-up.

    Attributes:
        incident_id: The incident.
        sender_id: The conversation.
        channel: Its channel, which the text goes out on.
        language: The customer's language.
        kind: ``update:<update id>`` or ``follow_up``; one per conversation each.
        text: The text in ``language`` (the default language's when it has none).
    """

    incident_id: str
    sender_id: str
    channel: str
    language: str
    kind: str
    text: str

    @property
    def what(self) -> str:
        """``update`` or ``follow_up``, for the audit."""
        return FOLLOW_UP if self.kind == FOLLOW_UP else "update"


def is_live(incident: Incident) -> bool:
    """Whether customers are told about ``incident``: approved and not resolved."""
    return incident.status == "open"


def require_status(incident_id: str, status: str, action: str) -> None:
    """Raises :class:`WrongStatus` unless ``action`` is allowed in ``status``."""
    if status not in ALLOWED[action]:
        raise WrongStatus(incident_id, status, action)


def require_languages(what: str, texts: Mapping[str, str], languages: Collection[str]) -> None:
    """Raises :class:`MissingLanguages` when ``texts`` lacks one of ``languages`` or has an
    empty text (a language with only spaces is missing too)."""
    present = {language for language, text in texts.items() if text.strip()}
    missing = set(languages) - present
    if missing or not present:
        raise MissingLanguages(what, missing or {"any language"})


def text_in(texts: Mapping[str, str], language: str, default_language: str) -> str:
    """``texts`` in ``language``, else in ``default_language``, else in any language."""
    for choice in (language, default_language):
        if texts.get(choice, "").strip():
            return texts[choice]
    return next(iter(texts.values()), "")
