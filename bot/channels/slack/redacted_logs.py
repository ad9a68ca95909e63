"""Bolt's loggers with personal data masked: bolt logs whole request bodies in places."""

from __future__ import annotations

import logging

from bot.channels.redact import RedactingFilter

BOLT_LOGGER = "bot.channels.slack.bolt"


def bolt_logger() -> logging.Logger:
    """The base logger for bolt; every bolt logger copies its filters when created.

    Bolt's request verification, for one, logs the body of a request whose
    signature is wrong, customer's message included.
    """
    logger = logging.getLogger(BOLT_LOGGER)
    if not any(isinstance(existing, RedactingFilter) for existing in logger.filters):
        logger.addFilter(RedactingFilter())
    return logger
