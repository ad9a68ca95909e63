"""Textual cues of anger: shouting, piled-up ``!?``, swearing, and asking the same thing again.

Pure functions of the text (and, for repetition, of the customer's earlier messages). They
complement the embedding classifier, which reads meaning but not typography or history.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import yaml

PROFANITY_FILE = Path(__file__).with_name("profanity.yml")
FRUSTRATION_FILE = Path(__file__).with_name("frustration.yml")
MIN_LETTERS_FOR_CAPS = 4
SHOUTING_FROM = 0.6  # share of capitals from which a whole message reads as shouted
SHOUTED_PHRASE = 3  # capitalised words that make a shouted phrase ("WHERE IS MY REFUND")
PUNCTUATION_RUN = re.compile(r"[!?¡¿]{2,}")
WORD = re.compile(r"\w+")


class ProfanityListInvalid(ValueError):
    """The profanity file is not a mapping of language codes to lists of words."""


@dataclass(frozen=True)
class Cues:
    """What the text itself says about the customer's temper, each in ``[0, 1]``.

    Attributes:
        capitals: Share of capital letters among the letters (0 for very short texts).
        shouting: A mostly capitalised message, or a shouted phrase of three words or more.
        punctuation: Runs of two or more ``!``/``?``, a third per run, at most 1.
        profanity: 1 if a listed swear word or insult occurs, else 0.
        repetition: Similarity to the most similar earlier customer message.
        frustration: 1 if the customer says they are annoyed, fed up... (not a
            trained feature: it lifts the probability to the offer threshold).
    """

    capitals: float
    shouting: float
    punctuation: float
    profanity: float
    repetition: float
    frustration: float = 0.0

    def features(self) -> list[float]:
        """The cues the classifier is trained on (repetition needs a history it lacks)."""
        return [self.shouting, self.punctuation, self.profanity]


FEATURE_NAMES = ("shouting", "punctuation", "profanity")


class ProfanityList:
    """Whole-word, case-insensitive matching of a multilingual word list."""

    def __init__(self, words: Mapping[str, Sequence[str]]) -> None:
        self.words = {language: tuple(entries) for language, entries in words.items()}
        everything = sorted({w for ws in self.words.values() for w in ws}, key=len, reverse=True)
        body = "|".join(re.escape(word) for word in everything) or r"(?!x)x"
        self._pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)")

    def found(self, text: str) -> bool:
        return bool(self._pattern.search(text.casefold()))


def load_frustration(path: Path = FRUSTRATION_FILE) -> ProfanityList:
    """Read and validate the list of words that say "I'm annoyed"."""
    return load_profanity(path)


def load_profanity(path: Path = PROFANITY_FILE) -> ProfanityList:
    """Read and validate the word list (``language: [word, ...]``)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ProfanityListInvalid(f"{path}: expected a mapping of language to words")
    words: dict[str, tuple[str, ...]] = {}
    for language, entries in data.items():
        if not isinstance(language, str) or not isinstance(entries, list):
            raise ProfanityListInvalid(f"{path}: {language!r} must map to a list of words")
        bad = [entry for entry in entries if not isinstance(entry, str) or not entry.strip()]
        if bad:
            raise ProfanityListInvalid(f"{path}: {language}: not words: {bad!r}")
        words[language] = tuple(entry.strip().casefold() for entry in entries)
    return ProfanityList(words)


def capitals_share(text: str) -> float:
    """Share of upper-case letters among cased letters; 0 below a few letters ("OK", "DHL")."""
    cased = [char for char in text if char.isupper() or char.islower()]
    if len(cased) < MIN_LETTERS_FOR_CAPS:
        return 0.0
    return sum(char.isupper() for char in cased) / len(cased)


def shouting(text: str) -> float:
    """1 for a shouted message or phrase; partial for a shouted word or two ("NOT", "DHL")."""
    share = capitals_share(text)
    whole = max(0.0, (share - SHOUTING_FROM) / (1.0 - SHOUTING_FROM))
    words = [word for word in WORD.findall(text) if sum(char.isalpha() for char in word) >= 2]
    loud = sum(word.isupper() for word in words)
    return min(1.0, max(whole, loud / SHOUTED_PHRASE))


def unshouted(text: str) -> str:
    """The text with shouted words in lower case, for the embedding model to read its meaning.

    Shouting is a cue of its own; left in, it makes the encoder misread the words
    ("WHERE IS MY REFUND" does not embed like "where is my refund").
    """
    return WORD.sub(lambda match: _quietly(match.group(0)), text)


def _quietly(word: str) -> str:
    return word.lower() if word.isupper() and sum(c.isalpha() for c in word) >= 2 else word


def punctuation_runs(text: str) -> float:
    """Runs like ``!!`` or ``?!``, a third per run, capped at 1."""
    return min(len(PUNCTUATION_RUN.findall(text)) / 3.0, 1.0)


def repetition(text: str, history: Iterable[str]) -> float:
    """How closely ``text`` repeats the most similar earlier customer message, in ``[0, 1]``."""
    current = " ".join(WORD.findall(text.casefold()))
    if not current:
        return 0.0
    best = 0.0
    for earlier in history:
        previous = " ".join(WORD.findall(earlier.casefold()))
        if previous:
            best = max(best, SequenceMatcher(None, current, previous).ratio())
    return best


def cues(
    text: str,
    *,
    profanity: ProfanityList,
    history: Sequence[str] = (),
    frustration: ProfanityList | None = None,
) -> Cues:
    """All the cues of one message."""
    return Cues(
        capitals=capitals_share(text),
        shouting=shouting(text),
        punctuation=punctuation_runs(text),
        profanity=1.0 if profanity.found(text) else 0.0,
        repetition=repetition(text, history),
        frustration=1.0 if frustration is not None and frustration.found(text) else 0.0,
    )
