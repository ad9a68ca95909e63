"""A terminal chat with the running Rasa server, through its REST channel."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import requests


def send(
    url: str,
    sender: str,
    message: str,
    *,
    title: str | None = None,
    token: str | None = None,
    timeout: float = 30,
) -> list[dict[str, Any]]:
    """One message (or, with ``title``, a button press) and the bot's replies."""
    body: dict[str, Any] = {"sender": sender, "message": message}
    if title:
        body["title"] = title
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.post(
        f"{url.rstrip('/')}/webhooks/rest/webhook", json=body, headers=headers, timeout=timeout
    )
    if response.status_code == 503:  # busy: the reply says so, in the customer's language
        return list(response.json())
    response.raise_for_status()
    return list(response.json())


def show(messages: list[dict[str, Any]], write: Callable[[str], None]) -> list[dict[str, Any]]:
    """Print the bot's messages; return the buttons offered, numbered from 1."""
    buttons: list[dict[str, Any]] = []
    for message in messages:
        if message.get("text"):
            write(f"bot> {message['text']}")
        for button in message.get("buttons") or []:
            buttons.append(button)
            write(f"     [{len(buttons)}] {button['title']}")
    return buttons


def chat(
    url: str,
    *,
    token: str | None = None,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
) -> None:
    """Chat until end of input or ``/quit``. Type a number to press a button."""
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    write(f"Chatting with {url} as {sender}. Type /quit to leave; a number presses a button.")
    buttons: list[dict[str, Any]] = []
    while True:
        try:
            line = read("you> ").strip()
        except EOFError:
            break
        if not line:
            continue
        if line in {"/quit", "/exit"}:
            break
        title = None
        if line.isdigit() and 1 <= int(line) <= len(buttons):
            title, line = buttons[int(line) - 1]["title"], buttons[int(line) - 1]["payload"]
        try:
            buttons = show(send(url, sender, line, title=title, token=token), write)
        except requests.RequestException as exc:
            write(f"(cannot reach the bot at {url}: {exc}. Is `make run` running?)")
