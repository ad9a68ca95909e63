"""Where each process of the scaled-out shape listens, and the files that say so.

Pure: from a :class:`Layout` come the Procfile the supervisor runs, HAProxy's
configuration and the environment the Frontline processes share. Customers and agents
use one port (``port``, 5005 as under ``make run``); HAProxy spreads it over the Rasa
replicas, and spreads the replicas' action calls over the action servers.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from bot.cluster.postgres import SUPERUSER


@dataclass(frozen=True)
class Layout:
    root: Path  # state: PostgreSQL's data, Redis's folder, the generated files
    port: int = 5005
    actions_port: int = 5055  # the replicas' action calls (the cluster's endpoints.yml)
    replicas: int = 2
    action_servers: int = 2
    postgres_port: int = 5433
    redis_port: int = 6380
    model: Path = Path("models/frontline.tar.gz")
    frontline: str = "frontline"  # the command line tool, by path when not on PATH
    actions_command: str = ""  # instead of `frontline actions` (tests freeze its clock)
    api_token: str = ""  # when set, Rasa's HTTP API is on, behind this token

    def __post_init__(self) -> None:
        if self.replicas < 1 or self.action_servers < 1:
            raise ValueError("a cluster needs at least one Rasa server and one action server")

    @property
    def rasa_ports(self) -> list[int]:
        """The replicas listen 100 ports above the front door (5105, 5106...)."""
        return [self.port + 100 + n for n in range(self.replicas)]

    @property
    def actions_ports(self) -> list[int]:
        return [self.actions_port + 100 + n for n in range(self.action_servers)]

    @property
    def database_url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.postgres_port}/frontline"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def environment(self) -> dict[str, str]:
        """What every Frontline process of the cluster shares."""
        return {
            "FRONTLINE_DATABASE_URL": self.database_url,
            "FRONTLINE_TRACKER_STORE_URL": self.database_url,
            "FRONTLINE_REDIS_URL": self.redis_url,
            # Every action server would tune the same knowledge base: run `frontline faq
            # tune` once instead; each replica reads its verdict at start-up.
            "FRONTLINE_FAQ_TUNE_IN_BACKGROUND": "false",
        }

    def procfile(self, *, postgres: list[str], redis: list[str], haproxy: list[str]) -> str:
        """The supervisor's Procfile; the engines' command lines come from the caller."""
        lines = [
            "# Written by `frontline cluster run`; edits are overwritten at the next start.",
            f"postgres: {shlex.join(postgres)}",
            f"redis: {shlex.join(redis)}",
        ]
        for n, port in enumerate(self.actions_ports, 1):
            actions = self.actions_command or f"{self.frontline} actions"
            lines.append(f"actions{n}: {actions} --port {port} --interface 127.0.0.1")
        api = f" --enable-api --auth-token {shlex.quote(self.api_token)}" if self.api_token else ""
        for n, port in enumerate(self.rasa_ports, 1):
            lines.append(
                f"rasa{n}: {self.frontline} rasa run --port {port} --interface 127.0.0.1 "
                f"--model {shlex.quote(str(self.model))} "
                f"--endpoints {shlex.quote(str(self.root / 'endpoints.yml'))} "
                f"--credentials credentials.yml{api}"
            )
        lines.append(f"balancer: {shlex.join(haproxy)}")
        return "\n".join(lines) + "\n"

    def endpoints(self, template: str) -> str:
        """The project's endpoints.yml with the action calls sent to the balancer."""
        default = "http://localhost:5055/webhook"
        if default not in template:
            raise ValueError(f"endpoints.yml no longer calls the action server at {default}")
        return template.replace(default, f"http://127.0.0.1:{self.actions_port}/webhook")

    def haproxy_config(self) -> str:
        """One front door for customers and agents, one for the replicas' action calls.

        ``leastconn`` sends a turn to the least busy replica; health checks take a dead
        replica out within seconds; WebSockets (the widget) live in the tunnel timeout.
        ``option forwardfor`` passes on the customer's address, which the channels
        believe from a loopback peer only (:mod:`bot.channels.peer`).
        """
        rasa = "\n".join(
            f"    server rasa{n} 127.0.0.1:{port} check inter 2s fall 3 rise 2"
            for n, port in enumerate(self.rasa_ports, 1)
        )
        actions = "\n".join(
            f"    server actions{n} 127.0.0.1:{port} check inter 1s fall 2 rise 2"
            for n, port in enumerate(self.actions_ports, 1)
        )
        return f"""# Written by `frontline cluster run`; edits are overwritten at the next start.
global
    maxconn 4096

defaults
    mode http
    option forwardfor
    option redispatch
    retries 3
    # A killed replica leaves kept-alive connections behind; a request sent on one gets
    # an empty response. Retrying it elsewhere is safe: the replica died before it
    # answered, and a redelivered message_id is settled by the delivery log.
    retry-on conn-failure empty-response
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout tunnel 1h
    timeout http-request 10s
    # A replica busy with a burst answers its health check late, not never: a short
    # check timeout once marked both replicas down under 200 conversations at once.
    timeout check 10s

frontend frontline
    bind :{self.port}
    default_backend rasa

backend rasa
    balance leastconn
    option httpchk GET /
{rasa}

frontend actions
    bind 127.0.0.1:{self.actions_port}
    default_backend actions

backend actions
    balance leastconn
    option httpchk GET /health
{actions}
"""
