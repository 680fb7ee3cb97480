"""Fault injection against the loopback server: every run ends with every task scored or reported
as an error with its cause, nothing lost, nothing counted twice, and scores equal to a fault-free
run wherever the retries succeeded."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from tests import factory
from tests.conftest import model_args, results_of, scores_of
from xpert_pytest.testing.loopback import Fault, LoopbackServer


def _many_tasks(count: int) -> list[dict]:
    domains = [("finance", "equity-research"), ("law", "due-diligence"), ("healthcare", "medical-research")]
    tasks = []
    for n in range(count):
        domain, category = domains[n % 3]
        weights = [10, 7, 2, 9, 5, 1, 8, 4, 3, 10, 6, 2, 9, 7, 1, 8][: 15 + n % 2]
        tasks.append(factory.task(f"t-{n:03d}", domain, category, weights, prompt=f"Task number {n}. " * (5 + n)))
    return tasks


@pytest.fixture
def twelve(pytester: pytest.Pytester) -> list[dict]:
    tasks = _many_tasks(12)
    factory.write_dataset(pytester.path, tasks)
    return tasks


def test_mixed_faults_with_xdist_end_with_fault_free_scores(
    pytester: pytest.Pytester, twelve: list[dict], loopback: LoopbackServer
) -> None:
    loopback.script(
        "stub-model",
        Fault(status=429, retry_after=0.3), Fault(status=500), Fault(hang=2.5), Fault(drop=True),
        Fault(status=429, retry_after=0.1), Fault(status=503),
    )
    # Two unusable judge replies at most: faults go to whichever call comes next, and a task may
    # be asked three times, so a third would make the outcome depend on the order of arrival.
    loopback.script(
        "stub-judge",
        Fault(content="The answer is excellent, all met."),
        Fault(status=429, retry_after=0.2),
        Fault(content='{"verdicts": [{"checkpoint_id": "c01", "met": true'),
    )
    args = [*model_args(loopback), "--xpert-model-arg", "timeout=1.5", "--xpert-model-arg", "max_retries=4",
            "--xpert-judge-arg", "max_retries=4", "-n", "2", "--xpert-no-cache"]
    result = pytester.runpytest_subprocess(*args)
    result.assert_outcomes(passed=12)
    assert scores_of(pytester.path) == pytest.approx({t["id"]: factory.loopback_score(t) for t in twelve})
    run = results_of(pytester.path)
    assert len(run["tasks"]) == 12 and run["summary"]["overall"]["errors"] == 0


def test_empty_and_huge_answers(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    factory.write_dataset(pytester.path)
    huge = "Points addressed: c01, c02. " + "Background detail. " * 60_000
    loopback.script("stub-model", Fault(content=""), Fault(content=huge))
    result = pytester.runpytest_subprocess(*model_args(loopback), "--xpert-concurrency=1", "--xpert-no-cache")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    tasks = {t["task_id"]: t for t in results_of(pytester.path)["tasks"]}
    assert tasks["fin-t-0001"]["error"] == "openai/stub-model returned an empty answer (no text and no refusal)"
    assert len(tasks["hc-t-0001"]["response"]) == len(huge)
    assert [v["met"] for v in tasks["hc-t-0001"]["verdicts"]][:3] == [True, True, False]


def test_budget_stops_new_calls_and_marks_the_run_incomplete(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    factory.write_dataset(pytester.path)
    args = [*model_args(loopback), "--xpert-concurrency=1", "--xpert-no-cache", "--xpert-max-cost=2.0",
            "--xpert-price", "openai/stub-model=1000,1000", "--xpert-price", "openai/stub-judge=1000,1000"]
    result = pytester.runpytest_subprocess(*args)
    assert result.ret == 7
    result.stdout.fnmatch_lines(["RUN INCOMPLETE: cost budget $2.00 reached: 2 task(s) not run or not graded*"])
    run = results_of(pytester.path)
    assert run["incomplete"] and run["exit_status"] == 7
    stopped = [t for t in run["tasks"] if t["stopped"]]
    assert [t["status"] for t in stopped] == ["error", "error"]
    spent = sum(c["cost_usd"] for t in run["tasks"] for c in t["calls"])
    assert 0 < spent <= 2.0
    assert run["summary"]["overall"]["scored"] == 1


def test_recorded_answers_are_graded_without_calling_a_model(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    factory.write_dataset(pytester.path)
    answers = pytester.path / "answers.jsonl"
    answers.write_text(
        json.dumps({"task_id": "law-t-0001", "response": "Points addressed: c01, c02, c03."}) + "\n"
        + json.dumps({"task_id": "fin-t-0001", "response": "Points addressed: c01."}) + "\n",
        encoding="utf-8",
    )
    args = [a for a in model_args(loopback, model="human-baseline") if not a.startswith("--xpert-model=")]
    result = pytester.runpytest_subprocess("--xpert-model=human-baseline", *args, f"--xpert-responses={answers}", "--xpert-no-cache")
    result.assert_outcomes(failed=2, errors=1)
    assert loopback.stats.by_model == {"stub-judge": 2}
    scores = scores_of(pytester.path)
    assert scores["law-t-0001"] == pytest.approx(27 / 135)
    assert scores["fin-t-0001"] == pytest.approx(10 / 105)
    result.stdout.fnmatch_lines(["*hc-t-0001: not scored: MissingAnswer: no recorded answer for task hc-t-0001*"])
    answers.write_text('{"task_id": "nope-0001", "response": "x"}\n{"task": 1}\n', encoding="utf-8")
    bad = pytester.runpytest_subprocess("--xpert-model=human-baseline", *args, f"--xpert-responses={answers}")
    assert bad.ret == 4
    assert "answers.jsonl:1: [nope-0001] field task_id: no task with this id in the dataset" in bad.stderr.str()


def _cached_calls(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT COUNT(*) FROM calls").fetchone()[0])


def _wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for the run to make progress"
        time.sleep(0.05)


def test_interrupted_controller_loses_nothing_and_the_rerun_makes_only_missing_calls(
    pytester: pytest.Pytester, twelve: list[dict]
) -> None:
    with LoopbackServer(latency=0.3) as server:
        args = [sys.executable, "-m", "pytest", *model_args(server), "--xpert-concurrency=2", "-p", "no:cacheprovider"]
        process = pytester.popen(args, stdout=sys.stdout, stderr=sys.stderr)
        _wait_for(lambda: server.stats.requests >= 8)
        process.send_signal(signal.SIGINT)
        assert process.wait(60) == 2  # pytest: interrupted
        done = results_of(pytester.path)
        assert done["exit_status"] == 2
        scored_first = {t["task_id"] for t in done["tasks"] if t["status"] == "scored"}
        assert 0 < len(scored_first) < 12
        stored = _cached_calls(pytester.path / ".xpert_cache" / "calls.sqlite")
        before = server.stats.requests
        rerun = pytester.runpytest_subprocess(*model_args(server))
        rerun.assert_outcomes(passed=12)
        assert server.stats.requests - before == 24 - stored
        assert scores_of(pytester.path) == pytest.approx({t["id"]: factory.loopback_score(t) for t in twelve})


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def test_a_killed_worker_loses_nothing_and_counts_nothing_twice(pytester: pytest.Pytester, twelve: list[dict]) -> None:
    with LoopbackServer(latency=0.3) as server:
        args = [sys.executable, "-m", "pytest", *model_args(server), "-n", "2", "--xpert-concurrency=2", "-p", "no:cacheprovider"]
        process = pytester.popen(args, stdout=sys.stdout, stderr=sys.stderr)
        _wait_for(lambda: server.stats.requests >= 6 and len(_children(process.pid)) >= 2)
        os.kill(_children(process.pid)[0], signal.SIGKILL)
        assert process.wait(120) == 1
        run = results_of(pytester.path)
        ids = [t["task_id"] for t in run["tasks"]]
        assert sorted(ids) == sorted(t["id"] for t in twelve)  # every task accounted for, once
        errors = [t for t in run["tasks"] if t["status"] == "error"]
        assert errors and all("crashed" in t["error"] for t in errors)
        expected = {t["id"]: factory.loopback_score(t) for t in twelve}
        for task in run["tasks"]:
            if task["status"] == "scored":
                assert task["score"] == pytest.approx(expected[task["task_id"]])
