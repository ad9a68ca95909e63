"""Validation of what the browser sends (bot/channels/web/wire.py)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.web.wire import BadMessage, WidgetMessage, parse_user_uttered

GOOD_ID = "0b6f7c1e-9a1d-4c55-8f0e-2f6f0d4c9b11"


def test_a_widget_message_keeps_text_title_and_hints() -> None:
    message = parse_user_uttered(
        {
            "id": GOOD_ID,
            "text": '  /faq_choose{"faq_id": "reset-password"} ',
            "title": "Reset my password",
            "metadata": {"locale": "de-AT", "timezone": "America/Argentina/Buenos_Aires"},
        }
    )
    assert message == WidgetMessage(
        message_id=GOOD_ID,
        text='/faq_choose{"faq_id": "reset-password"}',
        title="Reset my password",
        locale="de-AT",
        timezone="America/Argentina/Buenos_Aires",
    )


@pytest.mark.parametrize(
    "metadata",
    [
        {"locale": "<script>", "timezone": "../../etc/passwd"},
        {"locale": "x" * 100, "timezone": "Europe/" + "x" * 100},
        {"locale": 7, "timezone": ["UTC"]},
        "not a mapping",
    ],
)
def test_hints_that_look_wrong_are_dropped_not_fatal(metadata: Any) -> None:
    message = parse_user_uttered({"id": GOOD_ID, "text": "hi", "metadata": metadata})
    assert (message.text, message.locale, message.timezone) == ("hi", None, None)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "hello",
        {"text": "hello"},
        {"id": "short", "text": "hello"},
        {"id": "a b c d e f g h", "text": "hello"},
        {"id": GOOD_ID, "text": "   "},
        {"id": GOOD_ID, "text": {"nested": 1}},
    ],
)
def test_payloads_no_widget_sends_are_refused(payload: Any) -> None:
    with pytest.raises(BadMessage):
        parse_user_uttered(payload)
