"""The loop that keeps every process of a Procfile running, and stops them all on a signal.

Each process has its own task. When a process ends while the supervisor is not stopping,
whatever the reason (a crash, a kill, even exit code 0), the task says why, kills what the
process left in its group, waits the backoff of :mod:`bot.supervise.restarts`, and starts
it again; the other processes are not touched. SIGINT, SIGTERM or SIGHUP stop everything:
SIGTERM to every process group, SIGKILL to any still there after the stop timeout (or at
once on a second signal); the supervisor then exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Mapping, Sequence

from bot.supervise.child import Child, describe_exit
from bot.supervise.output import LinePrinter
from bot.supervise.procfile import ProcessSpec
from bot.supervise.restarts import RestartPolicy

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Supervisor:
    """Runs processes, restarts each one that stops, and stops them all on a signal."""

    def __init__(
        self,
        *,
        specs: Sequence[ProcessSpec],
        env: Mapping[str, str],
        printer: LinePrinter,
        policy: RestartPolicy,
        stop_timeout: float = 10.0,
    ) -> None:
        """Prepare a supervisor; nothing starts until :meth:`run`.

        Args:
            specs: The processes to run.
            env: Their environment (the shell expands their commands in it).
            printer: Where their output and the supervisor's own lines go.
            policy: When to restart a process that stopped.
            stop_timeout: Seconds between SIGTERM and SIGKILL when stopping.
        """
        self._specs = list(specs)
        self._env = dict(env)
        self._printer = printer
        self._policy = policy
        self._stop_timeout = stop_timeout
        self._stopping = asyncio.Event()
        self._hurry = asyncio.Event()

    async def run(self) -> int:
        """Run until a stop signal, then stop every process.

        Returns:
            The exit status: 0, or 1 if the supervisor itself failed.
        """
        loop = asyncio.get_running_loop()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, self._on_signal, signum)
        tasks = [asyncio.create_task(self._keep_running(spec)) for spec in self._specs]
        status = 0
        try:
            await asyncio.gather(*tasks)
        except Exception as error:  # a bug here must not leave the others unsupervised
            self._printer.system(f"supervisor failed ({error!r}): stopping everything", alarm=True)
            self._stopping.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            status = 1
        finally:
            for signum in STOP_SIGNALS:
                loop.remove_signal_handler(signum)
        self._printer.system("all processes stopped")
        return status

    def _on_signal(self, signum: int) -> None:
        name = signal.Signals(signum).name
        if self._stopping.is_set():
            self._printer.system(f"{name} again: killing every process now (SIGKILL)")
            self._hurry.set()
            return
        self._printer.system(
            f"{name} received: stopping every process (SIGTERM, SIGKILL after "
            f"{self._stop_timeout:g} s)"
        )
        self._stopping.set()

    async def _keep_running(self, spec: ProcessSpec) -> None:
        tracker = self._policy.tracker()
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                child = await Child.start(spec, env=self._env, printer=self._printer)
            except OSError as error:
                self._printer.system(f"{spec.name} could not start: {error}")
                reason = "could not start"
            else:
                self._printer.system(f"{spec.name} started (pid {child.pid})")
                if not await self._until_exit_or_stop(child):
                    await self._stop(child)
                    return
                reason = describe_exit(await child.wait())
                if await child.kill_leftovers():
                    self._printer.system(f"{spec.name} left processes in its group: killed them")
            ran_for = time.monotonic() - started
            restart = tracker.after_stop(ran_for=ran_for, at=time.monotonic())
            self._printer.system(
                f"{spec.name} {reason} after {ran_for:.1f} s; restarting in {restart.delay:g} s"
            )
            if restart.alarm:
                self._printer.system(
                    f"{spec.name} stopped {restart.stops_last_minute} times in the last minute "
                    f"(more than {self._policy.max_stops_per_minute}); still restarting it "
                    f"every {restart.delay:g} s: look at its output above",
                    alarm=True,
                )
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=restart.delay)

    async def _until_exit_or_stop(self, child: Child) -> bool:
        """Wait for the process to end or for a stop; True when it ended on its own."""
        ended = asyncio.create_task(child.wait())
        stopping = asyncio.create_task(self._stopping.wait())
        try:
            await asyncio.wait({ended, stopping}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # cancelled: leave no process behind
            child.signal_group(signal.SIGKILL)
            raise
        finally:
            stopping.cancel()
            ended.cancel()
        return not self._stopping.is_set()

    async def _stop(self, child: Child) -> None:
        gentle = await child.stop(timeout=self._stop_timeout, hurry=self._hurry)
        reason = describe_exit(await child.wait())
        if gentle:
            self._printer.system(f"{child.spec.name} stopped ({reason})")
        else:
            self._printer.system(
                f"{child.spec.name} did not stop on SIGTERM: killed with SIGKILL ({reason})"
            )
