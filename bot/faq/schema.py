"""The FAQ knowledge base as typed objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


class FaqError(Exception):
    """Base class of the FAQ engine's errors."""


@dataclass(frozen=True)
class FaqValidationError(FaqError):
    """One problem in one field of one entry of one file."""

    file: str
    entry: str | None
    field: str | None
    problem: str

    def __str__(self) -> str:
        where = self.file
        if self.entry is not None:
            where += f", entry '{self.entry}'"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.problem}"


class KnowledgeBaseInvalid(FaqError):
    """A knowledge base that has at least one validation error."""

    def __init__(self, errors: list[FaqValidationError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  - {error}" for error in errors)
        super().__init__(f"{len(errors)} problem(s) in the FAQ knowledge base:\n{lines}")


Localized = Mapping[str, str]


@dataclass(frozen=True)
class Link:
    url: str
    label: Localized


@dataclass(frozen=True)
class Button:
    label: Localized
    payload: str


@dataclass(frozen=True)
class FaqEntry:
    """One question-and-answer pair, in several languages."""

    id: str
    question: Localized
    answer: Localized
    tags: tuple[str, ...]
    owner: str
    last_reviewed: date
    source: str
    variants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    links: tuple[Link, ...] = ()
    buttons: tuple[Button, ...] = ()
    registers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Per language, ``formal`` and ``casual`` answers where the editor wrote both."""

    def phrasings(self) -> list[tuple[str, str]]:
        """Every (language, text) a customer's message is matched against."""
        texts = [(lang, text) for lang, text in self.question.items()]
        for lang, variants in self.variants.items():
            texts.extend((lang, text) for text in variants)
        return texts

    def answer_in(self, language: str) -> Mapping[str, str] | None:
        """The answer's register variants in ``language``; None if it has no answer there."""
        if language in self.registers:
            return self.registers[language]
        if language in self.answer:
            return {"formal": self.answer[language], "casual": self.answer[language]}
        return None

    def title(self, language: str, default_language: str) -> str:
        """The canonical question in ``language``, else in the default language."""
        return self.question.get(language) or self.question[default_language]


@dataclass(frozen=True)
class KnowledgeBase:
    """Every entry of every file, by id."""

    entries: Mapping[str, FaqEntry]

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, entry_id: str) -> FaqEntry:
        return self.entries[entry_id]

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self.entries
