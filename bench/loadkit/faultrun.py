"""The fault run: REST conversations against the cluster while its parts fail.

``conversations`` customers write at once, each a conversation after another (5
messages, a pause between them), with retries like a careful integrator, until the
window closes; meanwhile :mod:`bench.loadkit.faults` breaks one part after the other.
For each fault: what customers got meanwhile, and the time until answers were normal
again: after the last reply until the next fault that was not an answer at the first
attempt within the baseline's p95 × 3 (at least 1 s).
"""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.loadkit import rest_client
from bench.loadkit.cluster import Cluster
from bench.loadkit.faults import Fault, inject, plan
from bench.loadkit.ledger import Ledger
from bench.loadkit.outcomes import OUTCOMES, Sample, percentile

MIN_OUTAGE_VIEW_S = 5.0


@dataclass
class FaultRun:
    samples: list[Sample] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    window_s: float = 0.0
    elapsed_s: float = 0.0


async def run(
    url: str,
    cluster: Cluster,
    scripts: tuple[list[str], ...],
    *,
    conversations: int,
    window_s: float,
    fault_times: list[float],
    clock: Callable[[], float],
    tag: str,
) -> FaultRun:
    result = FaultRun(window_s=window_s)
    target = rest_client.RestTarget(url, retry=rest_client.Retry(), think_s=0.5)
    connector = aiohttp.TCPConnector(limit=conversations)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def customer(worker: int) -> None:
            for n in range(1000):  # bounded; the window ends it long before
                if clock() >= window_s:
                    return
                sender = f"fault-{tag}-{worker}-{n}"
                script = scripts[(worker + n) % len(scripts)]
                result.samples += await rest_client.converse(
                    session, target, sender, script, clock, until=window_s
                )

        customers = asyncio.gather(*(customer(w) for w in range(conversations)))
        faults = inject(plan(fault_times, cluster), clock)
        result.faults, _ = await asyncio.gather(faults, customers)
    result.elapsed_s = clock()
    return result


def _done(sample: Sample) -> float:
    return sample.started + sample.latency_ms / 1000


def _normal(sample: Sample, limit_ms: float) -> bool:
    return sample.outcome == "answer" and sample.attempts == 1 and sample.latency_ms <= limit_ms


def recovery(samples: list[Sample], at: float, until: float, limit_ms: float) -> float | None:
    """Seconds from ``at`` to the last abnormal reply before ``until`` (0: none); None when
    fewer than 3 replies came after it: answers were not shown normal again in time."""
    done = sorted((s for s in samples if at <= _done(s) < until), key=_done)
    bad = [s for s in done if not _normal(s, limit_ms)]
    if not bad:
        return 0.0
    last = _done(bad[-1])
    if sum(_done(s) > last for s in done) < 3:
        return None
    return round(last - at, 1)


def summary(samples: list[Sample]) -> dict[str, Any]:
    """Outcomes, retries, latency and tracker verdicts of some fault-run messages."""
    latencies = [s.latency_ms for s in samples if s.outcome != "error"]
    ledger = Ledger.of(samples)
    return {
        "messages": len(samples),
        **{kind: sum(s.outcome == kind for s in samples) for kind in OUTCOMES},
        "retried_messages": sum(s.attempts > 1 for s in samples),
        "retries": sum(s.attempts - 1 for s in samples),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
        "p95_ms": percentile(latencies, 0.95),
        "max_ms": round(max(latencies), 1) if latencies else 0.0,
        "lost": ledger.lost,
        "lost_silently": ledger.lost - ledger.lost_client_saw_error,
        "duplicated": ledger.duplicated,
        "unanswered": ledger.unanswered,
        "not_plain_answers": dict(
            Counter(f"{s.outcome}: HTTP {s.detail}" for s in samples if s.detail != "200")
        ),
    }


def analyse(result: FaultRun) -> dict[str, Any]:
    """Per fault: its segment (the replies from it until the next fault), its outage
    and its recovery."""
    injected = [f.injected_s for f in result.faults if f.injected_s is not None]
    first = injected[0] if injected else result.window_s
    baseline = [s for s in result.samples if s.started >= 5.0 and _done(s) < first]
    base_p95 = percentile([s.latency_ms for s in baseline if s.outcome != "error"], 0.95)
    limit_ms = max(3 * base_p95, 1000.0)
    report: dict[str, Any] = {"baseline": summary(baseline), "normal_limit_ms": limit_ms}
    faults = []
    ends = [*injected[1:], result.elapsed_s + 1]
    for fault, end in zip((f for f in result.faults if f.injected_s is not None), ends):
        at = fault.injected_s or 0.0
        took = recovery(result.samples, at, end, limit_ms)
        view = max(end - at if took is None else took, MIN_OUTAGE_VIEW_S)
        meanwhile = [s for s in result.samples if _done(s) >= at and s.started <= at + view]
        faults.append({
            "fault": fault.key, "title": fault.title, "action": fault.action,
            "injected_s": round(at, 1),
            "component_back_after_s": round(fault.back_s - at, 1) if fault.back_s else None,
            "customers_recovered_after_s": took,
            "meanwhile": summary(meanwhile),
            "segment": summary([s for s in result.samples if at <= _done(s) < end]),
        })  # fmt: skip
    report["faults"] = faults
    report["all"] = summary(result.samples)
    return report
