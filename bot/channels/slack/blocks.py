"""One :class:`Outgoing` as Slack messages: mrkdwn text, and Block Kit buttons.

Pure: no client, no network. Text is escaped by :func:`bot.tone.markup.to_slack_mrkdwn`,
so an answer can never mention ``<!channel>`` or smuggle a link. Every message has a
``text``: Slack shows it in notifications and where blocks cannot be drawn. When
the buttons do not fit Block Kit's limits the whole message falls back to text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from bot.channels.base import Button, Outgoing
from bot.channels.slack.clicks import CHOICE_PREFIX, LINK_PREFIX
from bot.tone.markup import parse, slack_escape, split, to_slack_mrkdwn

# Slack's Block Kit limits.
SECTION_TEXT_LIMIT = 3000
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTON_URL_LIMIT = 3000
BUTTONS_PER_ACTIONS_BLOCK = 25
BLOCKS_PER_MESSAGE = 50

_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


@dataclass(frozen=True)
class SlackMessage:
    """The ``text`` and ``blocks`` of one ``chat.postMessage``."""

    text: str
    blocks: tuple[dict[str, Any], ...] = ()


def render(outgoing: Outgoing, *, language: str) -> list[SlackMessage]:
    """``outgoing`` as the Slack messages to post, in order."""
    if not fits_block_kit(outgoing.buttons):
        text = outgoing.as_text(language=language, channel="slack")
        return [SlackMessage(text=chunk) for chunk in mrkdwn_chunks(text)]
    messages = [SlackMessage(text=chunk) for chunk in mrkdwn_chunks(outgoing.text)]
    if outgoing.image:
        messages.append(_image(outgoing.image))
    if outgoing.attachment:
        messages.append(SlackMessage(text=f"<{slack_escape(outgoing.attachment)}>"))
    if outgoing.buttons:
        last = messages.pop() if messages and not messages[-1].blocks else None
        messages.append(_with_buttons(last.text if last else "", outgoing.buttons))
    return messages


def fits_block_kit(buttons: tuple[Button, ...]) -> bool:
    """Whether Block Kit can carry ``buttons`` (value and URL sizes, block count)."""
    actions_blocks = math.ceil(len(buttons) / BUTTONS_PER_ACTIONS_BLOCK)
    return actions_blocks + 1 <= BLOCKS_PER_MESSAGE and all(
        len(_value(button)) <= BUTTON_VALUE_LIMIT
        and (button.url is None or len(button.url) <= BUTTON_URL_LIMIT)
        for button in buttons
    )


def mrkdwn_chunks(text: str, limit: int = SECTION_TEXT_LIMIT) -> list[str]:
    """Markdown-lite ``text`` as mrkdwn pieces of at most ``limit`` characters each.

    The cut is made on the visible text (counting each character as escaped);
    bold markers and link addresses add to that, so a piece that still ends up
    too long makes the whole text be cut again into smaller pieces.
    """
    spans = parse(text)
    budget = limit
    while True:
        chunks = [to_slack_mrkdwn(part) for part in split(spans, budget, measure=_escaped_length)]
        if budget <= 100 or all(len(chunk) <= limit for chunk in chunks):
            return chunks
        budget = budget * 3 // 4


def chosen(blocks: tuple[dict[str, Any], ...], *, title: str, user_id: str) -> list[dict[str, Any]]:
    """The blocks of a message whose buttons were used: the buttons give way to the choice."""
    kept = [block for block in blocks if block.get("type") != "actions"]
    who = f" · <@{user_id}>" if _USER_ID.fullmatch(user_id) else ""
    line = f":white_check_mark: {slack_escape(title)}{who}"
    return [*kept, {"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}]


def _with_buttons(text: str, buttons: tuple[Button, ...]) -> SlackMessage:
    blocks: list[dict[str, Any]] = []
    if text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    elements = [_button(index, button) for index, button in enumerate(buttons)]
    for start in range(0, len(elements), BUTTONS_PER_ACTIONS_BLOCK):
        blocks.append(
            {"type": "actions", "elements": elements[start : start + BUTTONS_PER_ACTIONS_BLOCK]}
        )
    fallback = text or ", ".join(slack_escape(button.title) for button in buttons)
    return SlackMessage(text=fallback, blocks=tuple(blocks))


def _button(index: int, button: Button) -> dict[str, Any]:
    title = button.title.strip() or _value(button)
    if len(title) > BUTTON_TEXT_LIMIT:
        title = title[: BUTTON_TEXT_LIMIT - 1].rstrip() + "…"
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": title, "emoji": True},
    }
    if button.url:
        element.update(action_id=f"{LINK_PREFIX}{index}", url=button.url)
    else:
        element.update(action_id=f"{CHOICE_PREFIX}{index}", value=_value(button))
    return element


def _value(button: Button) -> str:
    """What a click sends: the payload, or the title for a button without one."""
    return button.payload or button.title


def _image(url: str) -> SlackMessage:
    name = url.rstrip("/").rsplit("/", 1)[-1] or "image"
    block = {"type": "image", "image_url": url, "alt_text": name[:2000]}
    return SlackMessage(text=f"<{slack_escape(url)}>", blocks=(block,))


def _escaped_length(text: str) -> int:
    return len(slack_escape(text))
