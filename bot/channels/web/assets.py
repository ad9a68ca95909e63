"""The widget's files (``static/``) and the security headers they are served with.

The chat page runs only its own scripts (no inline code, nothing from a CDN), talks
only to this server, and may be framed only by the sites on the allowlist.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.channels.static import Asset, read_assets
from bot.channels.web.origins import OriginPolicy

STATIC_DIR = Path(__file__).with_name("static")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$")
PAGE = "chat.html"
EMBED_SCRIPT = "widget.js"
"""The snippet sites include; it adds a launcher that opens the page in a frame."""
PUBLIC = ("chat.css", "chat.js", "socket.io.min.js")
"""Files the page loads from ``/chat/static/``."""


def load_assets(directory: Path = STATIC_DIR) -> dict[str, Asset]:
    """Read the widget's files once, when the channel's routes are built."""
    return read_assets(directory, (PAGE, EMBED_SCRIPT, *PUBLIC))


def page_policy(policy: OriginPolicy, host: str | None) -> str:
    """The chat page's Content-Security-Policy; ``host`` is the Host it was asked for."""
    connect = ["'self'"]
    if host and _HOST.fullmatch(host):
        connect += [f"ws://{host}", f"wss://{host}"]
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' https: data:",
            "connect-src " + " ".join(connect),
            "base-uri 'none'",
            "form-action 'none'",
            policy.frame_ancestors(),
        ]
    )


def page_headers(policy: OriginPolicy, host: str | None) -> dict[str, str]:
    return {
        "Content-Security-Policy": page_policy(policy, host),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


def file_headers(*, cross_origin: bool = False) -> dict[str, str]:
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=300"}
    if cross_origin:
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return headers
