"""Analytics benchmark (issue 14): does the report say exactly what happened, and fast?

1. **Exactness.** Seeded synthetic traffic (``bot/eval/traffic.py``) whose true
   figures are written down from each conversation's script is stored as Rasa and
   Frontline store it; the report's figures must equal the truth, figure by figure.
   In the same run, the naive event count (an answer event counts a resolution, a
   handoff event a handoff, as Chatwoot's rates did before its PR #14032) shows what
   counting events instead of conversations gets wrong.
2. **Scale.** ``frontline report`` on 100,000 conversations, as a separate process:
   wall time and peak memory.

    uv run python bench/analytics.py [--conversations 20000] [--scale 100000]

Writes ``reports/analytics.md`` and ``reports/analytics.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.eval.traffic import business_hours, generate, start_of_period, write  # noqa: E402
from bot.insight.analytics import collect  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store.db import create_database, session_factory  # noqa: E402
from bot.store.engine import connect  # noqa: E402


def exactness(conversations: int, seed: int, folder: Path) -> dict[str, Any]:
    tracker = connect(f"sqlite:///{folder / 'tracker.db'}")
    frontline = create_database(f"sqlite:///{folder / 'frontline.db'}")
    start = datetime(2026, 11, 2, tzinfo=timezone.utc)
    truth = write(
        generate(conversations=conversations, seed=seed, start=start),
        tracker=tracker,
        frontline=frontline,
    )
    began = time.perf_counter()
    report = collect(
        tracker=tracker,
        sessions=session_factory(frontline),
        hours=business_hours(),
        entries=[],
        settings=Settings(),
        since=start,
        until=start + timedelta(days=21),
    ).figures
    seconds = time.perf_counter() - began
    expected = truth.figures()
    rows = []
    for key, value in expected.items():
        if key == "entries":
            got = {
                r["id"]: {k: r[k] for k in ("conversations", "resolution_rate")}
                for r in report["entries"]
            }
            rows.append(
                ("entries (conversations, resolution rate)", f"{len(value)} entries", got == value)
            )
        elif key == "human":
            for name, true in value.items():
                rows.append((f"human {name}", true, report["human"][name] == true))
        elif key.startswith("by_"):
            rows.append(
                (f"{key} (every group's counts and rates)", ", ".join(value), report[key] == value)
            )
        else:
            rows.append((key, value, report[key] == value))
    return {
        "conversations": conversations,
        "windows": expected["conversations"],
        "seed": seed,
        "seconds": round(seconds, 2),
        "rows": rows,
        "exact": all(ok for _, _, ok in rows),
        "naive": naive(folder / "tracker.db", expected),
    }


def naive(tracker_file: Path, expected: dict[str, Any]) -> dict[str, Any]:
    """Rates from event counts per conversation: what the report must not do."""
    import sqlite3

    connection = sqlite3.connect(tracker_file)
    kinds: dict[str, set[str]] = {}
    for sender_id, data in connection.execute(
        "SELECT sender_id, data FROM events WHERE type_name = 'bot'"
    ):
        kind = (json.loads(data).get("metadata") or {}).get("kind")
        kinds.setdefault(sender_id, set()).add(kind)
    conversations = connection.execute("SELECT COUNT(DISTINCT sender_id) FROM events").fetchone()[0]
    connection.close()
    resolved = sum(1 for k in kinds.values() if "answer" in k)
    handed = sum(1 for k in kinds.values() if k & {"handoff", "queued"})
    return {
        "conversations": conversations,
        "resolution_rate": round(resolved / conversations, 4),
        "handoff_rate": round(handed / conversations, 4),
        "sum": round((resolved + handed) / conversations, 4),
        "true_resolution_rate": expected["automated_resolution_rate"],
        "true_handoff_rate": expected["handoff_rate"],
    }


def scale(conversations: int, seed: int, folder: Path) -> dict[str, Any]:
    tracker_url = f"sqlite:///{folder / 'tracker.db'}"
    frontline_url = f"sqlite:///{folder / 'frontline.db'}"
    start = start_of_period(datetime.now(timezone.utc))
    began = time.perf_counter()
    write(
        generate(conversations=conversations, seed=seed, start=start, days=10),
        tracker=connect(tracker_url),
        frontline=create_database(frontline_url),
    )
    generated = time.perf_counter() - began
    env = {
        **os.environ,
        "FRONTLINE_TRACKER_STORE_URL": tracker_url,
        "FRONTLINE_DATABASE_URL": frontline_url,
    }
    command = [
        sys.executable,
        "-m",
        "bot.cli",
        "report",
        "--since",
        "21d",
        "--out",
        str(folder / "out"),
        "--json",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - began
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures = json.loads(done.stdout)
    return {
        "conversations": conversations,
        "windows": figures["conversations"],
        "events": events_in(folder / "tracker.db"),
        "generate_s": round(generated, 1),
        "report_s": round(seconds, 1),
        "peak_rss_mib": round(max(peak_kib, before) / 1024, 1),
        "csv_rows": sum(1 for _ in (folder / "out" / "conversations.csv").open()) - 1,
    }


def events_in(path: Path) -> int:
    import sqlite3

    connection = sqlite3.connect(path)
    count = connection.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    connection.close()
    return int(count)


def markdown(exact: dict[str, Any], big: dict[str, Any] | None) -> str:
    naive = exact["naive"]
    agree = sum(ok for *_, ok in exact["rows"])
    true_sum = naive["true_resolution_rate"] + naive["true_handoff_rate"]
    lines = [
        "# Analytics: exact figures on seeded traffic, and the report at scale",
        "",
        "`uv run python bench/analytics.py` (issue 14). Traffic: `bot/eval/traffic.py`, seeded; "
        "each conversation follows a script (answered, clarify then choice, none of these, "
        "reopened, no answer, abandoned, a person asked for, anger, sensitive, missing "
        "knowledge, failure after an answer, after hours, two windows), and its true outcome "
        "is written down from the script. Events go into Rasa's `events` table as Rasa's "
        "event classes serialise them; tickets into Frontline's tables.",
        "",
        f"## Exactness: {exact['conversations']:,} conversations "
        f"({exact['windows']:,} windows), seed {exact['seed']}",
        "",
        f"Every figure equals the truth: **{'yes' if exact['exact'] else 'NO'}** "
        f"({agree} of {len(exact['rows'])} figures; derived in {exact['seconds']} s).",
        "",
        "| figure | true value | report equal |",
        "|---|---|---|",
        *[
            f"| {name} | {value} | {'yes' if ok else '**no**'} |"
            for name, value, ok in exact["rows"]
        ],
        "",
        "### The peer: counting events instead of conversations",
        "",
        "A conversation with an answer event counted as resolved, one with a handoff event "
        "as handed off (Chatwoot's rates before PR #14032):",
        "",
        "| | naive event count | Frontline (= truth) |",
        "|---|---|---|",
        f"| resolution rate | {naive['resolution_rate']:.1%} | "
        f"{naive['true_resolution_rate']:.1%} |",
        f"| handoff rate | {naive['handoff_rate']:.1%} | {naive['true_handoff_rate']:.1%} |",
        f"| sum | {naive['sum']:.1%} | {true_sum:.1%} |",
        "",
        "The naive count also has one row per customer, not per window: a customer who "
        "came back three days later is one conversation to it and two windows here.",
    ]
    if big:
        lines += [
            "",
            f"## Scale: `frontline report` on {big['conversations']:,} conversations",
            "",
            f"{big['events']:,} events in a SQLite tracker store, {big['windows']:,} windows, "
            f"{big['csv_rows']:,} CSV rows. One process, `frontline report --since 21d --json`:",
            "",
            "| measure | target | measured |",
            "|---|---|---|",
            f"| wall time | < 60 s | **{big['report_s']} s** |",
            f"| peak memory (max RSS) | < 1 GB | **{big['peak_rss_mib']} MiB** |",
            "",
            "Measured on the 2-core machine; generating the traffic took "
            f"{big['generate_s']} s and is not counted.",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--scale", type=int, default=100_000, help="0 skips the scale run")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as small, tempfile.TemporaryDirectory() as large:
        exact = exactness(args.conversations, args.seed, Path(small))
        print(
            f"exact: {exact['exact']} ({exact['windows']} windows); "
            f"naive sum {exact['naive']['sum']:.1%}"
        )
        big = scale(args.scale, args.seed, Path(large)) if args.scale else None
        if big:
            print(
                f"report on {big['conversations']} conversations: "
                f"{big['report_s']} s, {big['peak_rss_mib']} MiB"
            )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "analytics.md").write_text(markdown(exact, big), encoding="utf-8")
    (args.out / "analytics.json").write_text(
        json.dumps({"exactness": exact, "scale": big}, indent=2, default=str), encoding="utf-8"
    )
    return 0 if exact["exact"] else 1


if __name__ == "__main__":
    sys.exit(main())
