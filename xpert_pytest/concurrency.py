"""How many calls a process keeps in flight: a ceiling the user sets, lowered on rate limits.

Additive increase, multiplicative decrease: a rate-limited call halves the limit (at most once
per cool-down, so a burst of 429s counts as one signal), and each success adds 1/limit, so the
limit climbs back by about one per round of successful calls.
"""

from __future__ import annotations

import asyncio
import time


class AdaptiveLimiter:
    def __init__(self, ceiling: int, cooldown: float = 1.0) -> None:
        self.ceiling = ceiling
        self.limit = float(ceiling)
        self.cooldown = cooldown
        self.in_use = 0
        self.rate_limited = 0
        self.lowest = ceiling
        self._last_decrease = -float("inf")
        self._condition: asyncio.Condition | None = None

    def _cond(self) -> asyncio.Condition:
        if self._condition is None:
            self._condition = asyncio.Condition()
        return self._condition

    async def __aenter__(self) -> None:
        cond = self._cond()
        async with cond:
            await cond.wait_for(lambda: self.in_use < int(self.limit))
            self.in_use += 1

    async def __aexit__(self, *exc: object) -> None:
        cond = self._cond()
        async with cond:
            self.in_use -= 1
            cond.notify_all()

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
            cond = self._cond()
            if not cond.locked():
                asyncio.ensure_future(self._wake())

    async def _wake(self) -> None:
        cond = self._cond()
        async with cond:
            cond.notify_all()
