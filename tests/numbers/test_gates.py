from __future__ import annotations

import pytest

from xpert_pytest.numbers.aggregate import summarize
from xpert_pytest.numbers.gates import GATE_FAILED, INCOMPLETE, PENDING, baseline_gate, evaluate_gates, gate_names
from xpert_pytest.numbers.gates import decide as _decide
from xpert_pytest.numbers.results import TaskResult


def decide(summary, fail_under, domains, status):
    return _decide(summary, evaluate_gates(summary, fail_under, domains), status)


def _summary(*scores: tuple[str, float | None]):
    return summarize(
        _task(f"t{i}", domain, s) for i, (domain, s) in enumerate(scores)
    )


def _task(task_id: str, domain: str, s: float | None) -> TaskResult:
    return TaskResult(task_id=task_id, domain=domain, category="c", title="t", language="en",
                      status="error" if s is None else "scored", score=s, passed=None if s is None else s >= 0.5)


def test_no_gate_keeps_pytests_status() -> None:
    summary = _summary(("law", 0.4), ("law", 0.9))
    assert decide(summary, None, {}, 1).exit_status == 1
    assert decide(summary, None, {}, 0).lines == []


def test_overall_gate_fails_with_the_margin() -> None:
    decision = decide(_summary(("law", 0.5), ("finance", 0.6)), 0.6, {}, 0)
    assert decision.exit_status == GATE_FAILED
    assert decision.lines == ["gate FAILED overall: 55.00% is 5.00 pp below the threshold 60.00%"]


def test_met_gates_decide_over_task_failures() -> None:
    decision = decide(_summary(("law", 0.4), ("finance", 0.9)), 0.6, {"finance": 0.8}, 1)
    assert decision.exit_status == 0
    assert [g.passed for g in decision.gates] == [True, True]


def test_domain_gate_without_scored_tasks_fails() -> None:
    decision = decide(_summary(("law", 0.9)), None, {"finance": 0.5}, 0)
    assert decision.exit_status == GATE_FAILED
    assert decision.lines == ["GATE FAILED domain finance: no scored task (threshold 50.00%)"]


def test_errors_fail_the_run_even_when_gates_pass() -> None:
    decision = decide(_summary(("law", 0.9), ("law", None)), 0.5, {}, 1)
    assert decision.exit_status == 1
    assert decision.lines[-1] == "1 task(s) could not be scored (errors)"


def test_an_interrupted_run_is_not_judged() -> None:
    decision = decide(_summary(("law", 0.1)), 0.5, {}, 2)
    assert decision.exit_status == 2
    assert decision.lines == ["the run did not complete: the gates were not applied"]
    assert decision.gates == []


def test_an_incomplete_run_has_no_gate_outcome_met_or_failed() -> None:
    for fail_under in (0.05, 0.5):  # a partial score that meets the gate, and one that fails it
        decision = _decide(_summary(("law", 0.1)), evaluate_gates(_summary(("law", 0.1)), fail_under, {}), 1, "2 of 12 tasks not graded")
        assert decision.exit_status == INCOMPLETE
        assert decision.gates == []
        assert decision.lines == ["RUN INCOMPLETE: 2 of 12 tasks not graded; the gates were not applied"]


def test_a_pending_batch_run_has_no_gate_outcome_and_says_to_run_again() -> None:
    summary = _summary(("law", 0.9))
    decision = _decide(summary, evaluate_gates(summary, 0.5, {}), 1, "1 of 2 tasks not graded", "1 task(s) wait; run the same command again")
    assert (decision.exit_status, decision.gates) == (PENDING, [])
    assert decision.lines == ["BATCH PENDING: 1 task(s) wait; run the same command again; the gates were not applied"]
    assert _decide(summary, [], 2, None, "1 task(s) wait").exit_status == 2  # an interrupted run stays interrupted


def test_baseline_gate_fails_only_on_a_confident_drop() -> None:
    base = [_task(f"t{i}", "law", 0.6 + (i % 5) * 0.05) for i in range(40)]
    small_drop = [_task(t.task_id, "law", (t.score or 0) - 0.01 + (0.03 if i % 2 else -0.03)) for i, t in enumerate(base)]
    met = baseline_gate(small_drop, base, max_drop=0.02)
    assert met.passed
    assert met.actual == pytest.approx(-0.01)
    assert met.message.startswith("gate met baseline: change -1.00 pp (95% CI ")
    big_drop = [_task(t.task_id, "law", (t.score or 0) - 0.08) for t in base]
    failed = baseline_gate(big_drop, base, max_drop=0.02)
    assert not failed.passed
    assert failed.message == (
        "gate FAILED baseline: change -8.00 pp (95% CI -8.00 to -8.00 pp) on 40 shared task(s); "
        "allowed drop 2.00 pp: the drop exceeds it with 95% confidence"
    )
    assert _decide(_summary(("law", 0.5)), [failed], 0).exit_status == GATE_FAILED


def test_baseline_gate_uses_only_shared_scored_tasks() -> None:
    base = [_task("a", "law", 0.5), _task("b", "law", None)]
    assert not baseline_gate([_task("c", "law", 0.9)], base, 0.02).passed
    assert baseline_gate([_task("a", "law", 0.5), _task("b", "law", 0.1)], base, 0.02).message.endswith(
        "on 1 shared task(s); allowed drop 2.00 pp"
    )


def test_a_shard_leaves_its_gates_to_the_merge() -> None:
    """A shard's part says nothing about the model: it decides as a run whose gates are met would."""
    names = gate_names(0.9, {"law": 0.95}, baseline=True)
    assert names == ["overall", "domain law", "baseline"]
    under = _summary(("law", 0.1), ("law", 0.2))  # would fail every gate, and both tasks fail the pass score
    decision = _decide(under, [], 1, deferred=names)
    assert decision.exit_status == 0
    assert decision.gates == []
    assert decision.lines == ["gates overall, domain law, baseline: applied by `xpert merge` over all shards, not to this shard's part"]
    errors = _decide(_summary(("law", 0.9), ("law", None)), [], 1, deferred=names)
    assert (errors.exit_status, errors.lines[-1]) == (1, "1 task(s) could not be scored (errors)")
    assert _decide(under, [], 1, "2 of 4 tasks not graded", deferred=names).exit_status == INCOMPLETE
    assert _decide(under, [], 1, deferred=[]).exit_status == 1  # no gate set: the tasks decide, as in a run
