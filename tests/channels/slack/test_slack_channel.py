"""The channel's start-up and its routes, served by an in-process Sanic app.

The full bot (Rasa and actions) is covered by ``tests/integration/test_slack.py``;
here Rasa's ``on_new_message`` is a recorder that answers, which is enough to see
the channel switch off, refuse a half configuration, and run in Socket Mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels.base import ChannelOff
from bot.channels.slack import SlackInput
from bot.settings import MissingCredentialError, Settings
from tests.auxil.fake_slack import BOT_TOKEN, TEAM_ID, FakeSlack, FakeSocketMode
from tests.auxil.servers import free_port

_apps = itertools.count()


def settings(tmp_path: Path, **values: object) -> Settings:
    values = {"slack_bot_token": None, "slack_signing_secret": None, **values}
    return Settings(var_dir=tmp_path, **values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lets Sanic start more than one app in this process (its touch-up runs once per app)."""
    monkeypatch.setattr(Sanic, "test_mode", True)


class Recorder:
    """Rasa's side: records each message and answers it with one text."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        await message.output_channel.send_text_message(message.sender_id, "**Got it** & <b>")


@contextlib.asynccontextmanager
async def serving(channel: object, on_new_message: Recorder) -> AsyncIterator[str]:
    """Serve ``channel``'s blueprint as Rasa does, at /webhooks/slack; yields the base URL."""
    app = Sanic(f"slack_test_{next(_apps)}")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/slack")  # type: ignore[attr-defined]
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}/webhooks/slack"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


def test_without_a_bot_token_the_channel_is_off_and_says_what_is_missing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    channel = SlackInput.from_settings(settings(tmp_path))
    assert isinstance(channel, ChannelOff) and channel.name() == "slack"
    assert "FRONTLINE_SLACK_BOT_TOKEN" in caplog.text

    async def scenario() -> None:
        async with serving(channel, Recorder()) as url, aiohttp.ClientSession() as http:
            async with http.post(f"{url}/events", data="{}") as reply:
                assert reply.status == 503
                assert "FRONTLINE_SLACK_BOT_TOKEN" in await reply.text()
            async with http.get(f"{url}/") as reply:
                assert reply.status == 503

    asyncio.run(scenario())


def test_events_mode_without_a_signing_secret_fails_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(MissingCredentialError) as error:
        SlackInput.from_settings(settings(tmp_path, slack_bot_token=BOT_TOKEN))
    assert error.value.variable == "FRONTLINE_SLACK_SIGNING_SECRET"
    assert "FRONTLINE_SLACK_SIGNING_SECRET" in str(error.value)


def test_socket_mode_without_an_app_token_fails_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(MissingCredentialError) as error:
        SlackInput.from_settings(settings(tmp_path, slack_bot_token=BOT_TOKEN, slack_mode="socket"))
    assert error.value.variable == "FRONTLINE_SLACK_APP_TOKEN"


def test_socket_mode_connects_at_start_answers_and_disconnects_at_stop(
    tmp_path: Path, slack_api: FakeSlack
) -> None:
    channel = SlackInput.from_settings(
        settings(
            tmp_path,
            slack_bot_token=BOT_TOKEN,
            slack_mode="socket",
            slack_app_token="xapp-1-test",
            slack_api_url=slack_api.base_url,
        )
    )
    recorder = Recorder()
    body = {
        "type": "event_callback",
        "team_id": TEAM_ID,
        "event_id": "EvSOCKET1",
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": "DSOCKET",
            "user": "UCUSTOMER2",
            "text": "hallo",
            "ts": "1700000000.000100",
        },
    }

    async def scenario() -> FakeSocketMode:
        sockets = await FakeSocketMode().start()
        slack_api.socket_url = sockets.url
        try:
            async with serving(channel, recorder) as url, aiohttp.ClientSession() as http:
                async with http.get(f"{url}/") as reply:
                    assert await reply.json() == {"status": "ok", "mode": "socket"}
                async with http.post(f"{url}/events", data="{}") as reply:
                    assert reply.status == 404  # events come over the socket, not HTTP
                envelope = await sockets.send(body)
                await sockets.wait_for_ack(envelope)
                again = await sockets.send(body)  # Slack may resend after a reconnect
                await sockets.wait_for_ack(again)
                await asyncio.to_thread(slack_api.wait_for, "chat.postMessage", 1, 10)
                await asyncio.sleep(0.5)
            await asyncio.wait_for(sockets.disconnected.wait(), 5)
        finally:
            await sockets.stop()
        return sockets

    sockets = asyncio.run(scenario())
    assert sockets.connections == 1
    assert [m.text for m in recorder.messages] == ["hallo"]
    assert recorder.messages[0].metadata["timezone"] == "Europe/Berlin"
    [post] = slack_api.calls_to("chat.postMessage", channel="DSOCKET")
    assert post.params["text"] == "*Got it* &amp; &lt;b&gt;"
    assert slack_api.calls_to("apps.connections.open")
