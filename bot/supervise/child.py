"""One running process, started as the leader of its own process group.

Its own group means a signal sent to the group reaches the process and anything it started,
so stopping it leaves nothing behind; and a Ctrl-C in the terminal reaches only the
supervisor, which then stops every process in order. Its output (stdout and stderr, merged)
is read line by line and printed with its name.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator, Mapping

from bot.supervise.output import LinePrinter
from bot.supervise.procfile import ProcessSpec

_POLL = 0.05
_DRAIN = 1.0


def describe_exit(returncode: int) -> str:
    """Why a process ended, for a person: ``exited with code 1``, ``was killed by SIGKILL``."""
    if returncode >= 0:
        return f"exited with code {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    return f"was killed by {name}"


class Child:
    """A started process of the Procfile, with the task that prints its output."""

    def __init__(
        self, *, spec: ProcessSpec, process: asyncio.subprocess.Process, pump: asyncio.Task[None]
    ) -> None:
        self.spec = spec
        self._process = process
        self._pump = pump

    @classmethod
    async def start(
        cls, spec: ProcessSpec, *, env: Mapping[str, str], printer: LinePrinter
    ) -> Child:
        """Start a process in a new session (so a new process group) and print its output.

        Raises:
            OSError: When the shell cannot be started at all.
        """
        process = await asyncio.create_subprocess_exec(
            *spec.argv(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=dict(env),
            start_new_session=True,
        )
        assert process.stdout is not None
        pump = asyncio.create_task(_print_lines(process.stdout, spec.name, printer))
        return cls(spec=spec, process=process, pump=pump)

    @property
    def pid(self) -> int:
        """The process id, which is also its process group id."""
        return self._process.pid

    async def wait(self) -> int:
        """Wait for the process to end; its return code (negative: the signal's number)."""
        return await self._process.wait()

    def signal_group(self, signum: int) -> None:
        """Send a signal to the process's whole group, if any of it is left."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signum)

    def group_alive(self) -> bool:
        """Whether the process or anything in its group is still there."""
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    async def stop(self, *, timeout: float, hurry: asyncio.Event) -> bool:
        """Stop the whole group: SIGTERM, then SIGKILL after ``timeout`` or on ``hurry``.

        Returns:
            True when the group ended on SIGTERM, False when it had to be killed.
        """
        self.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.group_alive() and time.monotonic() < deadline and not hurry.is_set():
            await asyncio.sleep(_POLL)
        gentle = not self.group_alive()
        if not gentle:
            self.signal_group(signal.SIGKILL)
        await self.wait()
        await self.drain_output()
        return gentle

    async def kill_leftovers(self) -> bool:
        """After the process ended on its own, kill what it left in its group.

        Returns:
            True when something was left.
        """
        left = self.group_alive()
        if left:
            self.signal_group(signal.SIGKILL)
        await self.drain_output()
        return left

    async def drain_output(self) -> None:
        """Print what is left of the output; give up after a second (a stray holder)."""
        _, pending = await asyncio.wait({self._pump}, timeout=_DRAIN)
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _print_lines(reader: asyncio.StreamReader, name: str, printer: LinePrinter) -> None:
    async for raw in _lines(reader):
        printer.line(name, raw.decode("utf-8", errors="replace").rstrip("\r\n"))


async def _lines(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    """Lines as they come; a line longer than the reader's buffer comes in pieces."""
    while True:
        try:
            yield await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as end:
            if end.partial:
                yield end.partial
            return
        except asyncio.LimitOverrunError as long:
            yield await reader.read(long.consumed)
