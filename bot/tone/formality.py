"""T and V forms (du/Sie, tú/usted, tu/vous) in a text. Pure.

Only unambiguous words count: German "Sie" must be capitalised and not start a
sentence, and Spanish "su" (his, her, your) is left out.
"""

from __future__ import annotations

import re

# Per language: (informal words, formal words). Matching is case-sensitive for German.
_FORMS: dict[str, tuple[set[str], set[str]]] = {
    "de": (
        {"du", "dich", "dir", "dein", "deine", "deinen", "deinem", "deiner", "deines", "euch"},
        {"Sie", "Ihnen", "Ihr", "Ihre", "Ihren", "Ihrem", "Ihrer", "Ihres"},
    ),
    "es": (
        {"tú", "contigo", "tus", "puedes", "quieres", "tienes", "necesitas"},
        {"usted", "ustedes"},
    ),
    "fr": ({"tu", "toi", "ton", "ta", "tes", "t'"}, {"vous", "votre", "vos"}),
    "pt": ({"tu", "teu", "tua", "teus", "tuas", "contigo"}, {"o senhor", "a senhora"}),
}
_WORD = re.compile(r"[\w']+|[.!?:]\s+")


def forms(text: str, language: str) -> tuple[list[str], list[str]]:
    """The informal and the formal words of ``language`` that ``text`` uses."""
    if language not in _FORMS:
        return [], []
    informal, formal = _FORMS[language]
    casual: list[str] = []
    polite: list[str] = []
    if language == "pt":
        lowered = text.lower()
        polite = [w for w in formal if re.search(rf"\b{w}\b", lowered)]
        casual = [w for w in informal if re.search(rf"\b{w}\b", lowered)]
        return casual, polite
    sentence_start = True
    tokens = _WORD.findall(text.replace("’", "'"))
    for index, token in enumerate(tokens):
        if not token[0].isalnum() and token[0] != "'":
            sentence_start = True
            continue
        word = token if language == "de" else token.lower()
        if language == "fr" and word.startswith("t'"):
            word = "t'"
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if word in informal or (language == "de" and word.lower() in informal and sentence_start):
            casual.append(word)
        elif word in formal and (
            not (language == "de" and sentence_start and word in {"Sie", "Ihr"})
            or following.endswith("en")  # "Sie können", not "Sie ist" (she is)
        ):
            polite.append(word)
        sentence_start = False
    return casual, polite


def register_of(text: str, language: str) -> str | None:
    """``casual``, ``formal``, ``mixed``, or None when the text says nothing either way."""
    casual, polite = forms(text, language)
    if casual and polite:
        return "mixed"
    return "casual" if casual else "formal" if polite else None
