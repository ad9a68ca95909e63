"""The action server: rasa-sdk's executor and webhook, with ``action_turn`` built once from
the settings and handed its collaborators (rasa-sdk would build actions without any)."""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.effects import TurnEffects
from actions.incidents import IncidentTurns
from actions.turn import ActionTurn
from bot.crisis.config import load_crisis
from bot.faq.learning import accept
from bot.runtime import build_engines
from bot.settings import Settings
from bot.store.clicks import ClickLog, LearnedPair
from bot.store.db import create_database, session_factory
from bot.store.incidents import Incidents
from bot.store.surge_counts import SurgeCounts
from bot.store.tickets import Tickets
from bot.store.translations import TranslationGaps
from bot.store.turn_ledger import KEEP_FOR, TurnLedger
from bot.store.unanswered import UnansweredLog

log = logging.getLogger(__name__)


def build_action(settings: Settings, *, clock: Callable[[], datetime] | None = None) -> ActionTurn:
    """``action_turn`` with its engines loaded and its stores opened."""
    sessions = session_factory(create_database(settings.database_url_or_default))
    tickets = Tickets(sessions=sessions)
    clicks = ClickLog(sessions=sessions)

    def learn(pair: LearnedPair) -> None:
        accept(
            pair,
            folder=settings.faq_dir,
            clicks=clicks,
            default_language=settings.default_language,
            write=True,
        )

    ledger = TurnLedger(
        sessions=sessions, stale_after=timedelta(seconds=2 * settings.turn_time_limit)
    )
    ledger.forget_before(datetime.now(timezone.utc) - KEEP_FOR)
    return ActionTurn(
        ledger=ledger,
        time_limit=settings.turn_time_limit,
        engines=build_engines(settings),
        tickets=tickets,
        effects=TurnEffects(
            tickets=tickets,
            gaps=UnansweredLog(sessions=sessions),
            translations=TranslationGaps(sessions=sessions),
            clicks=clicks,
            learner=learn,
            auto_accept=settings.faq_learn_auto_accept,
        ),
        clock=clock or (lambda: datetime.now(timezone.utc)),
        incidents=IncidentTurns(
            incidents=Incidents(
                sessions=sessions,
                languages=settings.languages,
                default_language=settings.default_language,
            ),
            counts=SurgeCounts(sessions=sessions, rules=load_crisis(settings.crisis_file).rules),
        ),
    )


def create_app(action: ActionTurn) -> Sanic:
    """rasa-sdk's ``/webhook`` and ``/health`` for one registered action."""
    app = Sanic("frontline_actions", configure_logging=False)
    executor = ActionExecutor()
    executor.register_action(action)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        body = request.body
        if request.headers.get("Content-Encoding") == "deflate":
            body = zlib.decompress(body)
        try:
            call = json.loads(body)
        except ValueError:
            return response.json({"error": "the body is not JSON"}, status=400)
        if not isinstance(call, dict):
            return response.json({"error": "the body is not an action call"}, status=400)
        try:
            result = await executor.run(call)
        except ActionExecutionRejection as error:
            return response.json({"error": error.message, "action_name": error.action_name}, 400)
        except ActionNotFoundException as error:
            return response.json({"error": error.message, "action_name": error.action_name}, 404)
        return response.json(result)

    return app


def serve(settings: Settings, *, host: str, port: int) -> None:
    app = create_app(build_action(settings))
    log.info("Action server on http://%s:%d", host, port)
    app.run(host, port, workers=1, access_log=False)
