"""Where a Slack conversation's replies go: a channel, and maybe a thread in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SlackAddress:
    """A reply address, stored with every turn so a later reply can find it.

    Attributes:
        team_id: The workspace.
        channel_id: The DM (``D...``) or channel (``C...``/``G...``).
        thread_ts: The thread to answer in; None answers in the channel itself.
    """

    team_id: str
    channel_id: str
    thread_ts: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"team_id": self.team_id, "channel_id": self.channel_id, "thread_ts": self.thread_ts}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SlackAddress:
        """The address :meth:`as_dict` wrote; ``KeyError`` when it is not one."""
        thread_ts = data.get("thread_ts")
        return cls(
            team_id=str(data["team_id"]),
            channel_id=str(data["channel_id"]),
            thread_ts=str(thread_ts) if thread_ts else None,
        )


def is_direct_message(channel_id: str) -> bool:
    """True for a one-to-one DM with the bot; Slack gives those ids starting with D."""
    return channel_id.startswith("D")


def conversation_id(*, team_id: str, user_id: str, channel_id: str) -> str:
    """Rasa's sender id for a customer in a DM or in a channel.

    A DM is the customer's own conversation: ``slack-<team>-<user>``. Mentions in a
    channel are a separate conversation per customer and channel,
    ``slack-<team>-<channel>-<user>``: it keeps context (language, an open
    clarification) between mentions there, without mixing a public channel into
    the customer's private DM history.
    """
    if is_direct_message(channel_id):
        return f"slack-{team_id}-{user_id}"
    return f"slack-{team_id}-{channel_id}-{user_id}"
