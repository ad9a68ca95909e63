"""The surge benchmark's plots: delay by size, one surge against its baseline, a week of traffic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.crisis.alerts import SurgeAlert
from bot.crisis.baseline import Baseline
from bot.crisis.history import CountHistory
from bot.crisis.rules import SurgeRules
from bot.crisis.topics import Topic
from bot.crisis.windows import WindowCount, baseline_windows, window_start
from bot.eval.surge_trace import TraceRow


def draw(
    results: dict[str, Any],
    *,
    rows: Sequence[TraceRow],
    clean: Sequence[TraceRow],
    alerts: Sequence[SurgeAlert],
    topics_of: Callable[[str], tuple[Topic, ...]],
    rules: SurgeRules,
    out: Path,
) -> None:
    """Write ``surge-delay.png``, ``surge-example.png`` and ``surge-traffic.png``."""
    import matplotlib

    matplotlib.use("Agg")
    _delays(results, out / "surge-delay.png")
    _example(results, rows, alerts, topics_of, rules, out / "surge-example.png")
    _traffic(clean, rules, out / "surge-traffic.png")


def _delays(results: dict[str, Any], path: Path) -> None:
    import matplotlib.pyplot as plt

    sizes = {s["id"]: s["size"] for s in results["surges"]}
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, label, marker, shift in (
        ("ours", "Frontline", "o", -0.15),
        ("naive", "naive threshold", "s", 0.15),
    ):
        items = results[name]["surged"]["per_incident"]
        hit = [(sizes[i["id"]] + shift, i["delay_min"]) for i in items if i["detected"]]
        missed = [sizes[i["id"]] + shift for i in items if not i["detected"]]
        ax.scatter([x for x, _ in hit], [y for _, y in hit], marker=marker, label=label)
        ax.scatter(missed, [190] * len(missed), marker="x", color="C3" if name == "ours" else "C1")
    ax.axhline(30, color="grey", linestyle=":", label="target median 30 min")
    ax.set_xlabel("surge size (x usual traffic of the topic)")
    ax.set_ylabel("minutes from surge start to alert (x: missed)")
    ax.set_ylim(0, 200)
    ax.legend()
    ax.set_title("Detection delay by surge size (reported trace)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _example(
    results: dict[str, Any],
    rows: Sequence[TraceRow],
    alerts: Sequence[SurgeAlert],
    topics_of: Callable[[str], tuple[Topic, ...]],
    rules: SurgeRules,
    path: Path,
) -> None:
    """The smallest detected surge of at least 5x: its topic's counts around it."""
    import matplotlib.pyplot as plt

    detected = {i["id"] for i in results["ours"]["surged"]["per_incident"] if i["detected"]}
    candidates = [s for s in results["surges"] if s["size"] >= 5 and s["id"] in detected]
    if not candidates:
        return
    surge = min(candidates, key=lambda s: (s["size"], s["id"]))
    topic = Topic.parse(f"{surge['kind']}:{surge['topic']}")
    start = datetime.fromisoformat(surge["start"])
    counts: Counter[datetime] = Counter()
    for row in rows:
        if topic in topics_of(row.text):
            counts[window_start(row.at, rules)] += 1
    history = CountHistory(WindowCount(topic, w, n) for w, n in counts.items())
    first = window_start(start - timedelta(hours=8), rules)
    windows = [first + k * rules.window for k in range(4 * 16)]
    observed = [counts.get(w, 0) for w in windows]
    baselines = [Baseline.of(history.messages(topic, baseline_windows(w, rules))) for w in windows]
    bars = [b.needed(z=rules.z, min_count=rules.min_count) for b in baselines]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.step(windows, observed, where="post", label=f"{topic.key} per 15 min")
    ax.step(windows, [b.median for b in baselines], where="post", label="baseline median")
    ax.step(windows, bars, where="post", linestyle="--", label="alert bar")
    ax.axvspan(start, start + timedelta(minutes=surge["minutes"]), alpha=0.15, label="surge")
    fired = [a.at for a in alerts if a.topic == topic and windows[0] <= a.at <= windows[-1]]
    for at in fired:
        ax.axvline(at, color="C3", label="alert" if at == fired[0] else None)
    ax.set_title(f"{surge['id']}: {surge['size']}x on {topic.key} ({surge['stream']})")
    ax.legend(fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _traffic(rows: Sequence[TraceRow], rules: SurgeRules, path: Path) -> None:
    import matplotlib.pyplot as plt

    week_start = window_start(rows[0].at + timedelta(weeks=5), rules)
    week_end = week_start + timedelta(weeks=1)
    counts: Counter[datetime] = Counter(
        window_start(row.at, rules) for row in rows if week_start <= row.at < week_end
    )
    windows = sorted(counts)
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.plot(windows, [counts[w] for w in windows], linewidth=0.8)
    ax.set_ylabel("messages per 15 min")
    ax.set_title("One week of the clean trace (all topics)")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
