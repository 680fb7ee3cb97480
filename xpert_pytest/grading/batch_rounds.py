"""The batch phase of a batch run: collect what finished, plan what is next, submit it, and wait.

It runs in one process before any test (the only one, or the xdist controller): each round
reads every finished batch into the run's store, runs a planning pass of the grading pipeline
over the selected tasks (see `xpert_pytest.calls.batching`), and submits the requests that pass
found with no answer. Answers come first; once they are in, the next round's pass reaches the
judge requests, and after those the repair prompts for missing verdicts. Without waiting, the
phase ends after one round and the run is pending; with waiting, it polls with backoff, a
progress line whenever a batch moves, until nothing is left to wait for (or the run deadline).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from xpert_pytest.calls.batch_state import TERMINAL, BatchRecord
from xpert_pytest.calls.batching import BatchClient, BatchLink, BatchMismatch, Deferred, Planned, chunks
from xpert_pytest.data.schema import Task
from xpert_pytest.grading.engine import Candidate, run_task
from xpert_pytest.grading.judge import Judge
from xpert_pytest.numbers.results import BatchInfo, BatchReport
from xpert_pytest.views.terminal import counted

BACKOFF = 1.5
MAX_POLL = 600.0  # never more than ten minutes between two looks at a batch
Clients = dict[tuple[str, str], BatchClient]  # by (role, model)


@dataclass
class Rounds:
    """How the phase runs: the batch size, whether and how it waits."""

    max_lines: int
    wait: bool
    poll: float
    say: Callable[[str], None]  # a status line for the user
    stop_at: float | None = None


@dataclass
class Phase:
    submitted: list[BatchRecord] = field(default_factory=list)
    collected: list[BatchRecord] = field(default_factory=list)
    waiting: set[str] = field(default_factory=set)
    deadline: bool = False


def info(record: BatchRecord) -> BatchInfo:
    return BatchInfo(
        id=record.id, model=record.model, requests=len(record.requests), kinds=record.kinds, status=record.status,
        completed=record.completed, failed=record.failed, note=record.note,
    )


def _collected(record: BatchRecord) -> str:
    failed = f"; {record.failed:,} failed line(s), retried online" if record.failed else ""
    note = f"; {record.note}" if record.note else ""
    return f"collected batch {record.id} ({record.model}, {counted([record.kinds])}{failed}){note}"


async def plan(
    link: BatchLink, tasks: list[Task], candidate: Candidate, judge: Judge, pass_score: float, epochs: int
) -> tuple[dict[str, Planned], set[str]]:
    """One planning pass: (requests with no answer yet, requests waiting in live batches)."""

    async def one(task: Task, epoch: int) -> None:
        try:
            await run_task(task, candidate, judge, pass_score, epoch)
        except Deferred:
            pass

    link.begin_plan()
    try:
        await asyncio.gather(*(one(task, epoch) for task in tasks for epoch in range(epochs)))
    finally:
        planned, waiting = link.end_plan()
    return planned, waiting


def _client(clients: Clients, record: BatchRecord, link: BatchLink) -> BatchClient:
    client = clients.get((record.role, record.model))
    if client is None:
        calls = ", ".join(f"{model} ({role})" for role, model in clients)
        raise BatchMismatch(
            f"batch {record.id or record.input_file_id} recorded in {link.state_path} is for {record.model} "
            f"({record.role}), which this run does not call ({calls})"
        )
    return client


async def refresh(link: BatchLink, clients: Clients) -> list[BatchRecord]:
    """Look at every live batch, then read the finished ones into the store: every batch is
    checked to be this run's before anything is collected."""
    state = link.state
    if state is None:
        return []
    looked = [(record, await _client(clients, record, link).refresh(record)) for record in state.live()]
    link.save()
    finished = [(record, batch) for record, batch in looked if record.status in TERMINAL]
    for record, batch in finished:
        await _client(clients, record, link).collect(record, batch)
    return [record for record, _ in finished]


async def submit(clients: Clients, planned: dict[str, Planned], max_lines: int) -> list[BatchRecord]:
    """One batch per model (providers take one model per batch) and per input file's worth."""
    by_client: dict[tuple[str, str], list[Planned]] = {}
    for request in planned.values():
        by_client.setdefault((request.role, request.model), []).append(request)
    return [
        await clients[client].submit(chunk)
        for client, requests in by_client.items()
        for chunk in chunks(requests, max_lines)
    ]


def _progress(link: BatchLink, waiting: set[str]) -> str:
    state = link.state
    live = [b for b in state.live() if waiting & set(b.requests)] if state is not None else []
    parts = [f"{b.id} ({b.model}) {b.status} {b.completed + b.failed:,}/{len(b.requests):,}" for b in live]
    return "waiting for " + "; ".join(parts)


async def _wait(link: BatchLink, clients: Clients, waiting: set[str], rounds: Rounds) -> list[BatchRecord] | None:
    """Poll until a batch holding one of `waiting` finishes (its records collected) or the run
    deadline comes (None)."""
    delay = rounds.poll
    shown = ""
    while True:
        if rounds.stop_at is not None and time.time() >= rounds.stop_at:
            return None
        pause = delay if rounds.stop_at is None else max(0.0, min(delay, rounds.stop_at - time.time()))
        await asyncio.sleep(pause)
        delay = min(delay * BACKOFF, max(rounds.poll, MAX_POLL))
        finished = await refresh(link, clients)
        if any(waiting & set(record.requests) for record in finished):
            return finished
        line = _progress(link, waiting)
        if line != shown:
            rounds.say(line)
            shown = line


async def run_phase(
    link: BatchLink,
    clients: Clients,
    tasks: list[Task],
    candidate: Candidate,
    judge: Judge,
    pass_score: float,
    epochs: int,
    rounds: Rounds,
) -> Phase:
    phase = Phase()
    phase.collected += await refresh(link, clients)
    for record in phase.collected:
        rounds.say(_collected(record))
    while True:
        planned, waiting = await plan(link, tasks, candidate, judge, pass_score, epochs)
        if planned:
            new = await submit(clients, planned, rounds.max_lines)
            phase.submitted += new
            for record in new:
                rounds.say(f"submitted batch {record.id} to {record.model} ({counted([record.kinds])})")
            waiting |= planned.keys()
        phase.waiting = waiting
        if not waiting or not rounds.wait:
            return phase
        finished = await _wait(link, clients, waiting, rounds)
        if finished is None:
            phase.deadline = True
            return phase
        phase.collected += finished
        for record in finished:
            rounds.say(_collected(record))


def report(link: BatchLink, phase: Phase) -> BatchReport:
    state = link.state
    live = state.live() if state is not None else []
    return BatchReport(
        state_file=str(link.state_path),
        submitted=[info(r) for r in phase.submitted],
        collected=[info(r) for r in phase.collected],
        live=[info(r) for r in live],
        waiting_requests=len(phase.waiting),
        deadline=phase.deadline,
    )
