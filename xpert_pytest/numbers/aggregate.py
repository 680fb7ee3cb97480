"""Means over task results, computed once on the controller for the summary, JSON and gates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from statistics import fmean

from xpert_pytest.numbers.results import Aggregate, Summary, TaskResult
from xpert_pytest.data.taxonomy import category_key


def aggregate(results: Iterable[TaskResult]) -> Aggregate:
    results = list(results)
    scores = [r.score for r in results if r.status == "scored" and r.score is not None]
    return Aggregate(
        tasks=len(results),
        scored=len(scores),
        errors=sum(r.status == "error" for r in results),
        passed=sum(bool(r.passed) for r in results),
        mean=fmean(scores) if scores else None,
    )


def _grouped(results: list[TaskResult], key: Callable[[TaskResult], str]) -> dict[str, Aggregate]:
    groups: dict[str, list[TaskResult]] = {}
    for result in results:
        groups.setdefault(key(result), []).append(result)
    return {name: aggregate(group) for name, group in sorted(groups.items())}


def _total(costs: list[float | None]) -> float | None:
    """The sum, or None when there is nothing to add up or a part of it is unknown."""
    return None if not costs or any(c is None for c in costs) else sum(c for c in costs if c is not None)


def _cost(results: list[TaskResult], role: str) -> float | None:
    return _total([r.cost(role) for r in results])


def summarize(results: Iterable[TaskResult], judges: int = 1, lost_calls: int = 0) -> Summary:
    results = sorted(results, key=lambda r: r.task_id)
    calls = [c for r in results for c in r.calls]
    batched = [c for c in calls if c.batch and not c.cached]
    scored = [r for r in results if r.status == "scored"]
    checkpoints = sum(len(r.verdicts) for r in scored)
    return Summary(
        overall=aggregate(results),
        by_domain=_grouped(results, lambda r: r.domain),
        by_category=_grouped(results, lambda r: category_key(r.domain, r.category)),
        model_tokens=sum(r.tokens("model") for r in results),
        judge_tokens=sum(r.tokens("judge") for r in results),
        model_cost_usd=_cost(results, "model"),
        judge_cost_usd=_cost(results, "judge"),
        cached_calls=sum(c.cached for c in calls),
        calls=sum(not c.cached and not c.replayed for c in calls),
        answers=sum(c.role == "model" and not c.replayed for c in calls),
        cached_answers=sum(c.role == "model" and c.cached for c in calls),
        judge_disagreement_rate=(
            sum(r.judge_disagreements for r in scored) / checkpoints if judges > 1 and checkpoints else None
        ),
        refusals=sum(r.refusal for r in results),
        truncated=sum(r.truncated for r in results),
        lost_calls=lost_calls,
        batch_calls=len(batched),
        batch_cost_usd=_total([c.cost_usd for c in batched]),
        batch_online_cost_usd=_total([c.online_cost_usd for c in batched]),
    )
