"""A run's numbers and verdict from its task results alone.

The end of a run and `xpert merge` of a sharded run's parts both come here, so a merged run
is summed up, gated and given its exit status exactly as one unsharded run would be.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xpert_pytest.data.rules import DEFAULT, Scoring
from xpert_pytest.data.taxonomy import Taxonomy
from xpert_pytest.numbers.aggregate import summarize
from xpert_pytest.numbers.analysis import statistics
from xpert_pytest.numbers.gates import Decision, baseline_gate, decide, evaluate_gates, gate_names
from xpert_pytest.numbers.results import Statistics, Summary, TaskResult


@dataclass(frozen=True)
class Verdict:
    summary: Summary
    statistics: Statistics
    decision: Decision


@dataclass(frozen=True)
class GateSettings:
    fail_under: float | None
    fail_under_domain: dict[str, float]
    baseline: list[TaskResult] | None  # the baseline run's task results, when one is set
    max_drop: float
    resamples: int


def conclude(
    results: Iterable[TaskResult],
    gates: GateSettings,
    *,
    judges: int,
    pytest_status: int,
    incomplete: str | None = None,
    pending: str | None = None,
    lost_calls: int = 0,
    shard: bool = False,
    taxonomy: Taxonomy | None = None,
    scoring: Scoring = DEFAULT,
) -> Verdict:
    """`shard`: these results are one shard's part, whose gates the merge of all shards decides;
    `taxonomy` and `scoring` are the dataset's; `pending`: batch mode's tasks still at the provider."""
    tasks = sorted(results, key=lambda r: r.task_id)
    summary = summarize(tasks, judges=judges, lost_calls=lost_calls, scoring=scoring)
    stats = statistics(tasks, resamples=gates.resamples, taxonomy=taxonomy, scoring=scoring)
    if shard:
        names = gate_names(gates.fail_under, gates.fail_under_domain, gates.baseline is not None)
        return Verdict(summary, stats, decide(summary, [], pytest_status, incomplete, deferred=names, pending=pending))
    outcomes = evaluate_gates(summary, gates.fail_under, gates.fail_under_domain)
    if gates.baseline is not None:
        outcomes.append(baseline_gate(tasks, gates.baseline, gates.max_drop, resamples=gates.resamples))
    return Verdict(summary, stats, decide(summary, outcomes, pytest_status, incomplete, pending=pending))
