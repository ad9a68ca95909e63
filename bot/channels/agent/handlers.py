"""How an inbox handler answers: refusals become their JSON responses, bodies are JSON only.

Shared by the inbox's endpoint modules (:mod:`.incidents_api`), so every endpoint refuses
the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.agent.errors import InboxError, InvalidRequest
from bot.channels.agent.responses import refused

Handler = Callable[..., Awaitable[HTTPResponse]]


def answering(handler: Handler) -> Handler:
    """Turns the inbox's refusals into their JSON responses."""

    @wraps(handler)
    async def answer(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        try:
            return await handler(request, *args, **kwargs)
        except InboxError as error:
            return refused(error)

    return answer


def json_body(request: Request) -> Any:
    """The body as JSON; only ``application/json``, which a cross-site form cannot send."""
    if not (request.content_type or "").startswith("application/json"):
        raise InvalidRequest("send the body as application/json")
    try:
        return request.json
    except Exception as error:  # sanic raises its own InvalidUsage on bad JSON
        raise InvalidRequest("the body is not valid JSON") from error
