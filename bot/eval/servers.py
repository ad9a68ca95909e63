"""Start the real Rasa server and action server on free local ports, for end-to-end tests
and benchmarks (tooling: never imported by the running bot)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited with {process.returncode}:\n{log.read_text()[-4000:]}"
            )
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not come up in {timeout}s:\n{log.read_text()[-4000:]}")


@dataclass
class BotServers:
    """A running Rasa server and action server, with their state in ``workdir``."""

    workdir: Path
    env: dict[str, str]
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    actions_launcher: list[str] | None = None
    rasa_launcher: list[str] | None = None
    # Rasa's HTTP API (trackers, trigger_intent) answers only with this token.
    api_token: str = field(default_factory=lambda: secrets.token_hex(16))  # never "-..."
    credentials: Path = ROOT / "credentials.yml"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def start(self, model: Path, timeout: float = 400) -> None:
        """Start both servers at once (each takes a while to load) and wait for both."""
        self.start_actions(timeout=None)
        self.start_rasa(model, timeout=None)
        self.wait_for_actions(timeout)
        self.wait_for_rasa(timeout)

    def wait_for_actions(self, timeout: float) -> None:
        wait_until_up(
            f"http://127.0.0.1:{self.actions_port}/health",
            self.processes["actions"],
            self.log("actions"),
            timeout,
        )

    def wait_for_rasa(self, timeout: float) -> None:
        wait_until_up(f"{self.url}/status", self.processes["rasa"], self.log("rasa"), timeout)

    def start_actions(self, timeout: float | None = 300) -> None:
        launcher = self.actions_launcher or [str(BIN / "frontline"), "actions"]
        command = [*launcher, "--interface", "127.0.0.1", "--port", str(self.actions_port)]
        self._spawn("actions", command)
        if timeout is not None:
            self.wait_for_actions(timeout)

    def start_rasa(self, model: Path, timeout: float | None = 300) -> None:
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n'
            "  enable_selective_domain: true\n"
            "tracker_store:\n  type: bot.store.tracker_store.UrlTrackerStore\n"
            "nlg:\n  type: bot.tone.nlg.ToneNLG\n"
        )
        command = [
            *(self.rasa_launcher or [str(BIN / "frontline"), "rasa"]),
            "run",
            "--enable-api",
            "--auth-token",
            self.api_token,
            "--interface",
            "127.0.0.1",
            "--port",
            str(self.rasa_port),
            "--model",
            str(model),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(self.credentials),
        ]
        self._spawn("rasa", command)
        if timeout is not None:
            self.wait_for_rasa(timeout)

    def _spawn(self, name: str, command: list[str]) -> None:
        handle = self.log(name).open("ab")
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT
        )

    def stop(self, name: str | None = None) -> None:
        for key in [name] if name else list(self.processes):
            process = self.processes.pop(key)
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def say(self, sender: str, message: str, **extra: Any) -> list[dict[str, Any]]:
        """Send one message through the REST channel; return the bot's replies."""
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message, **extra},
            timeout=60,
        )
        response.raise_for_status()
        return list(response.json())

    def tracker(self, sender: str) -> dict[str, Any]:
        response = requests.get(
            f"{self.url}/conversations/{sender}/tracker",
            params={"token": self.api_token},
            timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())


def server_env(workdir: Path, faq_dir: Path, **settings: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "FRONTLINE_FAQ_DIR": str(faq_dir),
            "FRONTLINE_VAR_DIR": str(workdir / "var"),
            "FRONTLINE_TRACKER_STORE_URL": f"sqlite:///{workdir / 'var' / 'tracker.db'}",
            "FRONTLINE_FAQ_RELOAD_INTERVAL": "0.25",
            # Tests and benchmarks measure the configured engine, with the CPU to themselves.
            "FRONTLINE_FAQ_TUNE_IN_BACKGROUND": "false",
            # Tests and benchmarks poll one conversation fast; the limit has its own tests.
            "FRONTLINE_REST_RATE_LIMIT_PER_MINUTE": "6000",
            "FRONTLINE_REST_RATE_LIMIT_BURST": "1000",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update({f"FRONTLINE_{key.upper()}": value for key, value in settings.items()})
    return env


@contextmanager
def servers_at(
    workdir: Path, env: dict[str, str], model: Path, at: str, *, rasa_too: bool = False
) -> Iterator[BotServers]:
    """Both servers running, the action server's clock frozen at ``at`` (time-machine)
    and ticking on, so conversations do not depend on when they run (business hours).

    ``rasa_too`` freezes the Rasa server as well, for the handoff desk's opening times;
    it would also make the Rasa server refuse requests signed with the real time (Slack).
    """
    frozen = {**env, "FRONTLINE_TEST_FROZEN_AT": at}
    servers = BotServers(
        workdir=workdir,
        env=frozen,
        actions_launcher=[sys.executable, "-m", "bot.eval.frozen_actions"],
        rasa_launcher=[sys.executable, "-m", "bot.eval.frozen_rasa"] if rasa_too else None,
    )
    try:
        servers.start(model)
        yield servers
    finally:
        servers.stop()
