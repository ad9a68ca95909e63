"""A 1 MB message against the running bot (issue 13): refused at once, others unaffected.

Starts Frontline as ``make run`` does (the Rasa server and the action server, SQLite),
then measures, all on 127.0.0.1:

1. how long a 1 MB REST message takes to be refused (status and time to the answer);
2. the latency of ordinary questions alone, then while four clients keep sending
   1 MB messages, so that "others unaffected" is a ratio measured in one run.

    uv run python bench/edges.py [--tries 40] [--questions 30]

Writes ``reports/edges.md`` and ``reports/edges.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import OPEN_HOURS, WORK, frontline_env  # noqa: E402
from bot.eval.servers import servers_at  # noqa: E402
from bot.training import ModelPaths, ensure_model  # noqa: E402

REST = "/webhooks/rest/webhook"
QUESTION = "how do I reset my password?"
HUGE = json.dumps({"sender": "probe-huge", "message": "x" * 2**20}).encode()


def refusals(url: str, tries: int) -> dict[str, Any]:
    times, statuses = [], []
    with requests.Session() as session:
        for _ in range(tries):
            began = time.perf_counter()
            reply = session.post(url + REST, data=HUGE, timeout=30)
            times.append((time.perf_counter() - began) * 1000)
            statuses.append(reply.status_code)
    return {
        "tries": tries,
        "statuses": sorted(set(statuses)),
        **_figures(times),
    }


def questions(url: str, count: int) -> dict[str, Any]:
    times = []
    for _ in range(count):
        began = time.perf_counter()
        reply = requests.post(
            url + REST,
            json={"sender": f"edge-{uuid.uuid4().hex[:8]}", "message": QUESTION},
            timeout=60,
        )
        reply.raise_for_status()
        assert any("password" in (m.get("text") or "").lower() for m in reply.json()), reply.text
        times.append((time.perf_counter() - began) * 1000)
    return _figures(times)


def under_flood(url: str, count: int, senders: int = 4) -> tuple[dict[str, Any], int]:
    stop, sent = threading.Event(), [0]

    def flood() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                session.post(url + REST, data=HUGE, timeout=30)
                sent[0] += 1

    threads = [threading.Thread(target=flood, daemon=True) for _ in range(senders)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        figures = questions(url, count)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    return figures, sent[0]


def _figures(times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def markdown(result: dict[str, Any]) -> str:
    r, quiet, flood = result["refusal"], result["quiet"], result["flood"]
    ratio = flood["p50_ms"] / quiet["p50_ms"]
    return "\n".join(
        [
            "# A 1 MB message: refused at once, others unaffected",
            "",
            f"`uv run python bench/edges.py` on {result['date']}, 2 cores. Frontline as `make run` "
            "(Rasa server and action server, SQLite), all traffic on 127.0.0.1.",
            "",
            "| measure | target | measured |",
            "|---|---|---|",
            "| a 1 MB REST message: status, time to the answer | refused in < 50 ms | "
            f"**{', '.join(map(str, r['statuses']))}**, p50 {r['p50_ms']} ms, "
            f"p95 {r['p95_ms']} ms, "
            f"max {r['max_ms']} ms ({r['tries']} tries) |",
            "| ordinary questions while 4 clients send 1 MB messages, p50 ÷ alone "
            f"| others unaffected | **{ratio:.2f}×** ({flood['p50_ms']} ms against "
            f"{quiet['p50_ms']} ms; "
            f"{result['flood_sent']} refused meanwhile) |",
            "",
            "| questions | p50 ms | p95 ms | max ms |",
            "|---|---|---|---|",
            f"| alone | {quiet['p50_ms']} | {quiet['p95_ms']} | {quiet['max_ms']} |",
            f"| under the 1 MB flood | {flood['p50_ms']} | {flood['p95_ms']} | {flood['max_ms']} |",
            "",
            "Sanic reads at most `FRONTLINE_MAX_REQUEST_BYTES` (256 KiB) of a body and answers 413 "
            "before any of it reaches Rasa (bot/rasa_server.py). Each question here is a new "
            "conversation, so the figures include a first turn's greeting work.",
            "",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tries", type=int, default=40)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    args = parser.parse_args()
    ensure_model(ROOT)
    model = ModelPaths(ROOT).model
    workdir = WORK / "edges"
    env = frontline_env(workdir)
    with servers_at(workdir, env, model, OPEN_HOURS) as servers:
        questions(servers.url, 3)  # warm up: first turns load lazily
        result: dict[str, Any] = {
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "refusal": refusals(servers.url, args.tries),
            "quiet": questions(servers.url, args.questions),
        }
        result["flood"], result["flood_sent"] = under_flood(servers.url, args.questions)
    print(json.dumps(result, indent=2))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "edges.md").write_text(markdown(result), encoding="utf-8")
    (args.out / "edges.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
