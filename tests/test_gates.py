from __future__ import annotations

from xpert_pytest.aggregate import summarize
from xpert_pytest.gates import GATE_FAILED, decide
from xpert_pytest.results import TaskResult


def _summary(*scores: tuple[str, float | None]):
    return summarize(
        TaskResult(task_id=f"t{i}", domain=domain, category="c", title="t", language="en",
                   status="error" if s is None else "scored", score=s, passed=None if s is None else s >= 0.5)
        for i, (domain, s) in enumerate(scores)
    )


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
    assert decision.lines[-1] == "the run did not complete: the gates were not applied"
