"""Why the inbox refuses a request. Each maps to one HTTP status, in :mod:`.responses` only."""

from __future__ import annotations


class InboxError(Exception):
    """A request the inbox will not carry out; the message is shown to the agent."""


class NotLoggedIn(InboxError):
    """No valid session cookie or API token."""


class MissingInboxHeader(InboxError):
    """A cookie-authenticated change without ``X-Frontline-Inbox: 1`` (maybe cross-site)."""


class InvalidRequest(InboxError):
    """The body or query is not what the endpoint takes."""


class UnknownTicket(InboxError):
    """No such ticket."""


class UnknownChoice(InboxError):
    """No such learned choice (``frontline faq learn``)."""


class TicketConflict(InboxError):
    """The ticket's state does not allow the action (already closed, say)."""


class IncidentNotFound(InboxError):
    """No such incident (or action on one)."""


class IncidentConflict(InboxError):
    """The incident's status does not allow the action (approving an open one, say)."""


class TooManyAttempts(InboxError):
    """Too many failed logins for this name from this address."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")
        self.retry_after = retry_after


class NoAccounts(InboxError):
    """Nobody can log in yet."""

    def __init__(self) -> None:
        super().__init__(
            "no agent accounts are configured; create one with `frontline agents add NAME`"
        )
