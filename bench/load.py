"""Cost of a turn under load, and what a fault costs: Frontline against bare Rasa (moodbot).

    uv run python bench/load.py [--concurrency 1 20 200] [--widget-concurrency 1 20 200]
        [--conversations N] [--messages 5] [--skip-cluster] [--skip-widget] [--no-fault]
        [--quick]

In one run, one system after the other, all on 127.0.0.1: moodbot (``rasa init``,
trained on the fly once into ``var/bench/moodbot``), Frontline as ``make run`` (one Rasa
server, one action server, SQLite) and Frontline as ``make cluster`` (``frontline cluster
run``: PostgreSQL, Redis, two Rasa servers, two action servers, HAProxy on :5005). Each
level runs conversations of ``--messages`` messages, ``C`` at once, over REST (all three)
and the web widget's socket.io (Frontline). After each level the tracker store is read
back and every message checked: recorded once, and answered. Then the fault run: REST
customers with retries against the cluster while a Rasa replica and an action server are
killed and Redis and PostgreSQL restarted. Writes ``reports/load.md``, ``load.json`` and
the plots ``load-latency.png`` and ``load-faults.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import aiohttp

from bench.loadkit import faultrun, ledger, report, rest_client, widget_client
from bench.loadkit.cluster import DATABASE_URL, PUBLIC, Cluster, log_signs
from bench.loadkit.drive import drive, level_size
from bench.loadkit.neighbours import busy_neighbours
from bench.loadkit.outcomes import Run, Sample
from bench.loadkit.peer import start_moodbot
from bench.loadkit.results import CLUSTER, MAKE_RUN, PEER, Results
from bot.eval.servers import ROOT, free_port, server_env, servers_at, wait_until_up
from bot.training import ModelPaths, ensure_model

REPORTS = ROOT / "reports"
WORK = ROOT / "var" / "bench"
OPEN_HOURS = "2026-11-23T11:00:00+01:00"
FRONTLINE_SCRIPT = (
    ["hello", "how do I reset my password?", "how long does a refund take?", "thanks!", "bye"],
    ["hi", "where is my order?", "can I pay with klarna?", "great, thank you", "goodbye"],
    ["hola", "¿cuánto cuesta el envío?", "¿puedo devolver un artículo?", "gracias", "adiós"],
    ["hallo", "wie lange dauert die Lieferung?", "Bestellung stornieren?", "danke", "tschüss"],
)  # fmt: skip
FRONTLINE_LOCALES = ("en", "en", "es", "de")
MOODBOT_SCRIPT = (
    ["hello", "I am feeling sad", "yes", "great, thanks", "bye"],
    ["hi", "not good", "no", "perfect", "goodbye"],
)
# A load test comes from one address at machine speed: not what the limits are for.
WIDE_LIMITS = {
    "web_rate_limit_per_minute": "6000",
    "web_rate_limit_burst": "1000",
    "web_rate_limit_per_address_per_minute": "600000",
    "web_rate_limit_per_address_burst": "100000",
}
NOTES = [
    "The widget client speaks socket.io over a WebSocket itself (bench/loadkit/socketio_ws.py): "
    "python-socketio 5.18's AsyncClient cannot open WebSockets with this venv's aiohttp 3.9 "
    "(`aiohttp.ClientWSTimeout` is new in 3.10), and long polling would need sticky sessions "
    "behind HAProxy.",
    "`frontline cluster run` starts plain `frontline actions`, which has no frozen clock; a "
    "sitecustomize on the cluster's PYTHONPATH (bench/loadkit/frozen_clock) freezes the action "
    "servers' clock exactly as bot.eval.frozen_actions does under make run.",
]
Events = Callable[[list[str]], ledger.Events]


@dataclass
class System:
    name: str
    url: str
    scripts: tuple[list[str], ...]
    events: Events
    widget: bool
    settle: Callable[[], object] = lambda: None  # before each level: healthy again


def clock_from_now() -> Callable[[], float]:
    origin = time.perf_counter()
    return lambda: time.perf_counter() - origin


async def rest_level(system: System, concurrency: int, conversations: int, messages: int,
                     timeout: float) -> Run:  # fmt: skip
    run, clock, tag = Run(system.name, "REST", concurrency), clock_from_now(), uuid.uuid4().hex[:8]
    target = rest_client.RestTarget(system.url, timeout_s=timeout)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        def conversation(n: int) -> Awaitable[list[Sample]]:
            script = system.scripts[n % len(system.scripts)][:messages]
            return rest_client.converse(session, target, f"load-{tag}-{n}", script, clock)

        return await drive(run, conversation, conversations)


async def widget_level(system: System, concurrency: int, conversations: int, messages: int,
                       timeout: float) -> Run:  # fmt: skip
    run, clock = Run(system.name, "widget", concurrency), clock_from_now()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

        def conversation(n: int) -> Awaitable[list[Sample]]:
            script = system.scripts[n % len(system.scripts)][:messages]
            locale = FRONTLINE_LOCALES[n % len(FRONTLINE_LOCALES)]
            return widget_client.converse(
                session, system.url, script, clock, locale=locale, timeout=timeout
            )

        return await drive(run, conversation, conversations)


def checked(run: Run, system: System) -> Run:
    """``run`` with its tracker-store verdicts."""
    found = ledger.check(run.samples, system.events([s.conversation for s in run.samples]))
    run.ledger = found.as_dict()
    figures = run.figures()
    print(
        f"{run.system} {run.transport} x{run.concurrency}: p50 {figures['p50_ms']} ms, p95 "
        f"{figures['p95_ms']} ms, {figures['throughput_per_s']}/s, errors {figures['errors']}; "
        f"lost {found.lost}, duplicated {found.duplicated}, unanswered {found.unanswered}",
        file=sys.stderr,
        flush=True,
    )
    return run


def measure(system: System, args: argparse.Namespace) -> list[Run]:
    runs = []
    asyncio.run(rest_level(system, 1, 4, args.messages, args.timeout))  # warm up
    for level in args.concurrency:
        system.settle()
        size = level_size(level, args.conversations)
        run = asyncio.run(rest_level(system, level, size, args.messages, args.timeout))
        runs.append(checked(run, system))
    for level in args.widget_concurrency if system.widget and not args.skip_widget else []:
        system.settle()
        size = level_size(level, args.conversations)
        run = asyncio.run(widget_level(system, level, size, args.messages, args.timeout))
        runs.append(checked(run, system))
    return runs


def run_moodbot(results: Results, args: argparse.Namespace, env: dict[str, str]) -> None:
    port, token, log = free_port(), secrets.token_hex(16), WORK / "moodbot.log"
    peer = start_moodbot(WORK / "moodbot", env, port=port, token=token, log=log)
    url = f"http://127.0.0.1:{port}"
    try:
        results.boot_s[PEER] = booted(
            PEER, results, partial(wait_until_up, f"{url}/", peer, log, 300)
        )
        events = partial(ledger.api_events_now, url, token)
        results.runs += measure(System(PEER, url, MOODBOT_SCRIPT, events, False), args)
    finally:
        peer.terminate()
        peer.wait(timeout=30)


def note_machine(name: str, results: Results) -> None:
    """The load average, and other busy processes, as ``name`` starts."""
    results.load_average[name] = [round(x, 2) for x in os.getloadavg()]
    for neighbour in busy_neighbours():
        results.notes.append(f"Busy outside the benchmark as {name} started: {neighbour}.")


def booted(name: str, results: Results, wait: Callable[[], object]) -> float:
    note_machine(name, results)
    began = time.monotonic()
    wait()
    return round(time.monotonic() - began, 1)


def frontline_env(workdir: Path) -> dict[str, str]:
    """A clean state folder (only the FAQ's embedding cache is kept: it saves minutes of
    start-up and changes no answer) and the servers' environment."""
    for path in [*workdir.glob("*"), *workdir.glob("var/*")]:
        if path.name == "var" or path.name.startswith("embeddings.sqlite3"):
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    workdir.mkdir(parents=True, exist_ok=True)
    return server_env(workdir, ROOT / "data" / "faq", **WIDE_LIMITS)


