"""The inbox's files and responses, with their security headers; refusals become statuses here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sanic import response
from sanic.response import HTTPResponse

from bot.channels.agent.errors import (
    InboxError,
    IncidentConflict,
    IncidentNotFound,
    InvalidRequest,
    MissingInboxHeader,
    NoAccounts,
    NotLoggedIn,
    TicketConflict,
    TooManyAttempts,
    UnknownChoice,
    UnknownTicket,
)
from bot.channels.static import Asset, read_assets

STATIC_DIR = Path(__file__).with_name("static")
PAGE = "inbox.html"
ANALYTICS_PAGE = "analytics.html"
PUBLIC = ("kit.js", "inbox.js", "inbox.css", "analytics.js", "incidents.js", "content.js")
"""Files the page loads from ``/agent/static/``."""
_STATUS: dict[type[InboxError], int] = {
    InvalidRequest: 400,
    NotLoggedIn: 401,
    MissingInboxHeader: 403,
    UnknownTicket: 404,
    UnknownChoice: 404,
    IncidentNotFound: 404,
    TicketConflict: 409,
    IncidentConflict: 409,
    TooManyAttempts: 429,
    NoAccounts: 503,
}
PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def load_assets(directory: Path = STATIC_DIR) -> dict[str, Asset]:
    """Read the inbox's files once, when the channel's routes are built."""
    return read_assets(directory, (PAGE, ANALYTICS_PAGE, *PUBLIC))


def page(asset: Asset) -> HTTPResponse:
    headers = {**_COMMON, "Content-Security-Policy": PAGE_POLICY, "Cache-Control": "no-store"}
    return response.raw(asset.body, content_type=asset.content_type, headers=headers)


def static_file(asset: Asset) -> HTTPResponse:
    return response.raw(
        asset.body,
        content_type=asset.content_type,
        headers={**_COMMON, "Cache-Control": "no-cache"},
    )


def api_json(data: dict[str, Any], status: int = 200) -> HTTPResponse:
    """JSON no cache or proxy keeps: tickets hold customers' personal data."""
    headers = {
        **_COMMON,
        "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    }
    return response.json(data, status=status, headers=headers)


def refused(error: InboxError) -> HTTPResponse:
    reply = api_json({"error": str(error)}, status=_STATUS.get(type(error), 400))
    if isinstance(error, NotLoggedIn):
        reply.headers["WWW-Authenticate"] = 'Bearer realm="frontline-agent"'
    if isinstance(error, TooManyAttempts):
        reply.headers["Retry-After"] = str(error.retry_after)
    return reply
