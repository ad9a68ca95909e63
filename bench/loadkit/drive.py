"""Run many conversations, ``concurrency`` at a time, and time the whole level."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bench.loadkit.outcomes import Run, Sample

Conversation = Callable[[int], Awaitable[list[Sample]]]
"""The n-th conversation of a level: its samples."""


async def drive(run: Run, conversation: Conversation, conversations: int) -> Run:
    """``conversations`` conversations, ``run.concurrency`` at once; fills ``run``."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(conversations):
        queue.put_nowait(n)

    async def worker() -> None:
        while not queue.empty():
            run.samples += await conversation(queue.get_nowait())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(run.concurrency)))
    run.elapsed_s = time.perf_counter() - started
    return run


def level_size(concurrency: int, asked: int | None) -> int:
    """Conversations at a level: ``asked`` (at least one per slot), else 10 alone, two
    per slot up to 100 at once, one per slot beyond (200 at once: 200 conversations)."""
    if asked is not None:
        return max(asked, concurrency)
    if concurrency == 1:
        return 10
    return 2 * concurrency if concurrency < 100 else concurrency
