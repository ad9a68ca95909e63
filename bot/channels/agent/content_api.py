"""The editors' page of the inbox: what to write next, at ``/agent/content``.

- ``GET /agent/content``: the page;
- ``GET /agent/api/content``: the content suggestions ``frontline faq suggest --save``
  kept (clusters of unanswered questions with a draft entry; texts redacted), and the
  choices customers made when the bot asked back (``frontline faq learn``), grouped;
- ``POST /agent/api/content/learned/<id>/accept``: add that choice to its entry's
  variants in ``data/faq/`` (hot reload picks it up);
- ``POST /agent/api/content/learned/<id>/dismiss``.

Suggestions are computed outside the Rasa server: clustering needs the encoders, which
this process does not load.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.agent.auth import InboxAuth
from bot.channels.agent.errors import InvalidRequest, UnknownChoice
from bot.channels.agent.handlers import answering
from bot.channels.agent.responses import STATIC_DIR, api_json, page
from bot.channels.static import read_assets
from bot.faq.learning import VariantError, accept
from bot.insight.suggest import load_suggestions
from bot.store.clicks import ClickLog

CONTENT_PAGE = "content.html"


class ContentApi:
    """Suggestions and learned choices for editors.

    Args:
        suggestions: The file ``frontline faq suggest --save`` writes.
        clicks: The learned choices.
        faq_dir: The knowledge base an accepted choice is written into.
        default_language: The knowledge base's default language.
    """

    def __init__(
        self, *, suggestions: Path, clicks: ClickLog, faq_dir: Path, default_language: str
    ) -> None:
        self.suggestions = suggestions
        self.clicks = clicks
        self.faq_dir = faq_dir
        self.default_language = default_language

    def overview(self) -> dict[str, Any]:
        return {
            **load_suggestions(self.suggestions),
            "learned": [asdict(pair) for pair in self.clicks.pairs()],
        }

    def act(self, pair_id: int, action: str) -> dict[str, Any]:
        pair = self.clicks.get(pair_id)
        if pair is None:
            raise UnknownChoice(f"no learned choice {pair_id}")
        if action == "dismiss":
            self.clicks.mark(pair_id, "dismissed")
            return {"id": pair_id, "status": "dismissed"}
        if action != "accept":
            raise InvalidRequest(f"unknown action '{action}': accept or dismiss")
        try:
            path = accept(
                pair,
                folder=self.faq_dir,
                clicks=self.clicks,
                default_language=self.default_language,
                write=True,
            )
        except VariantError as error:
            raise InvalidRequest(str(error)) from error
        return {"id": pair_id, "status": "accepted", "file": path.name}


def add_content_routes(blueprint: Blueprint, *, auth: InboxAuth, api: ContentApi) -> None:
    """The page and the endpoints, on the inbox's blueprint (under ``/agent``)."""
    content_page = read_assets(STATIC_DIR, (CONTENT_PAGE,))[CONTENT_PAGE]

    @blueprint.route("/content", methods=["GET"])
    async def content_view(_: Request) -> HTTPResponse:
        return page(content_page)

    @blueprint.route("/api/content", methods=["GET"])
    @answering
    async def content(request: Request) -> HTTPResponse:
        auth.identify(request, changes_state=False)
        return api_json(await asyncio.to_thread(api.overview))

    @blueprint.route("/api/content/learned/<pair_id:int>/<action:str>", methods=["POST"])
    @answering
    async def learned(request: Request, pair_id: int, action: str) -> HTTPResponse:
        auth.identify(request, changes_state=True)
        return api_json(await asyncio.to_thread(api.act, pair_id, action))
