"""Read a response's text from the domain, in a given language."""

from __future__ import annotations

from typing import Any


def response_text(domain: dict[str, Any], name: str, language: str) -> str:
    """The variant of response ``name`` whose ``language`` condition matches, else the default."""
    variants = domain.get("responses", {}).get(name) or []
    fallback = None
    for variant in variants:
        conditions = variant.get("condition") or []
        if not conditions:
            fallback = fallback or variant.get("text")
        elif any(c.get("name") == "language" and c.get("value") == language for c in conditions):
            return str(variant["text"])
    if fallback is None:
        raise KeyError(f"domain has no response {name!r}")
    return str(fallback)
