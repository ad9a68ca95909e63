"""Personal data out of customer texts that editors see (learned variants, suggestions).

Emails, phone numbers, order, card and account numbers (any run of five or more
digits, spaces allowed), IBANs, and the names the platform gave for the customer are
replaced by a placeholder, so a customer's words can become a variant without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_PHONE = re.compile(r"\+\d[\d ()./-]{6,}\d")
_NUMBER = re.compile(r"(?<![\w.,])#?\d(?:[ -]?\d){4,}(?![\w.,])")


def redact_text(text: str, *, names: Iterable[str] = ()) -> str:
    """``text`` with emails, phone numbers, long numbers, IBANs and ``names`` masked."""
    text = _EMAIL.sub("<email>", text)
    text = _IBAN.sub("<iban>", text)
    text = _PHONE.sub("<phone>", text)
    text = _NUMBER.sub("<number>", text)
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True
    ):
        text = re.sub(rf"(?i)(?<!\w){re.escape(name)}(?!\w)", "<name>", text)
    return text
