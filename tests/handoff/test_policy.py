"""The escalation policy's decisions, with their reasons, on example conversations."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.handoff.config import EscalationConfigError, load_policy, parse_policy
from bot.handoff.policy import Action, Turn
from bot.settings import PROJECT_ROOT

POLICY = load_policy(PROJECT_ROOT / "escalation.yml")


def t(text: str, *, lang: str = "en", anger: float = 0.0, person: bool = False,
      helped: bool = True, complaint: float = 0.0, repeat: float = 0.0) -> Turn:  # fmt: skip
    return Turn(text, lang, anger=anger, asked_for_person=person, helped=helped,
                complaint=complaint, repeat=repeat)  # fmt: skip


CONVERSATIONS = [
    ("a plain question", [t("where is my order?")], Action.NONE, []),
    ("annoyed but answerable: answer and offer a person",
     [t("I'm so annoyed my card was declined, how do I fix it?", anger=0.72)],
     Action.OFFER, [("anger", "anger in this message")]),
    ("strong anger with an answer: the answer and an offer",
     [t("THIS IS RIDICULOUS!!! WHERE IS MY MONEY???", anger=0.93)],
     Action.OFFER, [("anger", "strong anger, with a question the bot answered")]),
    ("strong anger with nothing to answer hands off",
     [t("THIS IS RIDICULOUS!!! YOU ARE USELESS!!!", anger=0.93, helped=False)],
     Action.HANDOFF, [("anger", "strong anger")]),
    ("sustained anger hands off",
     [t("still no parcel", anger=0.75), t("ok"), t("this is useless", anger=0.8)],
     Action.HANDOFF, [("anger", "anger or complaints in 2 of the last 3 messages")]),
    ("anger after a complaint is sustained",
     [t("three weeks and still nothing", complaint=0.9), t("WHERE IS IT", anger=0.95)],
     Action.HANDOFF, [("anger", "anger or complaints in 2 of the last 2 messages"),
                      ("complaint", "a complaint earlier on")]),
    ("anger that faded is not sustained",
     [t("annoying", anger=0.8), t("fine"), t("thanks"), t("and returns?", anger=0.75)],
     Action.OFFER, [("anger", "anger in this message")]),
    ("a calm complaint gets an offer",
     [t("nobody answers my emails", complaint=0.8)],
     Action.OFFER, [("complaint", "a complaint in this message")]),
    ("asking again gets an offer",
     [t("where is my order"), t("where is my order?", repeat=0.95)],
     Action.OFFER, [("repeat", "the customer asked this before")]),
    ("an explicit request", [t("agent please", person=True)], Action.HANDOFF,
     [("request", "the customer asked for a person")]),
    ("two turns without help: a person is offered", [t("blue widget size?", helped=False),
                                                    t("the blue one!", helped=False)],
     Action.OFFER, [("failure", "2 turns in a row without help")]),
    ("three turns without help hand off", [t("blue widget?", helped=False),
                                           t("the blue one!", helped=False),
                                           t("BLUE", helped=False)],
     Action.HANDOFF, [("failure", "3 turns in a row without help")]),
    ("one failure is not enough", [t("x", helped=False), t("y")], Action.NONE, []),
    ("a legal threat in German", [t("Ich werde meinen Anwalt einschalten.", lang="de")],
     Action.HANDOFF, [("sensitive", "legal: 'Anwalt'")]),
    ("a data-protection request in Spanish, accents ignored",
     [t("Quiero ejercer mi derecho al olvido segun la proteccion de datos", lang="es")],
     Action.HANDOFF, [("sensitive", "data_protection: 'protección de datos'")]),
    ("account closure in English inside another language's conversation",
     [t("please close my account", lang="fr")],
     Action.HANDOFF, [("sensitive", "account_closure: 'close my account'")]),
    ("a word inside another word is not a topic", [t("the firework kit arrived broken")],
     Action.NONE, []),
    ("several reasons at once", [t("I want a person, my LAWYER will hear of this", person=True,
                                   anger=0.9, helped=False)],
     Action.HANDOFF, [("request", "the customer asked for a person"),
                      ("sensitive", "legal: 'lawyer'"), ("anger", "strong anger")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("turns", "action", "reasons"),
    [
        pytest.param(turns, action, reasons, id=name)
        for name, turns, action, reasons in CONVERSATIONS
    ],
)
def test_decisions_and_their_reasons(
    turns: list[Turn], action: Action, reasons: list[tuple[str, str]]
) -> None:
    decision = POLICY.decide(turns)
    assert decision.action is action
    assert [(r.signal, r.evidence) for r in decision.reasons] == reasons
    assert all(r.message == len(turns) - 1 for r in decision.reasons if "earlier" not in r.evidence)


def test_anger_reasons_carry_the_score() -> None:
    [reason] = POLICY.decide([t("grr", anger=0.912345)]).reasons
    assert reason.score == 0.912


def test_config_problems_are_named_by_field(tmp_path: Path) -> None:
    with pytest.raises(EscalationConfigError) as caught:
        parse_policy(
            {
                "anger": {"offer": 0.9, "handoff": 0.5, "sustained": 4, "window": 3},
                "failed_turns": 0,
                "request_confidence": 1.5,
                "sensitive_topics": {"legal": {"en": "lawyer"}},
            }
        )
    assert caught.value.problems == [
        "anger.handoff: must not be below anger.offer",
        "anger.sustained: cannot exceed anger.window",
        "failed_turns: must be a positive whole number",
        "request_confidence: must be a probability between 0 and 1",
        "sensitive_topics.legal.en: must be a list of phrases",
    ]


def test_a_doubted_request_is_an_offer_not_a_handoff() -> None:
    decision = POLICY.decide([Turn(text="does it expire? lol", language="en", maybe_person=True)])
    assert decision.action is Action.OFFER
    assert [(r.signal, r.evidence) for r in decision.reasons] == [
        ("request", "the message may ask for a person")
    ]
