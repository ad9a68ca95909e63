"""The report's figures: latency per system and level, and the fault run's timeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.loadkit.faults import Fault
from bench.loadkit.outcomes import Run, Sample

COLOURS = {"answer": "tab:green", "apology": "tab:orange", "busy": "tab:purple",
           "empty": "tab:gray", "error": "tab:red"}  # fmt: skip


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def latency(runs: list[Run], path: Path) -> None:
    """One panel per concurrency level: the latency distribution of every system."""
    plt = _pyplot()
    levels = sorted({run.concurrency for run in runs})
    fig, axes = plt.subplots(1, len(levels), figsize=(5 * len(levels), 3.8), squeeze=False)
    for axis, level in zip(axes[0], levels):
        for run in runs:
            done = sorted(s.latency_ms for s in run.samples if s.outcome != "error")
            if run.concurrency == level and done:
                share = [i / len(done) for i in range(1, len(done) + 1)]
                axis.plot(done, share, label=f"{run.system}, {run.transport}")
        axis.set_xscale("log")
        axis.set_title(f"{level} conversation(s) at once")
        axis.set_xlabel("latency (ms, log)")
        axis.set_ylabel("share of messages")
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def timeline(samples: list[Sample], faults: list[Fault], path: Path) -> None:
    """Each fault-run message at its send time: its latency, its outcome, retried or not,
    crossed when the tracker store did not keep it; the faults as vertical lines."""
    plt = _pyplot()
    fig, axis = plt.subplots(figsize=(13, 4.8))
    for outcome, colour in COLOURS.items():
        for retried, marker in ((False, "."), (True, "^")):
            chosen = [s for s in samples if s.outcome == outcome and (s.attempts > 1) == retried]
            if chosen:
                axis.scatter([s.started for s in chosen],
                             [max(s.latency_ms, 1.0) / 1000 for s in chosen],
                             s=22 if retried or outcome != "answer" else 8, c=colour, marker=marker,
                             label=f"{outcome}{' (retried)' if retried else ''}")  # fmt: skip
    bad = [s for s in samples if s.verdict in ("lost", "duplicated", "unanswered")]
    if bad:
        axis.scatter(
            [s.started for s in bad],
            [max(s.latency_ms, 1.0) / 1000 for s in bad],
            s=60,
            c="black",
            marker="x",
            label="not kept once in the tracker store",
        )
    top = axis.get_xaxis_transform()
    for n, fault in enumerate(f for f in faults if f.injected_s is not None):
        axis.axvline(fault.injected_s, color="black", linestyle="--", linewidth=1)
        axis.text(fault.injected_s, 1.01, f" {fault.key}", transform=top, fontsize=8)
        if fault.back_s is not None:  # the component's own downtime, as a bar at the top
            height = 0.96 - 0.03 * n
            axis.plot([fault.injected_s, fault.back_s], [height, height], transform=top,
                      color="dimgrey", linewidth=3, solid_capstyle="butt")  # fmt: skip
    axis.set_yscale("log")
    axis.set_xlabel("seconds into the fault run (message sent); bars at the top: the broken "
                    "component until a new process answered")  # fmt: skip
    axis.set_ylabel("latency incl. retries (s, log)")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7, loc="lower right", ncol=4)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
