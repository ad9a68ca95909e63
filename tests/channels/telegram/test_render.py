from __future__ import annotations

from bot.channels.base import Button, Outgoing
from bot.channels.telegram.render import render


def keep(payload: str) -> str:
    return payload


def test_buttons_ride_on_the_last_part_as_an_inline_keyboard() -> None:
    message = Outgoing(
        text="Which one?\n\n" + "word " * 1000,
        buttons=(
            Button("Order address", '/faq_choose{"faq_id": "a"}'),
            Button("Terms", url="https://e.example/t"),
        ),
    )
    parts = render(message, shorten=keep, limit=2000)
    assert [p.method for p in parts] == ["sendMessage"] * 3
    assert all(p.keyboard is None for p in parts[:-1])
    keyboard = parts[-1].keyboard
    assert keyboard is not None
    rows = keyboard.to_dict()["inline_keyboard"]
    assert rows == [
        [{"text": "Order address", "callback_data": '/faq_choose{"faq_id": "a"}'}],
        [{"text": "Terms", "url": "https://e.example/t"}],
    ]


def test_long_payloads_are_shortened_by_the_callers_store() -> None:
    long = '/faq_choose{"faq_id": "' + "x" * 80 + '"}'
    parts = render(Outgoing(text="?", buttons=(Button("X", long),)), shorten=lambda p: "#p:abc")
    assert parts[0].keyboard is not None
    assert parts[0].keyboard.to_dict()["inline_keyboard"][0][0]["callback_data"] == "#p:abc"


def test_images_and_files_are_sent_as_media_and_the_plain_fallback_is_kept() -> None:
    parts = render(
        Outgoing(text="See **this** [page](https://e.example)", image="https://e.example/i.png"),
        shorten=keep,
    )
    assert [p.method for p in parts] == ["sendPhoto", "sendMessage"]
    assert parts[1].text == 'See <b>this</b> <a href="https://e.example">page</a>'
    assert parts[1].plain == "See this page (https://e.example)"


def test_buttons_without_text_still_get_a_message() -> None:
    parts = render(Outgoing(buttons=(Button("Yes", "/affirm"),)), shorten=keep)
    assert len(parts) == 1 and parts[0].text and parts[0].keyboard is not None
