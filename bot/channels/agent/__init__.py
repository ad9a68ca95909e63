"""The agents' web inbox at ``/agent``: log in, see tickets, reply, claim, resolve, return.

See ``docs/agent-inbox.md`` for accounts, tokens for scripts, and security notes.
"""

from bot.channels.agent.channel import AgentInboxInput

__all__ = ["AgentInboxInput"]
