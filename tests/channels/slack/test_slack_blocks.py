"""Outgoing messages as Slack mrkdwn and Block Kit, within Slack's limits."""

from __future__ import annotations

from bot.channels.base import Button, Outgoing
from bot.channels.slack.blocks import (
    BUTTON_TEXT_LIMIT,
    SECTION_TEXT_LIMIT,
    chosen,
    mrkdwn_chunks,
    render,
)


def rendered(outgoing: Outgoing) -> list:
    return render(outgoing, language="en")


def test_bold_and_links_become_mrkdwn() -> None:
    [message] = rendered(
        Outgoing(text="Click **Forgot password?** or [help](https://x.example/a?b=1&c=2)")
    )
    assert message.text == "Click *Forgot password?* or <https://x.example/a?b=1&amp;c=2|help>"
    assert message.blocks == ()


def test_control_characters_and_mentions_cannot_be_injected() -> None:
    text = "<script>alert(1)</script> & <@U123> <!channel> <https://evil.example|ok>"
    [message] = rendered(Outgoing(text=text, buttons=(Button("<@U123> & co", "/x"),)))
    for shown in (message.text, message.blocks[0]["text"]["text"]):
        assert "<" not in shown and ">" not in shown
        assert "&lt;script&gt;" in shown
        assert "&amp;" in shown and "&lt;@U123&gt;" in shown and "&lt;!channel&gt;" in shown
    # Button text is plain_text, which Slack never parses for mentions.
    button = message.blocks[1]["elements"][0]
    assert button["text"] == {"type": "plain_text", "text": "<@U123> & co", "emoji": True}


def test_buttons_are_block_kit_with_a_text_fallback() -> None:
    outgoing = Outgoing(
        text="Is it one of these?",
        buttons=(
            Button("Saved address", '/faq_choose{"faq_id": "change-address"}'),
            Button("Talk to a person", "/request_human"),
            Button("Our shop", url="https://shop.example"),
        ),
    )
    [message] = rendered(outgoing)
    assert message.text == "Is it one of these?"
    section, actions = message.blocks
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": "Is it one of these?"}}
    assert [e["action_id"] for e in actions["elements"]] == ["choice-0", "choice-1", "link-2"]
    assert actions["elements"][0]["value"] == '/faq_choose{"faq_id": "change-address"}'
    assert actions["elements"][2]["url"] == "https://shop.example"
    assert "value" not in actions["elements"][2]


def test_buttons_alone_still_have_a_text() -> None:
    [message] = rendered(Outgoing(buttons=(Button("Yes & no", "/affirm"),)))
    assert message.text == "Yes &amp; no"
    assert [block["type"] for block in message.blocks] == ["actions"]


def test_a_long_button_title_is_shortened_to_slacks_limit() -> None:
    [message] = rendered(Outgoing(text="?", buttons=(Button("word " * 40, "/x"),)))
    title = message.blocks[1]["elements"][0]["text"]["text"]
    assert len(title) <= BUTTON_TEXT_LIMIT and title.endswith("…")


def test_many_buttons_fill_several_actions_blocks_of_25() -> None:
    buttons = tuple(Button(f"Option {i}", f"/choose{i}") for i in range(30))
    [message] = rendered(Outgoing(text="Pick one", buttons=buttons))
    actions = [block for block in message.blocks if block["type"] == "actions"]
    assert [len(block["elements"]) for block in actions] == [25, 5]
    ids = [e["action_id"] for block in actions for e in block["elements"]]
    assert len(set(ids)) == 30


def test_a_payload_too_long_for_a_button_falls_back_to_text() -> None:
    outgoing = Outgoing(
        text="Pick one", buttons=(Button("A", "/a" + "x" * 2001), Button("B", "/b"))
    )
    [message] = rendered(outgoing)
    assert message.blocks == ()
    assert message.text == "Pick one\n\nReply with the number of an option:\n1. A\n2. B"


def test_a_long_answer_is_split_within_the_section_limit() -> None:
    sentence = "Returns are free within **30 days** & refunds take 5 < 10 days. "
    parts = mrkdwn_chunks(sentence * 150)
    assert len(parts) > 1
    assert all(len(part) <= SECTION_TEXT_LIMIT for part in parts)
    assert all(part.count("*") % 2 == 0 for part in parts)  # bold is never cut in half
    messages = rendered(Outgoing(text=sentence * 150, buttons=(Button("Thanks", "/thanks"),)))
    assert [bool(m.blocks) for m in messages] == [False] * (len(parts) - 1) + [True]


def test_an_image_is_an_image_block() -> None:
    [message] = rendered(Outgoing(image="https://cdn.example/parcel.png"))
    assert message.blocks == (
        {"type": "image", "image_url": "https://cdn.example/parcel.png", "alt_text": "parcel.png"},
    )
    assert message.text == "<https://cdn.example/parcel.png>"


def test_a_chosen_message_shows_the_choice_instead_of_the_buttons() -> None:
    blocks = (
        {"type": "section", "text": {"type": "mrkdwn", "text": "Which one?"}},
        {"type": "actions", "elements": []},
    )
    after = chosen(blocks, title="Saved <address> & more", user_id="U123ABC")
    assert after[0] == blocks[0]
    assert after[1] == {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": ":white_check_mark: Saved &lt;address&gt; &amp; more · <@U123ABC>",
            }
        ],
    }
    assert "<!" not in str(chosen(blocks, title="x", user_id="<!channel>"))
