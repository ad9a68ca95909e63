"""Personal data out of customer texts that editors see (learned variants, suggestions).

Emails, phone numbers, order, card and account numbers (any run of five or more
digits, spaces allowed, and references that mix letters with three or more digits,
such as ``AB-20931X``), IBANs, and the names the platform gave for the customer are
replaced by a placeholder, so a customer's words can become a variant without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_PHONE = re.compile(r"\+\d[\d ()./-]{6,}\d")
_PHONE_LOCAL = re.compile(r"\(\d{2,5}\)[ ]?\d[\d ./-]{3,}\d")
_NUMBER = re.compile(r"(?<![\w.,])#?\d(?:[ -]?\d){4,}(?![\w.,])")
# A token of six or more letters, digits and dashes, with a letter and three digits or more.
_REFERENCE = re.compile(
    r"(?<![\w-])(?=[\w-]*[A-Za-z])(?=(?:[\w-]*?\d){3})[A-Za-z0-9][\w-]{5,}(?![\w-])"
)


def redact_text(text: str, *, names: Iterable[str] = ()) -> str:
    """``text`` with emails, phone numbers, long numbers, IBANs and ``names`` masked."""
    text = _EMAIL.sub("<email>", text)
    text = _IBAN.sub("<iban>", text)
    text = _PHONE.sub("<phone>", text)
    text = _PHONE_LOCAL.sub("<phone>", text)
    text = _NUMBER.sub("<number>", text)
    text = _REFERENCE.sub("<number>", text)
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True
    ):
        text = re.sub(rf"(?i)(?<!\w){re.escape(name)}(?!\w)", "<name>", text)
    return text


def profile_names(profile: Mapping[str, Any]) -> list[str]:
    """The names a customer's profile gives (``display_name``, and first and last name
    where a platform sends them), whole and word by word: "Zoe Müller" also masks a
    lone "Zoe"."""
    names: list[str] = []
    for key in ("display_name", "first_name", "last_name", "name"):
        value = profile.get(key)
        if isinstance(value, str) and value.strip():
            names.append(value.strip())
            names.extend(part for part in value.split() if len(part) > 1)
    return list(dict.fromkeys(names))
