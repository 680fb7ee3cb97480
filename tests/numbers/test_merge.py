"""Merging shard runs, on results built in memory: the checks and the numbers, without pytest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xpert_pytest.data.shards import ShardSpec, selection_of, share
from xpert_pytest.numbers.gates import GATE_FAILED, INCOMPLETE
from xpert_pytest.numbers.merge import MergeError, Part, check, merge, recorded
from xpert_pytest.numbers.results import CheckpointResult, RunResult, RunSettings, Shard, TaskResult
from xpert_pytest.numbers.verdict import GateSettings, conclude

DOMAINS = ("finance", "law", "healthcare")
NO_GATES = GateSettings(None, {}, None, 0.02, 500)
START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def _task(n: int) -> TaskResult:
    """Task n of 12, four per domain, scoring between 30 % and 83 %: some pass, some fail."""
    met = [(i * 7 + n) % 10 < 3 + n % 7 for i in range(10)]
    verdicts = [
        CheckpointResult(
            checkpoint_id=f"c{i:02d}", text=f"requirement {i}", met=m, rationale="r", weight=1 + (i * n) % 5,
            importance="important", dimension="Accuracy & Factual Correctness" if i % 2 else "Linguistic Quality",
        )
        for i, m in enumerate(met)
    ]
    score = sum(v.weight for v in verdicts if v.met) / sum(v.weight for v in verdicts)
    domain = DOMAINS[n % 3]
    return TaskResult(
        task_id=f"{domain[:3]}-t-{n:04d}", domain=domain, category="c", title=f"task {n}", language="en",
        status="scored", score=score, passed=score >= 0.5, verdicts=verdicts,
    )


TASKS = [_task(n) for n in range(12)]
WHOLE = selection_of(t.task_id for t in TASKS)


def _settings(**overrides: Any) -> RunSettings:
    values: dict[str, Any] = {
        "model": "openai/m", "judge": "openai/j", "judges": ["openai/j"], "dataset": "benchmark", "pass_score": 0.5,
        "fail_under": None, "fail_under_domain": {}, "replay": False, "shots": 0, "concurrency": 16, "max_drop": 0.02,
    }
    return RunSettings(**(values | overrides))


def _shard(k: int, n: int, tasks: list[TaskResult] = TASKS, *, graded: int | None = None, incomplete: str | None = None,
           exit_status: int | None = None, **settings: Any) -> RunResult:
    """Shard k of n as a run records it; `graded` keeps only the first tasks of its share, as a stopped run does."""
    mine = sorted(share(((t.domain, t.category, t.task_id) for t in tasks), ShardSpec(k, n)))
    results = [t for t in tasks if t.task_id in mine][:graded]
    whole = selection_of(t.task_id for t in tasks)
    verdict = conclude(results, NO_GATES, judges=1, pytest_status=1, incomplete=incomplete, shard=True)
    return RunResult(
        package_version="0.1.0", started=START + dt.timedelta(minutes=k), finished=START + dt.timedelta(minutes=10 + k),
        settings=_settings(**settings), dataset_name="b", dataset_fingerprint="fp1", incomplete=incomplete,
        shard=Shard(index=k, count=n, selection=whole.digest, selected=whole.count, tasks=mine),
        tasks=results, summary=verdict.summary, statistics=verdict.statistics, gates=[], verdict=verdict.decision.lines,
        exit_status=verdict.decision.exit_status if exit_status is None else exit_status,
    )


def _parts(*runs: RunResult) -> list[Part]:
    return [Part(f"run{i + 1}", run) for i, run in enumerate(runs)]


def test_a_merge_has_the_numbers_of_one_unsharded_run() -> None:
    parts = _parts(_shard(3, 3), _shard(1, 3), _shard(2, 3))
    whole = conclude(TASKS, NO_GATES, judges=1, pytest_status=1)
    run = merge(parts, NO_GATES)
    assert [t.task_id for t in run.tasks] == sorted(t.task_id for t in TASKS)
    assert run.summary == whole.summary
    assert run.statistics == whole.statistics
    assert run.summary.by_domain.keys() == set(DOMAINS)
    assert (run.exit_status, run.verdict) == (whole.decision.exit_status, whole.decision.lines) == (1, [])  # tasks failed
    assert run.merged_from == ["run2", "run3", "run1"]  # shard order
    assert (run.started, run.finished) == (START + dt.timedelta(minutes=1), START + dt.timedelta(minutes=13))
    assert run.shard is None


def test_a_merge_applies_the_gates_over_all_shards() -> None:
    parts = _parts(_shard(1, 2), _shard(2, 2))
    mean = conclude(TASKS, NO_GATES, judges=1, pytest_status=1).summary.overall.mean
    assert mean is not None
    failed = merge(parts, GateSettings(mean + 0.01, {}, None, 0.02, 500))
    assert failed.exit_status == GATE_FAILED
    assert failed.verdict[0].startswith(f"gate FAILED overall: {mean:.2%} is 1.00 pp below")
    assert failed.settings.fail_under == pytest.approx(mean + 0.01)
    met = merge(parts, GateSettings(mean - 0.01, {"law": 0.1}, None, 0.02, 500))
    assert met.exit_status == 0  # tasks under the pass score do not fail a gated run
    assert [g.name for g in met.gates] == ["overall", "domain law"]
    baseline = [t.model_copy(update={"score": 1.0}) for t in TASKS]
    dropped = merge(parts, GateSettings(None, {}, baseline, 0.02, 500), baseline="base/results.json")
    assert dropped.exit_status == GATE_FAILED and dropped.gates[0].name == "baseline"
    assert dropped.settings.baseline == "base/results.json"


def test_an_incomplete_shard_makes_the_merge_incomplete() -> None:
    stopped = _shard(2, 3, graded=2, incomplete="pytest stopped early (exit on first failure): 2 of 4 selected task(s) were not graded")
    run = merge(_parts(_shard(1, 3), stopped, _shard(3, 3)), GateSettings(0.1, {}, None, 0.02, 500))
    assert run.exit_status == INCOMPLETE
    assert run.gates == []
    assert run.incomplete == "shard 2/3 (run2): pytest stopped early (exit on first failure): 2 of 4 selected task(s) were not graded"
    assert run.verdict == [f"RUN INCOMPLETE: {run.incomplete}; the gates were not applied"]
    interrupted = merge(_parts(_shard(1, 2), _shard(2, 2, exit_status=2)), NO_GATES)
    assert interrupted.exit_status == INCOMPLETE
    assert interrupted.incomplete == "shard 2/2 (run2): pytest ended it with exit status 2 (interrupted)"


def test_a_shard_still_waiting_for_its_batches_or_missing_results_makes_the_merge_incomplete() -> None:
    waiting = _shard(2, 2, graded=1).model_copy(update={"pending": "3 task(s) wait for 3 request(s) in 1 batch(es)", "exit_status": 8})
    run = merge(_parts(_shard(1, 2), waiting), GateSettings(0.1, {}, None, 0.02, 500))
    assert (run.exit_status, run.gates) == (INCOMPLETE, [])
    assert run.incomplete is not None and "shard 2/2 (run2): its batch requests are still pending" in run.incomplete
    cut = _shard(2, 2, graded=1)  # results short of its share, with no reason recorded
    short = merge(_parts(_shard(1, 2), cut), GateSettings(0.1, {}, None, 0.02, 500))
    assert short.exit_status == INCOMPLETE
    assert short.incomplete == f"shard 2/2 (run2): {len(cut.shard.tasks) - 1} of its {len(cut.shard.tasks)} task(s) have no result"


def test_a_missing_or_doubled_shard_is_named() -> None:
    assert check(_parts(_shard(1, 4), _shard(2, 4))) == ["shard 3/4, 4/4 missing: a merge needs the runs of all 4 shards"]
    assert check(_parts(_shard(1, 2), _shard(2, 2), _shard(1, 2))) == [
        "shard 1/2 given 2 times (run1, run3): give each shard's run once"
    ]
    with pytest.raises(MergeError, match="shard 2/2 missing"):
        merge(_parts(_shard(1, 2)), NO_GATES)


@pytest.mark.parametrize(
    ("other", "message"),
    [
        (_shard(2, 2, judge="openai/other", judges=["openai/other"]), "runs differ in judge: openai/j (run1) vs openai/other (run2)"),
        (_shard(2, 2, model="openai/m2"), "runs differ in model: openai/m (run1) vs openai/m2 (run2)"),
        (_shard(2, 2, epochs=3), "runs differ in epochs: 1 (run1) vs 3 (run2)"),
        (_shard(2, 2, model_revision="ckpt-2"), "runs differ in model revision: None (run1) vs ckpt-2 (run2)"),
        (_shard(2, 3), "runs differ in number of shards: 2 (run1) vs 3 (run2)"),
        (_shard(2, 2, TASKS[:-1]), f"runs differ in task selection: 12 task(s), digest {WHOLE.digest} (run1) vs 11 task(s)"),
        (_shard(2, 2).model_copy(update={"dataset_fingerprint": "fp2"}), "runs differ in dataset and anchors fingerprint: fp1 (run1) vs fp2 (run2)"),
    ],
)
def test_runs_that_differ_are_refused_naming_what_differs(other: RunResult, message: str) -> None:
    problems = check(_parts(_shard(1, 2), other))
    assert len(problems) == 1 and problems[0].startswith(message)


def test_an_unsharded_run_is_not_a_part() -> None:
    whole = _shard(1, 1).model_copy(update={"shard": None})
    assert check(_parts(_shard(1, 2), whole)) == ["run2: not a shard run (it ran without --xpert-shard): nothing to merge"]


def test_shares_that_overlap_or_fall_short_are_refused() -> None:
    first, second = _shard(1, 2), _shard(2, 2)
    taken = first.model_copy(update={"shard": first.shard.model_copy(update={"tasks": [*first.shard.tasks, second.shard.tasks[0]]})})
    assert check(_parts(taken, second)) == [f"task {second.shard.tasks[0]} is in shard 1/2 (run1) and in shard 2/2 (run2)"]
    short = first.model_copy(update={"shard": first.shard.model_copy(update={"tasks": first.shard.tasks[1:]})})
    assert check(_parts(short, second)) == ["the shards' shares (11 task(s)) do not make up the selection they record (12 task(s))"]


def test_the_gates_the_shards_ran_with_are_the_merges_default() -> None:
    parts = _parts(_shard(1, 2, fail_under=0.6, fail_under_domain={"law": 0.5}), _shard(2, 2, fail_under=0.6, fail_under_domain={"law": 0.5}))
    assert recorded(parts, "fail_under") == 0.6
    assert recorded(parts, "fail_under_domain") == {"law": 0.5}
    assert recorded(parts, "bootstrap") == 500
    assert recorded(parts, "baseline") is None
    split = _parts(_shard(1, 2, fail_under=0.6), _shard(2, 2, fail_under=0.5))
    with pytest.raises(MergeError, match=r"runs differ in --xpert-fail-under: 0.6 \(run1\) vs 0.5 \(run2\): give --fail-under to xpert merge"):
        recorded(split, "fail_under")
