"""Faults injected into the running cluster, and how long each component took to return.

Each fault acts on one process found by its port (or PostgreSQL's ``postmaster.pid``);
``frontline supervise`` restarts it. A probe then polls the component until a new
process answers, so the report can say when it was back.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg2
import redis

from bench.loadkit.cluster import (
    ACTIONS_PORTS,
    DATABASE_URL,
    POSTGRES_PORT,
    RASA_PORTS,
    REDIS_PORT,
    Cluster,
    healthy,
    listening_pids,
    postmaster_pid,
)

POSTGRES_SMART_WAIT_S = 15.0  # SIGTERM is a "smart" shutdown: it waits for every client
PROBE_LIMIT_S = 240.0


@dataclass
class Fault:
    key: str
    title: str
    at_s: float
    injected_s: float | None = None
    back_s: float | None = None  # the component answered again (a new process)
    action: str = ""
    old_pids: list[int] = field(default_factory=list)


def _signal(pids: list[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _kill_port(fault: Fault, port: int, signum: int, cluster: Cluster) -> None:
    fault.old_pids = cluster.ours(port)
    _signal(fault.old_pids, signum)
    fault.action = f"{signal.Signals(signum).name} to pid {fault.old_pids} (listening on :{port})"


def _restart_postgres(fault: Fault, cluster: Cluster) -> None:
    pid = postmaster_pid(cluster.folder)
    if pid is None or pid not in cluster.ours(POSTGRES_PORT):
        fault.action = "no postmaster of this cluster found: nothing done"
        return
    fault.old_pids = [pid]
    _signal([pid], signal.SIGTERM)
    fault.action = f"SIGTERM to the postmaster, pid {pid}"
    deadline = time.monotonic() + POSTGRES_SMART_WAIT_S
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(pid):
        _signal([pid], signal.SIGINT)
        fault.action += (
            f"; still up after {POSTGRES_SMART_WAIT_S:g} s (a smart shutdown waits for every "
            "client to leave), so SIGINT (fast shutdown)"
        )


def _redis_up() -> bool:
    try:
        return bool(redis.Redis(port=REDIS_PORT, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _postgres_up() -> bool:
    try:
        psycopg2.connect(DATABASE_URL, connect_timeout=2).close()
        return True
    except psycopg2.Error:
        return False


def plan(times: list[float], cluster: Cluster) -> list[tuple[Fault, Callable[[Fault], None], int]]:
    """The four faults at ``times``: each with its action and the port of its component."""
    rasa, actions = RASA_PORTS[0], ACTIONS_PORTS[0]
    steps: list[tuple[str, str, Callable[[Fault], None], int]] = [
        ("rasa", f"Rasa replica :{rasa} killed (kill -9)",
         lambda f: _kill_port(f, rasa, signal.SIGKILL, cluster), rasa),
        ("actions", f"action server :{actions} killed (kill -9)",
         lambda f: _kill_port(f, actions, signal.SIGKILL, cluster), actions),
        ("redis", f"Redis :{REDIS_PORT} restarted (SIGTERM)",
         lambda f: _kill_port(f, REDIS_PORT, signal.SIGTERM, cluster), REDIS_PORT),
        ("postgres", "PostgreSQL :5433 restarted (SIGTERM to the postmaster)",
         lambda f: _restart_postgres(f, cluster), POSTGRES_PORT),
    ]  # fmt: skip
    return [
        (Fault(key=key, title=title, at_s=at), act, port)
        for (key, title, act, port), at in zip(steps, times)
    ]


def _back(fault: Fault, port: int) -> bool:
    pids = listening_pids(port)
    if not pids or set(pids) & set(fault.old_pids):
        return False
    if fault.key == "rasa":
        return healthy(f"http://127.0.0.1:{port}/")
    if fault.key == "actions":
        return healthy(f"http://127.0.0.1:{port}/health")
    return _redis_up() if fault.key == "redis" else _postgres_up()


async def inject(
    steps: list[tuple[Fault, Callable[[Fault], None], int]], clock: Callable[[], float]
) -> list[Fault]:
    """Run the faults on schedule; each probe runs on while the next fault comes."""
    probes = []

    async def probe(fault: Fault, port: int) -> None:
        while clock() - (fault.injected_s or 0) < PROBE_LIMIT_S:
            if await asyncio.to_thread(_back, fault, port):
                fault.back_s = clock()
                return
            await asyncio.sleep(0.5)

    for fault, act, port in steps:
        await asyncio.sleep(max(0.0, fault.at_s - clock()))
        fault.injected_s = clock()
        await asyncio.to_thread(act, fault)
        print(f"fault at {fault.injected_s:.1f} s: {fault.action}", flush=True)
        probes.append(asyncio.create_task(probe(fault, port)))
    await asyncio.gather(*probes)
    return [fault for fault, _, _ in steps]
