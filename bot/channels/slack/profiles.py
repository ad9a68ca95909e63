"""Who a Slack user is (name, timezone, locale), from ``users.info``, cached."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.base import Profile
from bot.channels.redact import redact

log = logging.getLogger(__name__)


class SlackProfiles:
    """``users.info`` (with ``include_locale``) as a :class:`Profile`, kept for ``ttl`` seconds.

    A failed lookup is not fatal: the turn goes on with just the user id, and the
    next message tries again.
    """

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        ttl: float = 3600.0,
        max_users: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._max_users = max_users
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, Profile]] = OrderedDict()

    async def profile(self, user_id: str) -> Profile:
        now = self._clock()
        cached = self._cache.get(user_id)
        if cached is not None and now - cached[0] < self._ttl:
            self._cache.move_to_end(user_id)
            return cached[1]
        try:
            response = await self._client.users_info(user=user_id, include_locale=True)
            user = response.get("user")
        except Exception as error:
            log.warning("slack: users.info failed: %s", redact(repr(error)))
            return Profile(platform="slack", user_id=user_id)
        profile = profile_from_user(user_id, user if isinstance(user, dict) else {})
        self._cache[user_id] = (now, profile)
        self._cache.move_to_end(user_id)
        if len(self._cache) > self._max_users:
            self._cache.popitem(last=False)
        return profile


def profile_from_user(user_id: str, user: dict[str, Any]) -> Profile:
    """A :class:`Profile` from a ``users.info`` user object."""
    details = user.get("profile") or {}
    name = (
        details.get("display_name")
        or details.get("real_name")
        or user.get("real_name")
        or user.get("name")
    )
    return Profile(
        platform="slack",
        user_id=user_id,
        display_name=str(name) if name else None,
        locale_hint=str(user["locale"]) if user.get("locale") else None,
        timezone=str(user["tz"]) if user.get("tz") else None,
    )
