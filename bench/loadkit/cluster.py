"""``frontline cluster run`` as a subprocess: start, wait until every replica answers,
find a process by the port it listens on, stop it all."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bot.eval.servers import BIN, ROOT

FROZEN_CLOCK = Path(__file__).resolve().parent / "frozen_clock"
PUBLIC = "http://127.0.0.1:5005"
RASA_PORTS = (5105, 5106)
ACTIONS_PORTS = (5155, 5156)
REDIS_PORT = 6380
POSTGRES_PORT = 5433
DATABASE_URL = f"postgresql://frontline@127.0.0.1:{POSTGRES_PORT}/frontline"
PORTS_WAIT_S = 1200.0
BACKEND_STATE = re.compile(r"Server (?P<backend>\w+)/\w+ is \w+, .* (?P<active>\d+) active and")
ALL_PORTS = (5005, 5055, *RASA_PORTS, *ACTIONS_PORTS, REDIS_PORT, POSTGRES_PORT)


def listening_pids(port: int) -> list[int]:
    """Processes listening on TCP ``port`` (``ss -ltnp``)."""
    result = subprocess.run(
        ["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True, timeout=10
    )
    return sorted({int(pid) for pid in re.findall(r"pid=(\d+)", result.stdout)})


def descends_from(pid: int, ancestor: int) -> bool:
    """Whether ``pid`` is ``ancestor`` or runs under it (``/proc/<pid>/stat``), so that no
    process of another cluster on these ports is ever signalled."""
    for _ in range(8):
        if pid == ancestor:
            return True
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat.rsplit(")", 1)[1].split()[1])
        if pid <= 1:
            return False
    return False


def postmaster_pid(folder: Path) -> int | None:
    try:
        return int((folder / "postgres" / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def healthy(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


LOG_SIGNS = {
    "REST requests that ended in HTTP 500": re.compile(
        r"Exception occurred while handling uri: '\S+/webhooks/rest/webhook'"
    ),
    "… of them in the delivery log (bot/store/deliveries.py first_delivery)": re.compile(
        r'bot/store/deliveries\.py", line \d+, in first_delivery$'
    ),
    "… of them in the conversation lock (bot/store/locks.py lock)": re.compile(
        r'bot/store/locks\.py", line \d+, in lock$'
    ),
    "tracker saves that fell back to memory (Rasa's FailSafeTrackerStore)": re.compile(
        r"trying to save conversation tracker .*Falling back"
    ),
    "tracker reads that fell back to memory (a fresh tracker)": re.compile(
        r"trying to retrieve conversation tracker .*Falling back"
    ),
    "resends dropped as redeliveries (their first delivery was claimed)": re.compile(
        r"dropped redelivery"
    ),
    "action calls retried by the Rasa server": re.compile(r"action \S+ failed \(attempt"),
    "turns answered with the apology (action failed for good)": re.compile(r"failed for good"),
    "processes restarted by the supervisor": re.compile(r"system +\| .* restarting in"),
}


def log_signs(log: Path, offset: int) -> dict[str, int]:
    """How often each sign of trouble appears in the cluster's log after ``offset``."""
    with log.open("rb") as handle:
        handle.seek(offset)
        lines = handle.read().decode("utf-8", errors="replace").splitlines()
    return {name: sum(bool(p.search(line)) for line in lines) for name, p in LOG_SIGNS.items()}


def wait_for_ports(ports: tuple[int, ...], limit: float) -> None:
    """Wait until nothing listens on ``ports`` (another cluster, a test's, may hold them)."""
    deadline = time.monotonic() + limit
    while busy := {port: pids for port in ports if (pids := listening_pids(port))}:
        if time.monotonic() > deadline:
            raise RuntimeError(f"ports still in use after {limit:g} s: {busy}")
        print(f"waiting for ports {sorted(busy)} to be free", flush=True)
        time.sleep(10)


@dataclass
class Cluster:
    folder: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.folder.parent / "cluster.log"

    def start(self, timeout: float = 420) -> float:
        """Start it in a new process group; the seconds it took until ready."""
        wait_for_ports(ALL_PORTS, PORTS_WAIT_S)
        path = os.pathsep.join(filter(None, [str(FROZEN_CLOCK), self.env.get("PYTHONPATH")]))
        command = [str(BIN / "frontline"), "cluster", "run", "--dir", str(self.folder)]
        began = time.monotonic()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**self.env, "PYTHONPATH": path},
            stdout=self.log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.wait_ready(began + timeout)
        return time.monotonic() - began

    def wait_ready(self, deadline: float) -> None:
        urls = [f"http://127.0.0.1:{p}/" for p in RASA_PORTS]
        urls += [f"http://127.0.0.1:{p}/health" for p in ACTIONS_PORTS]
        urls.append(f"{PUBLIC}/")
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the cluster exited:\n{self.log.read_text()[-4000:]}")
            if all(healthy(url) for url in urls):
                return
            time.sleep(1)
        raise TimeoutError(f"the cluster was not ready in time:\n{self.log.read_text()[-4000:]}")

    def ours(self, port: int) -> list[int]:
        """The processes of this cluster listening on ``port``."""
        supervisor = self.process.pid if self.process is not None else -1
        return [pid for pid in listening_pids(port) if descends_from(pid, supervisor)]

    def settle(self, limit: float = 120) -> None:
        """Wait until every process answers again and HAProxy counts every server of both
        backends active (a level may have left replicas marked down)."""
        deadline = time.monotonic() + limit
        self.wait_ready(deadline)
        while time.monotonic() < deadline and not self.balanced():
            time.sleep(0.5)

    def balanced(self) -> bool:
        """Whether HAProxy's last word on each backend was "2 active" (its log)."""
        last: dict[str, str] = {}
        for line in self.log.read_text(errors="replace").splitlines():
            if found := BACKEND_STATE.search(line):
                last[found["backend"]] = found["active"]
        return all(last.get(backend, "2") == "2" for backend in ("rasa", "actions"))

    def stop(self, timeout: float = 90) -> None:
        """SIGTERM to the supervisor's group and wait; what is left gets SIGKILL."""
        if self.process is None:
            return
        left = [pid for port in ALL_PORTS for pid in self.ours(port)]
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        for pid in left:  # the supervisor's children run in groups of their own
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process = None
