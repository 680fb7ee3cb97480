"""The batch phase in one process against the loopback: answers, then judge requests, then judge
repairs go out as batches, and the grading that follows gives the scores an online run gives."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import factory
from xpert_pytest.calls.batching import BatchClient, BatchLink
from xpert_pytest.calls.gateway import ModelClient
from xpert_pytest.data.dataset import Benchmark, load_benchmark
from xpert_pytest.grading.batch_rounds import Rounds, report, run_phase
from xpert_pytest.grading.engine import ModelCandidate, run_task
from xpert_pytest.grading.judge import ShotJudge
from xpert_pytest.numbers.results import TaskResult
from xpert_pytest.testing.loopback import LoopbackServer


@pytest.fixture
def bench(tmp_path: Path) -> Benchmark:
    return load_benchmark(str(factory.write_dataset(tmp_path / "data")))


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(batch_polls=2) as server:
        yield server


def forgetful_judge(body: dict[str, Any]) -> str:
    """A judge that leaves out its last verdict on first asking, and answers the repair prompt."""
    reply = LoopbackServer.default_response(body)
    if "judge" in body["model"] and not any(m["role"] == "assistant" for m in body["messages"]):
        verdicts = json.loads(reply)
        return json.dumps({"verdicts": verdicts["verdicts"][:-1]})
    return reply


def _params(server: LoopbackServer) -> dict[str, Any]:
    return {"api_base": server.api_base, "api_key": "sk-loopback", "max_retries": 1, "timeout": 5}


async def _grade(bench: Benchmark, model: ModelClient, judge: ModelClient) -> dict[str, TaskResult]:
    candidate, shot_judge = ModelCandidate(model), ShotJudge(judge, bench)
    results = await asyncio.gather(*(run_task(task, candidate, shot_judge, 0.5) for task in bench.tasks))
    return {r.task_id: r for r in results}


def _batch_clients(server: LoopbackServer, link: BatchLink) -> tuple[BatchClient, BatchClient]:
    model = BatchClient("openai/stub-model", _params(server), None, link=link, role="model")
    judge = BatchClient("openai/stub-judge", _params(server), None, link=link, role="judge", output="json-schema")
    return model, judge


def test_answers_judge_requests_and_repairs_go_out_in_turn_and_score_as_online(
    bench: Benchmark, server: LoopbackServer, tmp_path: Path
) -> None:
    server.respond = forgetful_judge
    online = asyncio.run(_grade(
        bench, ModelClient("openai/stub-model", _params(server), None),
        ModelClient("openai/stub-judge", _params(server), None, output="json-schema"),
    ))
    assert all(len(r.judge_raw) == 2 for r in online.values())  # every task needed a repair online too
    online_requests = server.stats.requests
    link = BatchLink(tmp_path / "run", None, "run-a", {}, "inv-1", owner=True)
    model, judge = _batch_clients(server, link)
    said: list[str] = []
    rounds = Rounds(max_lines=2, wait=True, poll=0.001, say=said.append)

    async def batch_run() -> tuple[Any, dict[str, TaskResult]]:
        phase = await run_phase(
            link, {(c.role, c.model): c for c in (model, judge)}, bench.tasks, ModelCandidate(model), ShotJudge(judge, bench), 0.5, 1, rounds
        )
        return phase, await _grade(bench, model, judge)

    phase, batched = asyncio.run(batch_run())
    assert server.stats.requests == online_requests  # not one online call
    assert [(r.model, r.kinds) for r in phase.submitted] == [
        ("openai/stub-model", {"answer": 2}), ("openai/stub-model", {"answer": 1}),  # at most two lines a batch
        ("openai/stub-judge", {"judge request": 2}), ("openai/stub-judge", {"judge request": 1}),
        ("openai/stub-judge", {"judge repair": 2}), ("openai/stub-judge", {"judge repair": 1}),
    ]
    for task_id, result in online.items():
        assert batched[task_id].score == result.score
        assert batched[task_id].verdicts == result.verdicts
        assert batched[task_id].judge_raw == result.judge_raw
        assert all(c.batch for c in batched[task_id].calls)
    assert any(line.startswith("waiting for batch-") and "in_progress" in line for line in said)
    assert report(link, phase).live == [] and report(link, phase).waiting_requests == 0


def test_without_waiting_the_phase_submits_once_and_a_rerun_adds_nothing_while_the_batch_runs(
    bench: Benchmark, server: LoopbackServer, tmp_path: Path
) -> None:
    server.batch_polls = 5
    link = BatchLink(tmp_path / "run", None, "run-a", {}, "inv-1", owner=True)
    model, judge = _batch_clients(server, link)
    clients = {(c.role, c.model): c for c in (model, judge)}
    rounds = Rounds(max_lines=100, wait=False, poll=0.001, say=lambda line: None)

    async def phase() -> Any:
        return await run_phase(link, clients, bench.tasks, ModelCandidate(model), ShotJudge(judge, bench), 0.5, 1, rounds)

    first = asyncio.run(phase())
    again = asyncio.run(phase())
    assert [r.kinds for r in first.submitted] == [{"answer": 3}] and again.submitted == []
    assert first.waiting == again.waiting and len(again.waiting) == 3
    assert len(server.batches) == 1
    pending = asyncio.run(_grade(bench, model, judge))
    assert {r.status for r in pending.values()} == {"pending"}
    assert all("is in batch batch-" in (r.error or "") for r in pending.values())