def run_make_run(results: Results, args: argparse.Namespace) -> None:
    workdir = WORK / "frontline"
    env = frontline_env(workdir)
    note_machine(MAKE_RUN, results)
    began = time.monotonic()
    with servers_at(workdir, env, ModelPaths(ROOT).model, OPEN_HOURS) as servers:
        results.boot_s[MAKE_RUN] = round(time.monotonic() - began, 1)
        events = partial(ledger.sql_events, f"sqlite:///{workdir / 'var' / 'tracker.db'}")
        results.runs += measure(System(MAKE_RUN, servers.url, FRONTLINE_SCRIPT, events, True), args)


def run_cluster(results: Results, args: argparse.Namespace) -> None:
    folder = WORK / "cluster"
    env = {**frontline_env(folder), "FRONTLINE_TEST_FROZEN_AT": OPEN_HOURS}
    cluster = Cluster(folder=folder, env=env)
    try:
        results.boot_s[CLUSTER] = booted(CLUSTER, results, cluster.start)
        events = partial(ledger.sql_events, DATABASE_URL)
        system = System(CLUSTER, PUBLIC, FRONTLINE_SCRIPT, events, True, cluster.settle)
        results.runs += measure(system, args)
        if args.fault:
            cluster.settle()
            fault_run(results, args, system, cluster)
    finally:
        cluster.stop()


