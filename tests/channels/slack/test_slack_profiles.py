"""Profiles from ``users.info``, through a real AsyncWebClient pointed at the fake Web API."""

from __future__ import annotations

import asyncio

from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.base import Profile
from bot.channels.slack.profiles import SlackProfiles
from tests.auxil.fake_api import Failure
from tests.auxil.fake_slack import BOT_TOKEN, FakeSlack


def profiles(api: FakeSlack, now: list[float]) -> SlackProfiles:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=api.base_url)
    return SlackProfiles(client=client, ttl=60, clock=lambda: now[0])


def test_a_profile_has_name_timezone_and_locale(slack_api: FakeSlack) -> None:
    profile = asyncio.run(profiles(slack_api, [0.0]).profile("UCUSTOMER2"))
    assert profile == Profile("slack", "UCUSTOMER2", "Jonas", "de-DE", "Europe/Berlin")
    [call] = slack_api.calls_to("users.info", user="UCUSTOMER2")
    assert call.params["include_locale"] in ("1", "true", True)


def test_profiles_are_cached_until_they_expire(slack_api: FakeSlack) -> None:
    now = [0.0]
    directory = profiles(slack_api, now)

    async def look_up_three_times() -> None:
        await directory.profile("UCUSTOMER1")
        now[0] = 59.0
        await directory.profile("UCUSTOMER1")
        now[0] = 61.0
        await directory.profile("UCUSTOMER1")

    asyncio.run(look_up_three_times())
    assert len(slack_api.calls_to("users.info", user="UCUSTOMER1")) == 2


def test_a_failed_lookup_still_gives_the_user_id_and_is_retried(slack_api: FakeSlack) -> None:
    directory = profiles(slack_api, [0.0])
    slack_api.fail_next("users.info", Failure(200, {"ok": False, "error": "ratelimited"}))

    async def look_up_twice() -> tuple[Profile, Profile]:
        return await directory.profile("UCUSTOMER1"), await directory.profile("UCUSTOMER1")

    failed, retried = asyncio.run(look_up_twice())
    assert failed == Profile("slack", "UCUSTOMER1")
    assert retried.timezone == "America/Los_Angeles"
