"""A fake Telegram Bot API that records calls; python-telegram-bot reaches it via ``base_url``."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

from tests.auxil.fake_api import Failure, FakeApi

TOKEN = "123456:TEST-token-for-the-fake-bot-api-000000"
WEBHOOK_SECRET = "telegram-webhook-secret-for-tests"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Frontline", "username": "frontline_bot"}


def too_many_requests(retry_after: int) -> Failure:
    """Telegram's answer when a bot sends too fast."""
    return Failure(
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after},
        },
    )


class FakeTelegram(FakeApi):
    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1000)
        self._updates: list[dict[str, Any]] = []
        self._updates_lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """What to pass as python-telegram-bot's ``base_url`` (the token is appended)."""
        return f"http://127.0.0.1:{self.port}/bot"

    def queue_update(self, update: dict[str, Any]) -> None:
        """Hand ``update`` out on the next ``getUpdates`` (polling mode)."""
        with self._updates_lock:
            self._updates.append(update)

    def sent_texts(self, chat_id: int) -> list[str]:
        return [str(c.params["text"]) for c in self.calls_to("sendMessage", chat_id=chat_id)]

    def routes(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        ok = self._ok
        return {
            "getMe": lambda p: ok(BOT_USER),
            "setWebhook": lambda p: ok(True),
            "deleteWebhook": lambda p: ok(True),
            "getWebhookInfo": lambda p: ok(
                {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
            ),
            "setMyCommands": lambda p: ok(True),
            "sendChatAction": lambda p: ok(True),
            "answerCallbackQuery": lambda p: ok(True),
            "editMessageReplyMarkup": lambda p: ok(self._message(p)),
            "sendMessage": lambda p: ok(self._message(p)),
            "sendPhoto": lambda p: ok(self._message(p)),
            "sendDocument": lambda p: ok(self._message(p)),
            "getUpdates": self._get_updates,
        }

    @staticmethod
    def _ok(result: Any) -> dict[str, Any]:
        return {"ok": True, "result": result}

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
            "from": BOT_USER,
            "text": str(params.get("text", "")),
        }

    def _get_updates(self, params: dict[str, Any]) -> dict[str, Any]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        while True:
            with self._updates_lock:
                ready = [u for u in self._updates if u["update_id"] >= offset]
            if ready or time.monotonic() >= deadline:
                return self._ok(ready)
            time.sleep(0.05)
