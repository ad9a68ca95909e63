"""Tuning in the background: after the knowledge base settles, ``frontline faq tune``
runs as a low-priority child process; when its verdict says the tuned model answers
better, it is handed to ``adopt`` (the runtime sends English questions to an index
built with it: the tuned model reads English only).

The child is a separate process at the lowest CPU priority, so customers' turns keep
the cores; a verdict is per knowledge-base fingerprint, so an unchanged knowledge base
is never tuned twice.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.faq.reload import HotReloader
from bot.faq.tuning import Verdict, fingerprint, read_verdict

log = logging.getLogger(__name__)


def tune_command(threads: int = 1) -> list[str]:
    """The child process: this interpreter running ``frontline faq tune``."""
    return [sys.executable, "-m", "bot.cli", "faq", "tune", "--threads", str(threads)]


class BackgroundTuner:
    """Starts tuning runs when the knowledge base changes and adopts winners.

    Args:
        reloader: owns the live index (whose knowledge base is tuned for).
        folder: where tuning runs leave their verdict and models (``var/tuned``).
        adopt: puts a saved model (its folder) to work.
        command: the tuning process to start.
        settle: seconds the knowledge base must stay unchanged before a run starts
            (an editor's session of edits costs one run, not ten).
        interval: seconds between checks.
        clock: monotonic seconds.
    """

    def __init__(
        self,
        *,
        reloader: HotReloader,
        folder: Path,
        adopt: Callable[[str], None],
        command: Sequence[str] | None = None,
        settle: float = 60.0,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._reloader = reloader
        self._folder = folder
        self._adopt_model = adopt
        self._failed: str | None = None  # the fingerprint whose run failed
        self._command = list(command or tune_command())
        self._settle = settle
        self._interval = interval
        self._clock = clock
        self._process: subprocess.Popen[bytes] | None = None
        self._seen: tuple[str, float] | None = None  # fingerprint, and since when
        self._in_use: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def using(self, model: str | None) -> None:
        """Record the tuned model the live encoder already is (chosen at start-up)."""
        self._in_use = model

    def poll(self) -> None:
        """One step: collect a finished run, swap if it won, start a run if due."""
        if self._process is not None:
            if self._process.poll() is None:
                return
            code = self._process.returncode
            self._process = None
            current = fingerprint(self._reloader.index.kb)
            if code != 0:
                # Not retried for this content: the next edit gets a fresh run.
                self._failed = current
                log.warning("FAQ tuning run ended with exit code %s; see var/tuned/tune.log", code)
        current = fingerprint(self._reloader.index.kb)
        verdict = read_verdict(self._folder)
        if verdict is not None and verdict.fingerprint == current:
            self._adopt(verdict)
            return
        if len(self._reloader.index.kb) == 0 or current == self._failed:
            return
        now = self._clock()
        if self._seen is None or self._seen[0] != current:
            self._seen = (current, now)
            return
        if now - self._seen[1] >= self._settle:
            self._start()

    def _adopt(self, verdict: Verdict) -> None:
        if not verdict.better or not verdict.model or verdict.model == self._in_use:
            return
        if not Path(verdict.model).is_dir():
            return
        log.info(
            "FAQ tuning: the tuned model answers better (top-1 %.1f%% against %.1f%% on "
            "held-out phrasings); embedding the knowledge base with it",
            100 * verdict.tuned_top1,
            100 * verdict.base_top1,
        )
        self._adopt_model(verdict.model)
        self._in_use = verdict.model

    def _start(self) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        output = (self._folder / "tune.log").open("ab")
        log.info("FAQ tuning: the knowledge base changed; tuning in the background")
        self._process = subprocess.Popen(
            self._command,
            stdout=output,
            stderr=subprocess.STDOUT,
            preexec_fn=_lowest_priority,
        )
        output.close()
        self._seen = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="faq-tune", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.poll()
            except Exception:  # keep serving with the current encoder
                log.exception("FAQ tuning check failed")

    def stop(self) -> None:
        self._stop.set()
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


def _lowest_priority() -> None:
    os.nice(19)
