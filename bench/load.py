"""Cost of a turn under load: Frontline against bare Rasa (moodbot) in the same run.

    uv run python bench/load.py [--concurrency 1 20] [--conversations 40] [--messages 5]

Both run on 127.0.0.1 only: moodbot (``rasa init``, trained on the fly once into
``var/bench/moodbot``, Rasa's defaults: in-memory tracker store, no action server) and
Frontline (the Rasa server with its action server, SQLite tracker store, the action
server's clock frozen on a Monday morning so the team is in). Each concurrency level
runs ``--conversations`` conversations of ``--messages`` REST messages; a conversation
sends its next message when the previous one is answered, and ``C`` conversations run
at once. Reports p50, p95 and p99 latency, throughput and errors per system and level,
and Frontline's ratio to moodbot, in ``reports/load.md`` with a latency plot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import aiohttp

from bot.eval.servers import BIN, ROOT, free_port, server_env, servers_at, wait_until_up
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
MOODBOT_SCRIPT = (
    ["hello", "I am feeling sad", "yes", "great, thanks", "bye"],
    ["hi", "not good", "no", "perfect", "goodbye"],
)


@dataclass
class Run:
    system: str
    concurrency: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    empty: int = 0
    elapsed_s: float = 0.0

    def figures(self) -> dict[str, float | int]:
        ordered = sorted(self.latencies_ms) or [0.0]

        def pct(q: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

        done = len(self.latencies_ms)
        return {
            "messages": done,
            "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "throughput_per_s": round(done / self.elapsed_s, 2) if self.elapsed_s else 0.0,
            "errors": self.errors,
            "empty_replies": self.empty,
        }


async def converse(
    session: aiohttp.ClientSession, url: str, script: list[str], run: Run, timeout: float
) -> None:
    sender = f"load-{uuid.uuid4().hex[:12]}"
    for text in script:
        started = time.perf_counter()
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text},
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as response:
                body = await response.json(content_type=None)
                if response.status != 200:
                    run.errors += 1
                    continue
        except (aiohttp.ClientError, asyncio.TimeoutError):
            run.errors += 1
            continue
        run.latencies_ms.append((time.perf_counter() - started) * 1000)
        run.empty += not [m for m in body if m.get("text")]


async def load(url: str, scripts: tuple[list[str], ...], run: Run, conversations: int,
               messages: int, timeout: float) -> None:  # fmt: skip
    queue: asyncio.Queue[list[str]] = asyncio.Queue()
    for index in range(conversations):
        queue.put_nowait(scripts[index % len(scripts)][:messages])
    connector = aiohttp.TCPConnector(limit=run.concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            while not queue.empty():
                await converse(session, url, queue.get_nowait(), run, timeout)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(run.concurrency)))
        run.elapsed_s = time.perf_counter() - started


def moodbot(env: dict[str, str]) -> Path:
    """The ``rasa init`` project, trained once."""
    folder = WORK / "moodbot"
    models = sorted((folder / "models").glob("*.tar.gz")) if folder.exists() else []
    if not models:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
            cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        models = sorted((folder / "models").glob("*.tar.gz"))
    return models[-1]


def measure(
    url: str, name: str, scripts: tuple[list[str], ...], args: argparse.Namespace
) -> list[Run]:
    runs = []
    asyncio.run(load(url, scripts, Run(name, 1), 4, args.messages, args.timeout))  # warm up
    for concurrency in args.concurrency:
        run = Run(name, concurrency)
        conversations = max(args.conversations, concurrency)
        asyncio.run(load(url, scripts, run, conversations, args.messages, args.timeout))
        print(name, concurrency, run.figures(), file=sys.stderr)
        runs.append(run)
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--out", type=Path, default=REPORTS)
    args = parser.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    WORK.mkdir(parents=True, exist_ok=True)
    peer_model = moodbot(env)
    ensure_model(ROOT)
    runs: list[Run] = []

    port = free_port()
    log = WORK / "moodbot.log"
    peer = subprocess.Popen(
        [str(BIN / "rasa"), "run", "--port", str(port), "--interface", "127.0.0.1",
         "--model", str(peer_model)],
        cwd=WORK / "moodbot", env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", peer, log, 300)
        runs += measure(f"http://127.0.0.1:{port}", "bare Rasa (moodbot)", MOODBOT_SCRIPT, args)
    finally:
        peer.terminate()
        peer.wait(timeout=30)

    workdir = WORK / "frontline"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    frontline_env = server_env(workdir, ROOT / "data" / "faq")
    with servers_at(workdir, frontline_env, ModelPaths(ROOT).model, OPEN_HOURS) as servers:
        runs += measure(servers.url, "Frontline", FRONTLINE_SCRIPT, args)
    write_report(runs, args)
    return 0


def write_report(runs: list[Run], args: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures = {(r.system, r.concurrency): r.figures() for r in runs}
    peer, ours = "bare Rasa (moodbot)", "Frontline"
    rows = []
    for concurrency in args.concurrency:
        a, b = figures[(peer, concurrency)], figures[(ours, concurrency)]
        rows.append({
            "concurrency": concurrency,
            "p50_ratio": round(b["p50_ms"] / a["p50_ms"], 2) if a["p50_ms"] else None,
            "p95_ratio": round(b["p95_ms"] / a["p95_ms"], 2) if a["p95_ms"] else None,
            "throughput_ratio": round(b["throughput_per_s"] / a["throughput_per_s"], 2)
            if a["throughput_per_s"] else None,
        })  # fmt: skip
    command = "uv run python bench/load.py " + " ".join(sys.argv[1:])
    date = datetime.now(timezone.utc).isoformat(timespec="seconds")
    payload = {
        "command": command.strip(),
        "date": date,
        "cores": os.cpu_count(),
        "runs": [{"system": r.system, "concurrency": r.concurrency, **r.figures()} for r in runs],
        "ratios": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    fig, axes = plt.subplots(1, len(args.concurrency), figsize=(5 * len(args.concurrency), 3.6))
    for axis, concurrency in zip(axes if len(args.concurrency) > 1 else [axes], args.concurrency):
        for run in runs:
            if run.concurrency == concurrency and run.latencies_ms:
                ordered = sorted(run.latencies_ms)
                share = [i / len(ordered) for i in range(1, len(ordered) + 1)]
                axis.plot(ordered, share, label=run.system)
        axis.set_xscale("log")
        axis.set_title(f"{concurrency} conversation(s) at once")
        axis.set_xlabel("REST latency (ms, log)")
        axis.set_ylabel("share of messages")
        axis.legend()
    fig.tight_layout()
    fig.savefig(args.out / "load-latency.png", dpi=110)
    lines = [
        "# Load: Frontline against bare Rasa",
        "",
        f"Command: `{command.strip()}` ({date}, {os.cpu_count()} cores, all traffic on "
        "127.0.0.1). Conversations of "
        f"{args.messages} REST messages, {args.conversations} per level (at least one per "
        "concurrent slot). Peer: moodbot from `rasa init`, Rasa's defaults (in-memory "
        "tracker store, no action server). Frontline: the Rasa server and the action "
        "server, SQLite tracker store, open hours. Measured in the same run, so the ratios "
        "hold on a noisy machine.",
        "",
        "| system | concurrency | messages | p50 ms | p95 ms | p99 ms | messages/s | errors | "
        "empty replies |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        f = run.figures()
        lines.append(
            f"| {run.system} | {run.concurrency} | {f['messages']} | {f['p50_ms']} | "
            f"{f['p95_ms']} | {f['p99_ms']} | {f['throughput_per_s']} | {f['errors']} | "
            f"{f['empty_replies']} |"
        )
    lines += ["", "| concurrency | p50 Frontline ÷ moodbot | p95 ratio | throughput ratio |",
              "|---:|---:|---:|---:|"]  # fmt: skip
    lines += [
        f"| {r['concurrency']} | {r['p50_ratio']}× | {r['p95_ratio']}× | {r['throughput_ratio']}× |"
        for r in rows
    ]
    lines += ["", "![latency distribution](load-latency.png)"]
    (args.out / "load.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