def fault_run(results: Results, args: argparse.Namespace, system: System, cluster: Cluster) -> None:
    offset = cluster.log.stat().st_size
    outcome = asyncio.run(
        faultrun.run(
            system.url, cluster, FRONTLINE_SCRIPT, conversations=args.fault_conversations,
            window_s=args.fault_window, fault_times=args.fault_at, clock=clock_from_now(),
            tag=uuid.uuid4().hex[:8],
        )
    )  # fmt: skip
    time.sleep(5)  # the last turns' events are written after their replies
    found = ledger.check(outcome.samples, system.events([s.conversation for s in outcome.samples]))
    results.fault, results.fault_analysis = outcome, faultrun.analyse(outcome)
    results.fault_analysis["tracker_store"] = found.as_dict()
    results.fault_analysis["cluster_log"] = log_signs(cluster.log, offset)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 20, 200])
    parser.add_argument("--widget-concurrency", type=int, nargs="+", default=[1, 20, 200])
    parser.add_argument("--conversations", type=int, default=None,
                        help="per level (at least one per slot); default: 10 for 1 at once, "
                             "2 per slot below 100 at once, else 1 per slot")  # fmt: skip
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--out", type=Path, default=REPORTS)
    parser.add_argument("--skip-moodbot", action="store_true", help="no peer: no ratios")
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument("--skip-make-run", action="store_true")
    parser.add_argument("--skip-widget", action="store_true")
    parser.add_argument("--fault", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--fault-conversations", type=int, default=50)
    parser.add_argument("--fault-window", type=float, default=300.0, help="seconds")
    parser.add_argument("--fault-at", type=float, nargs=4, default=[20.0, 100.0, 180.0, 240.0],
                        metavar="S", help="Rasa, action server, Redis, PostgreSQL")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="tiny numbers, for a smoke test")
    args = parser.parse_args()
    if args.quick:
        args.concurrency, args.widget_concurrency, args.conversations = [1, 4], [1, 4], 4
        args.fault_conversations, args.fault_window = 6, 100.0
        args.fault_at = [10.0, 30.0, 55.0, 70.0]
    return args


def main() -> int:
    args = parse_args()
    began = time.monotonic()
    command = " ".join(["uv run python bench/load.py", *sys.argv[1:]])
    results = Results(command=command, date=datetime.now(timezone.utc).isoformat("T", "seconds"))
    results.settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    results.notes = list(NOTES)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    WORK.mkdir(parents=True, exist_ok=True)
    ensure_model(ROOT)
    if not args.skip_moodbot:
        run_moodbot(results, args, env)
    if not args.skip_make_run:
        run_make_run(results, args)
    if not args.skip_cluster:
        run_cluster(results, args)
    results.elapsed_s = time.monotonic() - began
    print(report.write(results, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
