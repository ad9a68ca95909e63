"""What a customer's message asks of the bot: a question, a choice, a person... Pure.

Rasa's intent is the first clue, but the conversation decides: "2" picks the second
option of an open clarification, "yes" after an offer of a person accepts it, and a
greeting that carries a question is a question.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from bot.locale.names import named_language
from bot.locale.resolve import supported_language
from bot.turn.context import TurnContext

HANDOFF_ENDED = "handoff_ended"
QUESTION_INTENTS = ("faq", "nlu_fallback")
CHAT_TEXTS = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_welcome",
    "affirm": "utter_anything_else",
    "deny": "utter_deny_ack",
    "bot_challenge": "utter_iamabot",
    "help": "utter_help",
    "unsupported_content": "utter_unsupported_content",
}
# Small talk that may carry a question ("hi, where is my parcel?", "ok thanks, and how
# long does a refund take?"): asked to the FAQ when it asks something or is long enough.
# Rasa's small-talk intents also catch questions nobody trained them on ("ok what about
# child car seats?" reads as `help`), so a question mark always asks the FAQ.
MAYBE_QUESTION = {"greet": 4, "thanks": 6, "goodbye": 6, "affirm": 6, "deny": 6, "help": 5}
QUESTION_MARKS = ("?", "¿", "؟")
YES_WORDS = 3
_RATING = re.compile(
    r"^\D{0,20}([1-5])\s*(?:/\s*5|\*|★+|stars?|sterne?|estrellas?|étoiles?|estrelas?|نجوم)?\W*$",
    re.I,
)
_NUMBER = re.compile(r"^\s*(?:#|nr\.?|no\.?|n°)?\s*(\d{1,2})\s*[.)]?\s*$", re.I)
NONE_OF_THESE = {
    "none", "none of these", "none of them", "neither", "no", "nope", "something else",
    "ninguno", "ninguna", "ninguna de estas", "ninguno de estos", "otra cosa",
    "keine", "keins", "keines", "keine davon", "nichts davon", "etwas anderes",
    "aucun", "aucune", "aucune de ces options", "rien de tout ca", "autre chose",
    "nenhum", "nenhuma", "nenhuma dessas", "nenhum desses", "outra coisa",
    "لا شيء", "ولا واحد", "لا شيء من هذه", "شيء آخر",
}  # fmt: skip


class Move(Enum):
    QUESTION = "question"
    CHOICE = "choice"  # an entry picked from a clarification
    NONE_OF_THESE = "none_of_these"
    PERSON = "person"
    RATING = "rating"
    LANGUAGE = "language"
    CHAT = "chat"
    RETURNED = "returned"  # an agent gave the conversation back


@dataclass(frozen=True)
class Reading:
    """What the message means.

    Attributes:
        move: The kind of request.
        entry: The entry chosen (``CHOICE``).
        rating: The rating given (``RATING``).
        chat: The catalog text that answers small talk (``CHAT``, and a
            ``QUESTION`` that is small talk if the FAQ has nothing).
        language: The language asked for (``LANGUAGE``), if it is supported.
        asks: The text asks something (a question mark): a question the FAQ cannot
            answer is admitted, not met with small talk.
        maybe_person: A ``QUESTION`` that Rasa read as a request for a person, not
            surely enough to hand off (it gets its answer and an offer).
    """

    move: Move
    entry: str | None = None
    rating: int | None = None
    chat: str | None = None
    language: str | None = None
    asks: bool = False
    maybe_person: bool = False


def read(
    ctx: TurnContext, *, languages: list[str], offered: bool, asks_person: bool = False
) -> Reading:
    """What ``ctx``'s message asks for.

    Args:
        ctx: The turn.
        languages: The supported languages.
        offered: The bot's previous message offered a person.
        asks_person: The text asks for a person in so many words ("can I talk to a
            human?"), whatever Rasa's intent for the whole message.
    """
    intent = ctx.intent or "nlu_fallback"
    state = ctx.state
    if intent == HANDOFF_ENDED:
        return Reading(Move.RETURNED)
    if intent == "faq_choose" and ctx.entities.get("faq_id"):
        return Reading(Move.CHOICE, entry=ctx.entities["faq_id"])
    if intent == "faq_none":
        return Reading(Move.NONE_OF_THESE)
    if state.csat_ticket:
        rating = _rating(ctx)
        if rating is not None:
            return Reading(Move.RATING, rating=rating)
    if state.pending is not None and not ctx.clicked:
        choice = _typed_choice(ctx.text, state.pending.choices)
        if choice is not None:
            return choice
        if intent == "affirm" and len(state.pending.choices) == 1:
            return Reading(Move.CHOICE, entry=state.pending.choices[0])
    if intent == "request_human" or (intent == "affirm" and offered and _short(ctx.text)):
        return Reading(Move.PERSON)
    if asks_person and not ctx.clicked and intent != "choose_language":
        return Reading(Move.PERSON)
    if intent == "choose_language":
        return Reading(Move.LANGUAGE, language=requested_language(ctx, languages))
    chat = CHAT_TEXTS.get(intent)
    asks = any(mark in ctx.text for mark in QUESTION_MARKS)
    if chat is None:
        return Reading(Move.QUESTION, asks=True)
    long_enough = len(ctx.text.split()) >= MAYBE_QUESTION.get(intent, 1000)
    asked = asks and intent in MAYBE_QUESTION and intent != "help"  # "what can you do?"
    if not ctx.clicked and (long_enough or asked):
        return Reading(Move.QUESTION, chat=chat, asks=asks)
    return Reading(Move.CHAT, chat=chat)


def _short(text: str) -> bool:
    """A bare "yes" or "yes please", which accepts an offer; "ok, I'll try the app" does not."""
    return len(text.split()) <= YES_WORDS


def requested_language(ctx: TurnContext, languages: list[str]) -> str | None:
    """The supported language a ``choose_language`` message asks for.

    A click carries the code as an entity; typed text ("in German please") names it.
    """
    asked = ctx.entities.get("requested_language")
    code = supported_language(asked, supported=languages) if asked else None
    if code is None and not ctx.clicked:
        code = named_language(ctx.text, supported=languages)
    return code


def _rating(ctx: TurnContext) -> int | None:
    value = ctx.entities.get("rating")
    if value is None and not ctx.clicked:
        match = _RATING.match(ctx.text.strip())
        value = match.group(1) if match else None
    try:
        rating = int(str(value))
    except ValueError:
        return None
    return rating if 1 <= rating <= 5 else None


def _typed_choice(text: str, choices: tuple[str, ...]) -> Reading | None:
    """A number typed for an option ("2"), or "none of these" in any supported language.

    The last option of a clarification is always "None of these".
    """
    match = _NUMBER.match(text)
    if match:
        number = int(match.group(1))
        if 1 <= number <= len(choices):
            return Reading(Move.CHOICE, entry=choices[number - 1])
        if number == len(choices) + 1:
            return Reading(Move.NONE_OF_THESE)
        return None
    if _fold(text) in NONE_OF_THESE:
        return Reading(Move.NONE_OF_THESE)
    return None


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", letters).split())
