"""``frontline rasa run ...``: Rasa's own ``rasa run``, with Frontline's edges.

Rasa builds its Sanic app inside ``rasa run``; these are the settings it offers no
option for, applied before the app exists:

- Sanic reads at most ``FRONTLINE_MAX_REQUEST_BYTES`` of a request body
  (``SANIC_REQUEST_MAX_SIZE``): a 1 MB message is refused with 413 before it is read.
- ``GET /`` says the server is up without naming Rasa's version.
- CORS: only the REST webhook answers browsers, only for the widget's allowed origins,
  and never with credentials (Rasa's own set-up allows credentials on every route,
  ``/agent`` included).
- A conversation that cannot be read or saved fails its message instead of living on
  in one process's memory (:mod:`bot.store.tracker_store`).
- A failed call to the action server is retried, then answered with an apology
  (:mod:`bot.rasa_remote`); its responses are checked with a validator built once
  (:mod:`bot.store.action_results`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from bot import rasa_remote
from bot.settings import Settings, get_settings
from bot.store import action_results, tracker_store

CORS_ROUTES = r"/webhooks/rest/webhook"
ROOT_TEXT = "Frontline is running."


def harden(settings: Settings) -> None:
    """Apply the edges to Rasa's server code; call before ``rasa run`` builds its app."""
    import rasa.server
    from sanic import response
    from sanic_cors import CORS

    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(settings.max_request_bytes)
    allowed = [origin for origin in settings.web_allowed_origins if origin]

    def add_root_route(app: Any) -> None:
        @app.get("/")
        async def hello(request: Any) -> Any:
            return response.text(ROOT_TEXT)

    def configure_cors(app: Any, cors_origins: Any = "") -> None:
        # ``--cors`` is ignored on purpose: the origins come from the widget's setting.
        app.config.CORS_AUTOMATIC_OPTIONS = True
        app.config.CORS_SUPPORTS_CREDENTIALS = False
        origins = "*" if "*" in allowed else allowed
        CORS(
            app,
            resources={CORS_ROUTES: {"origins": origins or ""}},
            automatic_options=True,
            supports_credentials=False,
        )

    rasa.server.add_root_route = add_root_route
    rasa.server.configure_cors = configure_cors
    action_results.install()
    tracker_store.install()
    rasa_remote.install(settings)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``rasa`` with ``argv`` (e.g. ``run --port 5005 ...``) after :func:`harden`."""
    from rasa.__main__ import main as rasa_main

    harden(get_settings())
    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
