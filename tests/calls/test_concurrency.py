"""The limiter: how many calls are in flight, and which waiting call goes next."""

from __future__ import annotations

import asyncio
import time

from xpert_pytest.calls.concurrency import GRADING, PRIORITY, START_WINDOW, AdaptiveLimiter


def test_limiter_halves_once_per_burst_and_climbs_back() -> None:
    async def scenario() -> list[float]:
        limiter = AdaptiveLimiter(16, cooldown=60)
        for _ in range(10):
            limiter.on_rate_limited()
        after_burst = limiter.limit
        for _ in range(200):
            limiter.on_success()
        return [after_burst, limiter.limit, float(limiter.rate_limited)]

    assert asyncio.run(scenario()) == [8.0, 16.0, 10.0]

def test_limiter_caps_calls_in_flight_and_serves_by_priority() -> None:

    async def scenario() -> tuple[int, list[int]]:
        limiter = AdaptiveLimiter(3)
        order: list[int] = []

        async def work(priority: int) -> None:
            PRIORITY.set(priority)
            async with limiter.slot():
                order.append(priority)
                await asyncio.sleep(0.01)

        await asyncio.gather(*(work(p) for p in [5, 4, 3, 9, 8, 2, 1, 0, 7, 6]))
        return limiter.peak, order

    peak, order = asyncio.run(scenario())
    assert peak == 3
    assert order[:3] == [5, 4, 3]  # free places are taken at once
    assert order[3:] == [0, 1, 2, 6, 7, 8, 9]  # then waiting calls go by priority

def test_cancelled_waiters_give_their_place_back() -> None:
    async def scenario() -> int:
        limiter = AdaptiveLimiter(1)

        async def hold() -> None:
            async with limiter.slot():
                await asyncio.sleep(0.05)

        first = asyncio.ensure_future(hold())
        await asyncio.sleep(0)
        waiting = asyncio.ensure_future(hold())
        await asyncio.sleep(0)
        waiting.cancel()
        await first
        await asyncio.gather(waiting, return_exceptions=True)
        async with limiter.slot():
            return limiter.in_use

    assert asyncio.run(scenario()) == 1


def test_a_grading_call_ranks_one_window_of_tasks_later() -> None:
    async def scenario() -> list[str]:
        limiter = AdaptiveLimiter(2)
        served: list[str] = []
        release = asyncio.Event()

        async def call(position: int, grading: bool) -> None:
            PRIORITY.set(position)
            GRADING.set(grading)
            async with limiter.slot():
                served.append(f"{'grade' if grading else 'answer'} {position}")
                await release.wait()

        holders = [asyncio.ensure_future(call(p, False)) for p in (0, 1)]
        await asyncio.sleep(0)
        waiting = [asyncio.ensure_future(call(p, False)) for p in (2, 3, 4, 5)]
        waiting.append(asyncio.ensure_future(call(0, True)))  # ranks as position 0 + 2
        await asyncio.sleep(0)
        release.set()
        await asyncio.gather(*holders, *waiting)
        return served[2:]

    assert asyncio.run(scenario()) == ["answer 2", "grade 0", "answer 3", "answer 4", "answer 5"]


def test_calls_start_no_closer_than_the_spacing() -> None:
    async def scenario() -> list[float]:
        limiter = AdaptiveLimiter(8)
        limiter.spacing = 0.05
        started: list[float] = []

        async def work() -> None:
            async with limiter.slot():
                started.append(time.monotonic())
                await asyncio.sleep(0.3)  # none comes back before the last has started

        await asyncio.gather(*(work() for _ in range(4)))
        return started

    started = asyncio.run(scenario())
    assert len(started) == 4
    assert all(later - earlier >= 0.045 for earlier, later in zip(started, started[1:]))


def test_the_spacing_is_measured_from_finished_calls_unless_pacing_is_off() -> None:
    async def scenario(pace: bool) -> float:
        limiter = AdaptiveLimiter(4, pace=pace)

        async def work() -> None:
            async with limiter.slot():
                sum(i * i for i in range(20_000))  # CPU time the pace must account for
                await asyncio.sleep(0)

        await asyncio.gather(*(work() for _ in range(3 * 64)))
        return limiter.spacing

    assert asyncio.run(scenario(True)) > 0
    assert asyncio.run(scenario(False)) == 0


def test_the_first_round_is_paced_by_the_cpu_time_of_starting_calls() -> None:
    async def scenario() -> tuple[float, list[float]]:
        limiter = AdaptiveLimiter(64)
        started: list[float] = []

        async def work() -> None:
            async with limiter.slot():
                started.append(time.monotonic())
                sum(i * i for i in range(20_000))  # the CPU time of building and sending a request
                await asyncio.sleep(0.5)

        await asyncio.gather(*(work() for _ in range(START_WINDOW + 8)))
        return limiter.spacing, started

    spacing, started = asyncio.run(scenario())
    assert spacing > 0  # set before any call came back
    paced = started[START_WINDOW + 1 :]
    assert all(later - earlier >= 0.9 * spacing for earlier, later in zip(paced, paced[1:]))


def test_the_last_round_is_not_paced() -> None:
    async def scenario() -> list[float]:
        limiter = AdaptiveLimiter(8)
        async with limiter.slot():  # a call has come back: the limiter is past its first round
            pass
        limiter.spacing = 0.5
        started: list[float] = []

        async def work() -> None:
            async with limiter.slot():
                started.append(time.monotonic())

        await asyncio.gather(*(work() for _ in range(4)))  # fewer calls than free places
        return started

    started = asyncio.run(scenario())
    assert max(started) - min(started) < 0.25  # paced, the four would have taken 1.5 s
