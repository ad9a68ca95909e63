"""T and V forms (du/Sie, tú/usted, tu/vous) in a text. Pure.

Only unambiguous words count: German "Sie" must be capitalised and not start a
sentence, and Spanish "su" (his, her, your) is left out.
"""

from __future__ import annotations

import re

# Per language: (informal words, formal words). Matching is case-sensitive for German.
# fmt: off
_FORMS: dict[str, tuple[set[str], set[str]]] = {
    "de": (
        {"du", "dich", "dir", "dein", "deine", "deinen", "deinem", "deiner", "deines", "euch"},
        {"Sie", "Ihnen", "Ihr", "Ihre", "Ihren", "Ihrem", "Ihrer", "Ihres"},
    ),
    "es": (
        {
            "tú", "te", "ti", "contigo", "tus", "puedes", "quieres", "tienes", "necesitas",
            "haz clic", "escríbenos", "pregúntame", "contáctanos", "indícanos", "dinos",
            "envíanos", "olvidaste", "compraste", "prefieres",
        },
        {
            "usted", "ustedes", "haga clic", "escríbanos", "pregúnteme", "contáctenos",
            "indíquenos", "díganos", "envíenos",
        },
    ),
    "fr": ({"tu", "toi", "ton", "ta", "tes", "t'"}, {"vous", "votre", "vos"}),
    "pt": ({"tu", "teu", "tua", "teus", "tuas", "contigo"}, {"o senhor", "a senhora"}),
}
# fmt: on
_WORD = re.compile(r"[\w']+|[.!?:]\s+")


def forms(text: str, language: str) -> tuple[list[str], list[str]]:
    """The informal and the formal words of ``language`` that ``text`` uses."""
    if language not in _FORMS:
        return [], []
    informal, formal = _FORMS[language]
    # Phrases ("haga clic", "o senhor") are looked up as such; single words token by token.
    lowered = text.lower()
    casual = [p for p in informal if " " in p and re.search(rf"\b{p}\b", lowered)]
    polite = [p for p in formal if " " in p and re.search(rf"\b{p}\b", lowered)]
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
