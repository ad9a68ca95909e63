"""What one run of ``bench/load.py`` measured, for the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.loadkit.faultrun import FaultRun
from bench.loadkit.outcomes import Run

PEER = "bare Rasa (moodbot)"
MAKE_RUN = "Frontline (make run)"
CLUSTER = "Frontline (make cluster)"


@dataclass
class Results:
    command: str
    date: str
    runs: list[Run] = field(default_factory=list)
    fault: FaultRun | None = None
    fault_analysis: dict[str, Any] | None = None
    boot_s: dict[str, float] = field(default_factory=dict)
    load_average: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)
