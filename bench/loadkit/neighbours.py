"""Other busy processes on the machine while the benchmark runs (noise worth a note)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _cpu_ticks() -> dict[int, tuple[int, int, str]]:
    """CPU ticks, parent and command line of every process."""
    found = {}
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
            command = (folder / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, IndexError, UnicodeDecodeError):
            continue
        found[int(folder.name)] = (int(fields[11]) + int(fields[12]), int(fields[1]), command)
    return found


def _ours(pid: int, table: dict[int, tuple[int, int, str]], me: int) -> bool:
    for _ in range(12):
        if pid == me:
            return True
        if pid not in table or pid <= 1:
            return False
        pid = table[pid][1]
    return False


def busy_neighbours(sample_s: float = 2.0, threshold: float = 0.2) -> list[str]:
    """Processes outside this benchmark's tree using more than ``threshold`` of a core."""
    before = _cpu_ticks()
    time.sleep(sample_s)
    after = _cpu_ticks()
    hertz = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    busy = []
    for pid, (ticks, _, command) in after.items():
        share = (ticks - before.get(pid, (ticks, 0, ""))[0]) / hertz / sample_s
        if share > threshold and not _ours(pid, after, me):
            busy.append(f"{command[:80]} ({share:.0%} of a core)")
    return busy
