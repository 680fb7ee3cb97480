"""Release gates and the run's exit status: one computation feeds the printed verdict and the exit code.

Exit statuses (documented in the README):
  0  every selected task was scored and, with gates set, every gate is met
     (without gates: every task also reached the pass score)
  1  pytest's "tests failed": a task could not be scored (provider or judge error), or,
     without gates, a task scored under the pass score
  6  a score gate failed (--xpert-fail-under / --xpert-fail-under-domain), or the score dropped
     from the baseline by more than --xpert-max-drop with 95 % confidence (--xpert-baseline)
  7  the run is incomplete: a selected task was not graded, because the cost budget
     (--xpert-max-cost) or the run deadline (--xpert-run-deadline) stopped it, or pytest
     stopped early (-x, --maxfail); the gates are not applied to a partial run
  8  batch mode (--xpert-batch): requests wait in provider batches; running the same command
     again collects them and goes on; the gates are not applied until every task is graded

A shard (--xpert-shard K/N) is a partial run by design: it decides as if its gates were met
and leaves them to `xpert merge`, which decides them over all shards with this same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xpert_pytest.numbers.results import Aggregate, GateOutcome, Summary, TaskResult
from xpert_pytest.numbers.uncertainty import DEFAULT_RESAMPLES, DEFAULT_SEED, paired_diff_ci

NO_TESTS = 5  # pytest's own: no test was selected
GATE_FAILED = 6
INCOMPLETE = 7
PENDING = 8


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


def gate_names(fail_under: float | None, fail_under_domain: dict[str, float], baseline: bool) -> list[str]:
    """The gates a run has set, named as their outcomes are."""
    names = ["overall"] if fail_under is not None else []
    names += [f"domain {domain}" for domain in sorted(fail_under_domain)]
    return names + (["baseline"] if baseline else [])


def evaluate_gates(summary: Summary, fail_under: float | None, fail_under_domain: dict[str, float]) -> list[GateOutcome]:
    gates = []
    if fail_under is not None:
        gates.append(_gate("overall", fail_under, summary.overall))
    for domain, threshold in sorted(fail_under_domain.items()):
        gates.append(_gate(f"domain {domain}", threshold, summary.by_domain.get(domain)))
    return gates


def baseline_gate(
    current: list[TaskResult],
    baseline: list[TaskResult],
    max_drop: float,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> GateOutcome:
    """Fail only when the drop on shared tasks exceeds `max_drop` with 95 % confidence (paired bootstrap)."""
    now = {t.task_id: t.score for t in current if t.status == "scored" and t.score is not None}
    before = {t.task_id: t.score for t in baseline if t.status == "scored" and t.score is not None}
    shared = sorted(now.keys() & before.keys())
    diff = paired_diff_ci([now[k] for k in shared], [before[k] for k in shared], resamples, seed)
    if diff is None:
        return GateOutcome(
            name="baseline", threshold=-max_drop, actual=None, passed=False,
            message="GATE FAILED baseline: no task was scored in both this run and the baseline",
        )
    passed = diff.high >= -max_drop
    word = "met" if passed else "FAILED"
    return GateOutcome(
        name="baseline", threshold=-max_drop, actual=diff.value, passed=passed,
        message=f"gate {word} baseline: change {diff.value * 100:+.2f} pp (95% CI {diff.low * 100:+.2f} to "
        f"{diff.high * 100:+.2f} pp) on {len(shared)} shared task(s); allowed drop {max_drop * 100:.2f} pp"
        + ("" if passed else ": the drop exceeds it with 95% confidence"),
    )


def decide(
    summary: Summary,
    gates: list[GateOutcome],
    pytest_status: int,
    incomplete: str | None = None,
    pending: str | None = None,
    deferred: Sequence[str] = (),
) -> Decision:
    """With gates set, the gates decide; task-level failures under the pass score are reported only.

    A run that did not grade every selected task has no gate outcome at all: a partial score,
    met or failed, says nothing about the model, so none is printed or recorded. `deferred`
    names the gates of a shard, which the merge of all shards decides. A batch run whose tasks
    still wait for their batches is pending, which says what to do next."""
    if pytest_status not in (0, 1):
        note = ["the run did not complete: the gates were not applied"] if gates or deferred or incomplete or pending else []
        return Decision(pytest_status, [], note)
    if pending:
        return Decision(PENDING, [], [f"BATCH PENDING: {pending}; the gates were not applied"])
    if incomplete:
        return Decision(INCOMPLETE, [], [f"RUN INCOMPLETE: {incomplete}; the gates were not applied"])
    if deferred:
        lines = [f"gates {', '.join(deferred)}: applied by `xpert merge` over all shards, not to this shard's part"]
        if summary.overall.errors:
            return Decision(1, [], lines + [f"{summary.overall.errors} task(s) could not be scored (errors)"])
        return Decision(0, [], lines)
    lines = [g.message for g in gates]
    if gates and summary.cached_answers:
        lines.append(
            f"note: {summary.cached_answers} of {summary.answers} answers the gates judged came from the cache of an "
            "earlier run; if the model behind this name and endpoint changed, set --xpert-model-revision"
        )
    if any(not g.passed for g in gates):
        return Decision(GATE_FAILED, gates, lines)
    if summary.overall.errors:
        return Decision(1, gates, lines + [f"{summary.overall.errors} task(s) could not be scored (errors)"])
    if gates:
        return Decision(0, gates, lines)
    return Decision(pytest_status, gates, lines)
