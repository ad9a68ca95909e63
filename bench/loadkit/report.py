"""``reports/load.md`` and ``reports/load.json``: tables, targets, plots and notes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bench.loadkit import plots
from bench.loadkit.markdown import render
from bench.loadkit.outcomes import Run
from bench.loadkit.results import CLUSTER, MAKE_RUN, PEER, Results


def _proc(path: str, prefix: str) -> str:
    for line in Path(path).read_text().splitlines():
        if line.startswith(prefix):
            return line.split(":", 1)[1].strip()
    return "?"


def machine() -> str:
    memory = int(_proc("/proc/meminfo", "MemTotal").split()[0]) / 1024 / 1024
    return f"{os.cpu_count()} cores ({_proc('/proc/cpuinfo', 'model name')}), {memory:.0f} GB RAM"


def _figures(runs: list[Run]) -> dict[tuple[str, str, int], dict[str, Any]]:
    return {(r.system, r.transport, r.concurrency): r.figures() for r in runs}


def ratios(runs: list[Run]) -> list[dict[str, Any]]:
    """Each Frontline shape against moodbot, REST, level by level."""
    figures = _figures(runs)
    rows = []
    for (system, transport, level), ours in figures.items():
        peer = figures.get((PEER, "REST", level))
        if system == PEER or transport != "REST" or peer is None:
            continue

        def ratio(key: str, ours: dict[str, Any] = ours, peer: dict[str, Any] = peer) -> Any:
            return round(ours[key] / peer[key], 2) if peer[key] else None

        rows.append({
            "system": system, "concurrency": level, "p50_ratio": ratio("p50_ms"),
            "p95_ratio": ratio("p95_ms"), "p99_ratio": ratio("p99_ms"),
            "throughput_ratio": ratio("throughput_per_s"),
        })  # fmt: skip
    return rows


def targets(results: Results) -> list[dict[str, Any]]:
    rows = []
    for run in results.runs:
        if run.system in (MAKE_RUN, CLUSTER) and run.concurrency == 200 and run.ledger:
            bad = {k: run.ledger[k] for k in ("lost", "unanswered", "duplicated")}
            rows.append({
                "target": f"0 lost/unanswered/duplicated at 200 at once: {run.system}, "
                          f"{run.transport}",
                "value": ", ".join(f"{k} {v}" for k, v in bad.items()),
                "met": not any(bad.values()),
            })  # fmt: skip
    figures = _figures(results.runs)
    ours, peer = figures.get((MAKE_RUN, "REST", 20)), figures.get((PEER, "REST", 20))
    if ours and peer:
        rows.append({
            "target": "p95 at 20 at once ≤ 2× moodbot's (make run, REST)",
            "value": f"{ours['p95_ms']} ms vs {peer['p95_ms']} ms "
                     f"({ours['p95_ms'] / peer['p95_ms']:.2f}×)",
            "met": ours["p95_ms"] <= 2 * peer["p95_ms"],
        })  # fmt: skip
    if results.fault_analysis:
        for fault in results.fault_analysis["faults"]:
            seg = fault["segment"]
            rows.append({
                "target": f"fault run, {fault['title']}: 0 lost/duplicated in the tracker store",
                "value": f"lost {seg['lost']}, duplicated {seg['duplicated']}, "
                         f"unanswered {seg['unanswered']}",
                "met": not (seg["lost"] or seg["duplicated"]),
            })  # fmt: skip
    return rows


def write(results: Results, out: Path) -> str:
    out.mkdir(parents=True, exist_ok=True)
    plots.latency(results.runs, out / "load-latency.png")
    if results.fault is not None:
        plots.timeline(results.fault.samples, results.fault.faults, out / "load-faults.png")
    payload = {
        "command": results.command,
        "date": results.date,
        "machine": machine(),
        "cores": os.cpu_count(),
        "elapsed_s": round(results.elapsed_s, 1),
        "settings": results.settings,
        "boot_s": results.boot_s,
        "load_average": results.load_average,
        "runs": [_run_payload(r) for r in results.runs],
        "ratios": ratios(results.runs),
        "targets": targets(results),
        "fault_run": _fault_payload(results),
        "notes": results.notes,
    }
    (out / "load.json").write_text(dumps(payload) + "\n", encoding="utf-8")
    text = render(results, payload)
    (out / "load.md").write_text(text, encoding="utf-8")
    return text


def dumps(payload: dict[str, Any]) -> str:
    """Indented JSON with the fault run's timeline one message a line."""
    fault = payload.get("fault_run")
    if not fault:
        return json.dumps(payload, indent=1, ensure_ascii=False)
    mark = "__timeline__"
    text = json.dumps(
        {**payload, "fault_run": {**fault, "timeline": mark}}, indent=1, ensure_ascii=False
    )
    rows = ",\n   ".join(json.dumps(row, ensure_ascii=False) for row in fault["timeline"])
    return text.replace(f'"{mark}"', f"[\n   {rows}\n  ]")


def _run_payload(run: Run) -> dict[str, Any]:
    return {
        "system": run.system,
        "transport": run.transport,
        "concurrency": run.concurrency,
        **run.figures(),
        "tracker_store": run.ledger,
    }


def _fault_payload(results: Results) -> dict[str, Any] | None:
    if results.fault is None or results.fault_analysis is None:
        return None
    return {
        **results.fault_analysis,
        "window_s": results.fault.window_s,
        "elapsed_s": round(results.fault.elapsed_s, 1),
        "timeline_columns": ["sent_s", "latency_ms", "outcome", "attempts", "tracker"],
        "timeline": [
            [round(s.started, 2), round(s.latency_ms), s.outcome, s.attempts, s.verdict]
            for s in sorted(results.fault.samples, key=lambda s: s.started)
        ],
    }
