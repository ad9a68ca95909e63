"""The Rasa server's conversations, as the agent desk needs them: record what an agent
or the desk says, pause, and give the conversation back to the bot.

Everything goes through Rasa's own processor under the conversation's lock, so it
lands in the tracker store (SQLite or PostgreSQL) like any other turn, and a
replica-shared lock store keeps it ordered with the customer's messages.
"""

from __future__ import annotations

from typing import Any, Protocol

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
)

from bot.channels.base import Author, FrontlineOutput

HANDOFF_ENDED = "handoff_ended"


class Conversations(Protocol):
    async def say(
        self, sender_id: str, text: str, *, output: OutputChannel | None, metadata: dict[str, Any]
    ) -> None: ...

    async def pause(self, sender_id: str) -> list[dict[str, Any]]: ...

    async def resume(self, sender_id: str, *, output: OutputChannel | None) -> None: ...


class RasaConversations:
    """:class:`Conversations` on the running Rasa agent."""

    def __init__(self, *, agent: Agent) -> None:
        self._agent = agent

    @property
    def _processor(self) -> Any:
        if self._agent.processor is None:
            raise RuntimeError("the Rasa model is not loaded")
        return self._agent.processor

    async def say(
        self, sender_id: str, text: str, *, output: OutputChannel | None, metadata: dict[str, Any]
    ) -> None:
        """Record ``text`` as a bot turn with ``metadata`` (the agent's name), then send it:
        an agent's message goes out signed with their name and avatar."""
        async with self._agent.lock_store.lock(sender_id):
            tracker = await self._processor.get_tracker(sender_id)
            tracker.update(BotUttered(text, metadata=metadata))
            await self._processor.save_tracker(tracker)
        if output is None:
            return
        if metadata.get("author") == "agent" and isinstance(output, FrontlineOutput):
            author = Author(str(metadata.get("agent") or ""), metadata.get("avatar"))
            await output.send_agent_message(sender_id, text, author=author)
        else:
            await output.send_text_message(sender_id, text)

    async def pause(self, sender_id: str) -> list[dict[str, Any]]:
        """Pause the conversation; returns its events (for the ticket's transcript)."""
        async with self._agent.lock_store.lock(sender_id):
            tracker = await self._processor.get_tracker(sender_id)
            if not tracker.is_paused():
                tracker.update(ConversationPaused())
                await self._processor.save_tracker(tracker)
            return [event.as_dict() for event in tracker.events]

    async def resume(self, sender_id: str, *, output: OutputChannel | None) -> None:
        """Resume, and let the bot take its turn (the ``handoff_ended`` rule)."""
        async with self._agent.lock_store.lock(sender_id):
            tracker = await self._processor.fetch_tracker_with_initial_session(sender_id)
            tracker.update(ConversationResumed())
            if tracker.latest_action_name != ACTION_LISTEN_NAME:
                # The bot went quiet mid-turn (the pause stopped it); it is listening now,
                # so the rule for ``handoff_ended`` applies.
                tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
            await self._processor.trigger_external_user_uttered(
                HANDOFF_ENDED, None, tracker, output or CollectingOutputChannel()
            )
