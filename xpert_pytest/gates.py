"""Release gates and the run's exit status: one computation feeds the printed verdict and the exit code.

Exit statuses (documented in the README):
  0  every selected task was scored and, with gates set, every gate is met
     (without gates: every task also reached the pass score)
  1  pytest's "tests failed": a task could not be scored (provider or judge error), or,
     without gates, a task scored under the pass score
  6  a score gate failed (--xpert-fail-under / --xpert-fail-under-domain)
  7  the run is incomplete: the cost budget (--xpert-max-cost) stopped it before every task was graded
"""

from __future__ import annotations

from dataclasses import dataclass

from xpert_pytest.results import Aggregate, GateOutcome, Summary

GATE_FAILED = 6
INCOMPLETE = 7


@dataclass(frozen=True)
class Decision:
    exit_status: int
    gates: list[GateOutcome]
    lines: list[str]


def _gate(name: str, threshold: float, group: Aggregate | None) -> GateOutcome:
    actual = group.mean if group else None
    if actual is None:
        return GateOutcome(
            name=name, threshold=threshold, actual=None, passed=False,
            message=f"GATE FAILED {name}: no scored task (threshold {threshold:.2%})",
        )
    passed = actual >= threshold
    word = "met" if passed else "FAILED"
    relation = "above" if passed else "below"
    return GateOutcome(
        name=name, threshold=threshold, actual=actual, passed=passed,
        message=f"gate {word} {name}: {actual:.2%} is {abs(actual - threshold) * 100:.2f} pp "
        f"{relation} the threshold {threshold:.2%}",
    )


def evaluate_gates(summary: Summary, fail_under: float | None, fail_under_domain: dict[str, float]) -> list[GateOutcome]:
    gates = []
    if fail_under is not None:
        gates.append(_gate("overall", fail_under, summary.overall))
    for domain, threshold in sorted(fail_under_domain.items()):
        gates.append(_gate(f"domain {domain}", threshold, summary.by_domain.get(domain)))
    return gates


def decide(
    summary: Summary,
    fail_under: float | None,
    fail_under_domain: dict[str, float],
    pytest_status: int,
    incomplete: str | None = None,
) -> Decision:
    """With gates set, the gates decide; task-level failures under the pass score are reported only."""
    gates = evaluate_gates(summary, fail_under, fail_under_domain)
    lines = [g.message for g in gates]
    if incomplete:
        return Decision(INCOMPLETE, gates, lines + [f"RUN INCOMPLETE: {incomplete}; the gates were not applied"])
    if pytest_status not in (0, 1):
        note = ["the run did not complete: the gates were not applied"] if gates else []
        return Decision(pytest_status, gates, lines + note)
    if any(not g.passed for g in gates):
        return Decision(GATE_FAILED, gates, lines)
    if summary.overall.errors:
        return Decision(1, gates, lines + [f"{summary.overall.errors} task(s) could not be scored (errors)"])
    if gates:
        return Decision(0, gates, lines)
    return Decision(pytest_status, gates, lines)
