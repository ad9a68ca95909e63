"""A "none of these" logs the customer's question for editors, like a question with no
answer (issue 14: gap mining reads both)."""

from __future__ import annotations

from tests.auxil.turns import Chat, button, engines, kinds

ADDRESS = "I need to change the address"
FAQ = {ADDRESS: ("clarify", ["change-address", "change-order-address"])}


def test_none_of_these_logs_the_question_that_was_asked() -> None:
    bot = Chat(engines(FAQ))
    clarified = bot.say(ADDRESS)
    assert clarified.gap is None  # choices were offered: not a gap yet

    reply = bot.click(button(clarified, "/faq_none"))

    assert kinds(reply) == ["none_chosen"]
    assert reply.gap is not None and reply.gap.text == ADDRESS


def test_a_chosen_entry_logs_no_gap() -> None:
    bot = Chat(engines(FAQ))
    reply = bot.click(button(bot.say(ADDRESS), "change-address"))

    assert kinds(reply) == ["answer"]
    assert reply.gap is None
