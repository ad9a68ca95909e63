"""Which web sites may talk to the widget's socket and show the chat page in a frame.

The allowlist is ``FRONTLINE_WEB_ALLOWED_ORIGINS``; the Rasa server's own origin is
always allowed. engine.io (4.15) treats a *list* of origins as the whole truth (the
server's own origin is then refused unless listed) and ``None`` as "same origin
only", so the policy is handed to it as a callable that checks both.

Same origin is judged on host and port only. engine.io's Sanic driver reports the
scheme as ``http`` unless a proxy sets ``X-Forwarded-Proto``, so comparing schemes
would refuse the server's own page when Rasa itself terminates TLS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.settings import Settings

ANY = "*"
_ORIGIN = re.compile(
    r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$"
)
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def normalize_origin(origin: str) -> str:
    """``https://Shop.Example:443/`` → ``https://shop.example``; ValueError if not an origin."""
    value = origin.strip().rstrip("/")
    if not _ORIGIN.fullmatch(value):
        raise ValueError(
            f"{origin!r} is not a web origin: write scheme and host (and port) only, "
            "such as https://shop.example or http://localhost:8080"
        )
    scheme, _, rest = value.partition("://")
    scheme, rest = scheme.lower(), rest.lower()
    if rest.endswith(_DEFAULT_PORTS[scheme]):
        rest = rest[: -len(_DEFAULT_PORTS[scheme])]
    return f"{scheme}://{rest}"


class OriginPolicy:
    """The allowlist of sites that embed the widget, plus the server's own origin."""

    def __init__(self, *, allowed: Iterable[str]) -> None:
        entries = [entry.strip() for entry in allowed if entry.strip()]
        self.any = ANY in entries
        self.allowed = frozenset(normalize_origin(e) for e in entries if e != ANY)

    @classmethod
    def from_settings(cls, settings: Settings) -> OriginPolicy:
        return cls(allowed=settings.web_allowed_origins)

    def allows(self, origin: str | None, *, hosts: Iterable[str] = ()) -> bool:
        """May a page from ``origin`` connect? ``hosts``: the names this server was reached by.

        A request without an ``Origin`` header is not from a cross-site page (browsers
        always send one on cross-origin requests and on WebSockets), so it passes.
        """
        if not origin:
            return True
        if self.any:
            return True
        try:
            normalized = normalize_origin(origin)
        except ValueError:
            return False
        if normalized in self.allowed:
            return True
        own = {host.strip().lower() for host in hosts if host}
        return urlsplit(normalized).netloc in own or _with_default_port(normalized) in own

    def allows_environ(self, origin: str | None, environ: Mapping[str, Any]) -> bool:
        """The check in the shape python-socketio's ``cors_allowed_origins`` callable takes."""
        hosts = [str(environ.get("HTTP_HOST", ""))]
        forwarded = str(environ.get("HTTP_X_FORWARDED_HOST", ""))
        hosts += [part.strip() for part in forwarded.split(",") if part.strip()]
        return self.allows(origin, hosts=hosts)

    def frame_ancestors(self) -> str:
        """The CSP directive naming who may put the chat page in a frame."""
        if self.any:
            return "frame-ancestors *"
        return " ".join(["frame-ancestors", "'self'", *sorted(self.allowed)])


def _with_default_port(origin: str) -> str:
    """The netloc with the scheme's default port written out, as a Host header may carry it."""
    scheme, _, netloc = origin.partition("://")
    return netloc + _DEFAULT_PORTS[scheme]
