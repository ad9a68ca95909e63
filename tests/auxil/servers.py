"""The real Rasa server and action server on free local ports, for end-to-end tests
(the launcher lives in :mod:`bot.eval.servers`, shared with ``bench/load.py``)."""

from bot.eval.servers import ROOT, BotServers, free_port, server_env, servers_at, wait_until_up

__all__ = ["ROOT", "BotServers", "free_port", "server_env", "servers_at", "wait_until_up"]
