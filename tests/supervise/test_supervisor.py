"""``frontline supervise`` for real: a killed process comes back, the other runs on.

Each test writes a Procfile of tiny Python processes that write their pid to a file, runs
the supervisor as ``make run`` does (a separate process), and looks at the pids. Under
honcho the first test fails: killing one process stops the other and nothing restarts.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.timeout(90)

# Writes its pid (atomically) to the file named by its argument, then sleeps.
SLEEPER = (
    "import os, sys, time; path = sys.argv[1]; "
    "open(path + '.tmp', 'w').write(str(os.getpid())); os.replace(path + '.tmp', path); "
    "print('ready', flush=True); time.sleep(600)"
)
# Ignores SIGTERM and starts a grandchild (which inherits that) before doing the same.
STUBBORN = (
    "import signal, subprocess, sys; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    f"subprocess.Popen([sys.executable, '-c', {SLEEPER!r}, sys.argv[1] + '.grandchild']); "
    f"exec({SLEEPER!r})"
)


def _process_line(name: str, code: str, pid_file: Path) -> str:
    words = [sys.executable, "-c", code, str(pid_file)]
    return f"{name}: {' '.join(shlex.quote(word) for word in words)}\n"


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (ProcessLookupError, FileNotFoundError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def eventually(check: Callable[[], bool], *, within: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(
                f"not within {within} s: {what}\n--- supervisor output ---\n{log.read_text()}"
            )
        time.sleep(0.05)


def pid_in(path: Path) -> int | None:
    try:
        return int(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


class Run:
    """A supervisor started on a Procfile in a temporary folder."""

    def __init__(self, folder: Path, procfile: str, *options: str) -> None:
        self.folder = folder
        self.log = folder / "supervisor.log"
        (folder / "Procfile").write_text(procfile)
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "NO_COLOR": "1"}
        command = [sys.executable, "-m", "bot.cli", "supervise", "--procfile", "Procfile"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [*command, "--env", "no.env", *options],
                cwd=folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def pid(self, name: str, *, within: float = 20.0) -> int:
        path = self.folder / name
        eventually(lambda: pid_in(path) is not None, within=within, what=f"{name} up", log=self.log)
        pid = pid_in(path)
        assert pid is not None
        return pid

    def pids(self) -> list[int]:
        return [pid for path in self.folder.glob("*.pid*") if (pid := pid_in(path))]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Run]]:
    runs: list[Run] = []

    def start(procfile: str, *options: str) -> Run:
        runs.append(Run(tmp_path, procfile, *options))
        return runs[-1]

    yield start
    for run in runs:  # after a failure: leave nothing running
        run.process.kill()
        run.process.wait(timeout=10)
        for pid in run.pids():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_killed_process_is_restarted_and_the_other_keeps_running(
    tmp_path: Path, start: Callable[..., Run]
) -> None:
    run = start(
        _process_line("one", SLEEPER, tmp_path / "one.pid")
        + _process_line("two", SLEEPER, tmp_path / "two.pid")
    )
    first, other = run.pid("one.pid"), run.pid("two.pid")
    (tmp_path / "one.pid").unlink()

    os.kill(first, signal.SIGKILL)

    second = run.pid("one.pid", within=15)
    assert second != first
    assert not alive(first)
    assert pid_in(tmp_path / "two.pid") == other and alive(other)
    assert run.process.poll() is None

    run.process.send_signal(signal.SIGTERM)

    assert run.process.wait(timeout=20) == 0
    assert not alive(second) and not alive(other)
    output = run.log.read_text()
    assert "one was killed by SIGKILL after" in output
    assert "restarting in 1 s" in output
    assert f"one started (pid {second})" in output
    assert "two stopped (was killed by SIGTERM)" in output


def test_ctrl_c_kills_what_ignores_sigterm_including_grandchildren(
    tmp_path: Path, start: Callable[..., Run]
) -> None:
    run = start(
        _process_line("stubborn", STUBBORN, tmp_path / "stubborn.pid")
        + _process_line("calm", SLEEPER, tmp_path / "calm.pid"),
        "--stop-timeout",
        "1",
    )
    pids = [run.pid("stubborn.pid"), run.pid("stubborn.pid.grandchild"), run.pid("calm.pid")]

    run.process.send_signal(signal.SIGINT)

    assert run.process.wait(timeout=20) == 0
    assert [alive(pid) for pid in pids] == [False, False, False]
    output = run.log.read_text()
    assert "SIGINT received" in output
    assert "stubborn did not stop on SIGTERM: killed with SIGKILL" in output
