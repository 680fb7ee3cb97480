"""How many calls a process keeps in flight, and which waiting call goes next.

The ceiling is what the user sets; rate limits lower it. Additive increase, multiplicative
decrease: a rate-limited call halves the limit (at most once per cool-down, so a burst of 429s
counts as one signal), and each success adds 1/limit, so the limit climbs back by about one per
round of successful calls.

Waiting calls are served by the position of their task in the run, so tests finish about in
order. A grading call ranks with the answers one window (the current limit) of tasks later, so
answers keep about a round ahead of grading: as the run drains, grading is left to fill every
place, rather than a last round that holds only the few tasks left over.

Calls start no closer together than the process's CPU time per finished call. Replies that
arrive together wait in line for their processing (litellm's and ours, one event loop), and the
calls that take their places would otherwise leave together after the whole line: every round
of replies would then come back as one burst again, each round later than the one before by the
time the burst took. Spaced at the pace the process can handle them, the calls that replace a
burst leave spread out, their replies come back spread out, and each is handled as it arrives.
The pace is measured as the run goes (the CPU time of the whole process, since every thread
competes for the same interpreter), so it never holds back a process that could go faster.
The first round, before any reply, is paced by the CPU time of starting calls; the last, which
no round follows, is not paced.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

PACE_WINDOW = 64  # finished calls per measurement of the pace
START_WINDOW = 16  # call starts that measure the first round's pace, before any call has finished
CALL_PER_START = 2  # a whole call's CPU time over its start's (2.2 measured with litellm here)
PRIORITY: contextvars.ContextVar[int] = contextvars.ContextVar("xpert_priority", default=0)
GRADING: contextvars.ContextVar[bool] = contextvars.ContextVar("xpert_grading", default=False)


class AdaptiveLimiter:
    def __init__(self, ceiling: int, cooldown: float = 1.0, pace: bool = True) -> None:
        """`pace` False starts calls as soon as a place is free (the spacing stays 0)."""
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
        self.pace = pace
        self.spacing = 0.0  # seconds between two call starts; 0 until the first calls have started
        self._next_start = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._started = 0
        self._start_cpu = 0.0  # process CPU time at the first call start
        self._finished = 0
        self._sample: tuple[float, int] | None = None  # (process CPU time, calls finished) at the last measurement

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the in-flight places for the duration of a call."""
        if self.in_use < int(self.limit) and not self._waiters and self._may_start():
            self._take()
        else:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            rank = PRIORITY.get() + (int(self.limit) if GRADING.get() else 0)
            heapq.heappush(self._waiters, (rank, next(self._order), future))
            self._wake()
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

    def _may_start(self) -> bool:
        """Whether a call may start now; if so, the next one may start one spacing later."""
        now = time.monotonic()
        if now < self._next_start and not self._last_round():
            return False
        self._next_start = now + self.spacing
        return True

    def _last_round(self) -> bool:
        """Once calls have come back, fewer calls waiting than places free are the run's last
        round: no full round follows whose start their replies could hold up, so spreading them
        would only make the run end later. They start at once."""
        return self._finished > 0 and len(self._waiters) < int(self.limit) - self.in_use

    def _take(self) -> None:
        self.in_use += 1
        self.peak = max(self.peak, self.in_use)
        if self.pace and self._sample is None:
            self._measure_start()

    def _measure_start(self) -> None:
        """Before any reply, a call's CPU time is known only by its start (the request built and
        sent); a whole call, its reply handled, takes about `CALL_PER_START` times that."""
        self._started += 1
        if self._started == 1:
            self._start_cpu = time.process_time()
        elif self._started == START_WINDOW + 1:
            self.spacing = CALL_PER_START * (time.process_time() - self._start_cpu) / START_WINDOW

    def _release(self) -> None:
        self.in_use -= 1
        self._measure_pace()
        self._wake()

    def _measure_pace(self) -> None:
        """The spacing follows the process's CPU time per finished call, measured from the first
        finished call on (the imports and set-up before it are not the pace of calls)."""
        if not self.pace:
            return
        self._finished += 1
        if self._sample is None:
            self._sample = (time.process_time(), self._finished)
        elif self._finished - self._sample[1] >= PACE_WINDOW:
            cpu = time.process_time()
            per_call = (cpu - self._sample[0]) / (self._finished - self._sample[1])
            first = self._sample[1] == 1  # the first measurement replaces the first round's estimate
            self.spacing = per_call if first else (self.spacing + per_call) / 2
            self._sample = (cpu, self._finished)

    def _wake(self) -> None:
        while self._waiters and self.in_use < int(self.limit):
            if not self._may_start():
                if self._timer is None or self._timer.cancelled():
                    loop = asyncio.get_running_loop()
                    self._timer = loop.call_later(self._next_start - time.monotonic(), self._on_timer)
                return
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                self._take()
                future.set_result(None)
            else:
                self._next_start = time.monotonic()  # a cancelled waiter does not use up a start

    def _on_timer(self) -> None:
        self._timer = None
        self._wake()

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
