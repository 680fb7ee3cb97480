"""How many calls a process keeps in flight, and which waiting call goes next.

The ceiling is what the user sets; rate limits lower it. Additive increase, multiplicative
decrease: a rate-limited call halves the limit (at most once per cool-down, so a burst of 429s
counts as one signal), and each success adds 1/limit, so the limit climbs back by about one per
round of successful calls.

Waiting calls are served by the position of their task in the run, so tests finish about in
order. A grading call ranks with the answers one window (the current limit) of tasks later, so
answers keep about a round ahead of grading: as the run drains, grading is left to fill every
place, rather than a last round that holds only the few tasks left over.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

PRIORITY: contextvars.ContextVar[int] = contextvars.ContextVar("xpert_priority", default=0)
GRADING: contextvars.ContextVar[bool] = contextvars.ContextVar("xpert_grading", default=False)


class AdaptiveLimiter:
    def __init__(self, ceiling: int, cooldown: float = 1.0) -> None:
        self.ceiling = ceiling
        self.limit = float(ceiling)
        self.cooldown = cooldown
        self.in_use = 0
        self.peak = 0
        self.rate_limited = 0
        self.lowest = ceiling
        self._last_decrease = -float("inf")
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the in-flight places for the duration of a call."""
        if self.in_use < int(self.limit) and not self._waiters:
            self._take()
        else:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            rank = PRIORITY.get() + (int(self.limit) if GRADING.get() else 0)
            heapq.heappush(self._waiters, (rank, next(self._order), future))
            try:
                await future
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():
                    self._release()
                raise
        try:
            yield
        finally:
            self._release()

    def _take(self) -> None:
        self.in_use += 1
        self.peak = max(self.peak, self.in_use)

    def _release(self) -> None:
        self.in_use -= 1
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self.in_use < int(self.limit):
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                self._take()
                future.set_result(None)

    def on_rate_limited(self) -> None:
        self.rate_limited += 1
        now = time.monotonic()
        if now - self._last_decrease >= self.cooldown:
            self._last_decrease = now
            self.limit = max(1.0, self.limit / 2)
            self.lowest = min(self.lowest, int(self.limit))

    def on_success(self) -> None:
        if self.limit < self.ceiling:
            self.limit = min(float(self.ceiling), self.limit + 1 / self.limit)
            self._wake()
