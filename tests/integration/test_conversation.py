"""Conversations through the running Rasa server and action server (REST channel)."""

from __future__ import annotations

import sqlite3
import time
import uuid

import pytest

from tests.auxil.servers import BotServers

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def buttons(replies: list[dict]) -> list[dict]:
    return [button for reply in replies for button in reply.get("buttons") or []]


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def test_english_conversation_greets_and_answers(bot: BotServers) -> None:
    sender = new_sender()
    greeting = texts(bot.say(sender, "hello"))
    assert "Northwind Goods assistant" in greeting

    answer = texts(bot.say(sender, "how do I reset my password?"))
    assert "Forgot password" in answer

    tracker = bot.tracker(sender)
    assert tracker["slots"]["language"] == "en"
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == [
        "hello",
        "how do I reset my password?",
    ]


def test_german_and_spanish_questions_get_answers_in_their_language(bot: BotServers) -> None:
    german = new_sender()
    answer = texts(bot.say(german, "wie ändere ich meine Adresse?"))
    assert "Adress" in answer and "Sie" in answer
    assert bot.tracker(german)["slots"]["language"] == "de"
    # A short reply does not flip the conversation's language.
    bot.say(german, "ok")
    assert bot.tracker(german)["slots"]["language"] == "de"

    spanish = new_sender()
    answer = texts(bot.say(spanish, "¿cuánto tarda un reembolso?"))
    assert "reembolso" in answer.lower() and "días" in answer
    assert bot.tracker(spanish)["slots"]["language"] == "es"


def test_unknown_question_admits_it_offers_a_person_and_logs_the_gap(bot: BotServers) -> None:
    sender = new_sender()
    question = "what will the weather be like in Paris tomorrow?"
    replies = bot.say(sender, question)
    assert "don't have an answer" in texts(replies)
    assert [b["payload"] for b in buttons(replies)] == ["/request_human"]

    database = bot.workdir / "var" / "frontline.db"
    with sqlite3.connect(database) as connection:
        logged = connection.execute(
            "SELECT text, language, conversation_id FROM unanswered_questions"
        ).fetchall()
    assert (question, "en", sender) in logged

    person = texts(bot.say(sender, "/human"))
    assert "someone from our team" in person


def test_close_entries_are_offered_as_buttons_and_a_click_answers(bot: BotServers) -> None:
    sender = new_sender()
    replies = bot.say(sender, "I need to correct the address")
    offered = buttons(replies)
    payloads = [b["payload"] for b in offered]
    assert any('"change-address"' in p for p in payloads)
    assert any('"change-order-address"' in p for p in payloads)
    assert payloads[-1] == "/faq_none"  # "None of these"

    choice = next(b for b in offered if '"change-order-address"' in b["payload"])
    answer = texts(bot.say(sender, choice["payload"], title=choice["title"]))
    assert "ship" in answer.lower()


def test_bot_challenge_and_thanks_are_conversational(bot: BotServers) -> None:
    sender = new_sender()
    assert "virtual assistant" in texts(bot.say(sender, "are you a bot?"))
    assert "welcome" in texts(bot.say(sender, "thanks!")).lower()


def wait_for(predicate, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"not true within {timeout}s")


def test_editing_the_faq_goes_live_without_retraining(bot: BotServers) -> None:
    faq_file = bot.workdir / "faq" / "account.yml"
    original = faq_file.read_text(encoding="utf-8")
    sender = new_sender()
    question = "how do I reset my password?"
    try:
        edited = original.replace("Forgot password", "Forgot your password", 1)
        assert edited != original
        faq_file.write_text(edited, encoding="utf-8")
        wait_for(lambda: "Forgot your password" in texts(bot.say(sender, question)), 2.0)

        broken = edited.replace(
            "    answer:\n      en: >-\n", "    answer:\n      en: oops: no\n", 1
        )
        assert broken != edited
        faq_file.write_text(broken, encoding="utf-8")
        log = bot.log("actions")
        problem = "account.yml, entry 'reset-password', field 'answer': YAML syntax error"
        wait_for(lambda: problem in log.read_text(), 5)
        # The last good version keeps being served.
        assert "Forgot your password" in texts(bot.say(sender, question))
    finally:
        faq_file.write_text(original, encoding="utf-8")
    wait_for(lambda: "Forgot password" in texts(bot.say(sender, question)), 2.0)
