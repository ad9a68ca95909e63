"""Strip personal data from text before it reaches a log."""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<email>"),
    (re.compile(r"(?:xox[abposr]|xapp)-[\w-]+"), "<slack-token>"),
    (re.compile(r"\b\d{6,12}:[\w-]{30,}\b"), "<telegram-token>"),
    (re.compile(r"\+?\d[\d ()./-]{6,}\d"), "<number>"),
    (
        re.compile(
            r"(?i)\b((?:text|caption|first_name|last_name|username|real_name|name)"
            r"['\"]?\s*[:=]\s*)(['\"]).*?\2"
        ),
        r"\1\2<redacted>\2",
    ),
)


def redact(text: str) -> str:
    """Mask emails, phone and card-like numbers, tokens, and quoted names or message texts."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Masks message texts, names, emails and tokens in a record and its traceback.

    For third-party loggers (slack-bolt logs whole request bodies in places).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True
