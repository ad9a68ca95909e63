"""Button clicks (``block_actions``) as the customer's choice."""

from __future__ import annotations

from typing import Any

from bot.channels.slack.clicks import read_click


def payload(action: dict[str, Any] | None = None, **message: Any) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "U1", "team_id": "T1"},
        "team": {"id": "T1"},
        "container": {"type": "message", "message_ts": "200.5", "channel_id": "D1"},
        "channel": {"id": "D1"},
        "message": {
            "ts": "200.5",
            "text": "Which one?",
            "blocks": [{"type": "section"}],
            **message,
        },
        "actions": [
            action
            or {
                "type": "button",
                "action_id": "choice-1",
                "text": {"type": "plain_text", "text": "Change an order's address"},
                "value": '/faq_choose{"faq_id": "change-order-address"}',
                "action_ts": "201.0",
            }
        ],
    }


def test_a_click_sends_the_payload_and_remembers_the_title() -> None:
    click = read_click(payload())
    assert click is not None
    assert click.inbound.text == '/faq_choose{"faq_id": "change-order-address"}'
    assert click.inbound.sender_id == "slack-T1-U1"
    assert click.inbound.extra["button_title"] == "Change an order's address"
    assert click.title == "Change an order's address"
    assert click.message_ts == "200.5"
    assert click.message_blocks == ({"type": "section"},)
    assert click.inbound.address.thread_ts is None


def test_one_choice_per_message_whichever_button_or_retry() -> None:
    first = read_click(payload())
    other = dict(payload()["actions"][0], action_id="choice-0", value="/request_human")
    second = read_click(payload(other))
    assert first is not None and second is not None
    assert first.inbound.delivery_key == second.inbound.delivery_key == "click:D1:200.5"


def test_a_click_in_a_thread_is_answered_in_the_thread() -> None:
    click = read_click(payload(thread_ts="150.0"))
    assert click is not None and click.inbound.address.thread_ts == "150.0"


def test_a_click_in_a_channel_belongs_to_the_clicker_in_that_channel() -> None:
    data = payload()
    data["container"]["channel_id"] = data["channel"]["id"] = "C9"
    click = read_click(data)
    assert click is not None and click.inbound.sender_id == "slack-T1-C9-U1"


def test_link_buttons_and_other_interactions_are_not_choices() -> None:
    link = {"type": "button", "action_id": "link-0", "text": {"text": "Docs"}, "url": "https://x"}
    assert read_click(payload(link)) is None
    assert read_click({"type": "view_submission"}) is None
    assert read_click({**payload(), "actions": []}) is None
