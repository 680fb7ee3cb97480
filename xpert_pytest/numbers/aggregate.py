"""Means over task results, computed once on the controller for the summary, JSON and gates.

Under the `healthbench` rule a mean is clipped to [0, 1], as the published evaluation clips
its means over examples; under the `prbench` rule each group also gets the mean of the tasks'
normalized scores, recomputed from their verdicts (`data.rules`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from statistics import fmean

from xpert_pytest.data.rules import DEFAULT, Scoring, clip, clips_means, normalized, reports_normalized
from xpert_pytest.data.taxonomy import category_key
from xpert_pytest.numbers.results import Aggregate, CallRecord, Summary, TaskResult


def aggregate(results: Iterable[TaskResult], scoring: Scoring = DEFAULT) -> Aggregate:
    results = list(results)
    scored = [r for r in results if r.status == "scored" and r.score is not None]
    scores = [r.score for r in scored if r.score is not None]
    mean = fmean(scores) if scores else None
    return Aggregate(
        tasks=len(results),
        scored=len(scores),
        errors=sum(r.status == "error" for r in results),
        passed=sum(bool(r.passed) for r in results),
        mean=clip(mean) if mean is not None and clips_means(scoring) else mean,
        normalized=_normalized_mean(scored) if reports_normalized(scoring) else None,
    )


def _normalized_mean(scored: list[TaskResult]) -> float | None:
    values = [normalized((v.weight, v.earned) for v in r.verdicts) for r in scored]
    present = [v for v in values if v is not None]
    return fmean(present) if present else None


def _grouped(results: list[TaskResult], key: Callable[[TaskResult], str], scoring: Scoring) -> dict[str, Aggregate]:
    groups: dict[str, list[TaskResult]] = {}
    for result in results:
        groups.setdefault(key(result), []).append(result)
    return {name: aggregate(group, scoring) for name, group in sorted(groups.items())}


def _total(costs: list[float | None]) -> float | None:
    """The sum, or None when there is nothing to add up or a part of it is unknown."""
    return None if not costs or any(c is None for c in costs) else sum(c for c in costs if c is not None)


def _cost(results: list[TaskResult], role: str) -> float | None:
    return _total([r.cost(role) for r in results])


def prompt_cache(calls: Iterable[CallRecord]) -> tuple[int, int, float | None]:
    """(input tokens, of them read from the provider's prompt cache, their share) over the calls
    actually made: a hit in our answer cache is no call, and its provider saw nothing. The share
    is None when none of those calls reported cached tokens (not every provider says)."""
    made = [c for c in calls if not c.cached and not c.replayed and c.prompt_tokens is not None]
    tokens = sum(c.prompt_tokens or 0 for c in made)
    cached = sum(c.cached_tokens or 0 for c in made)
    reported = any(c.cached_tokens is not None for c in made)
    return tokens, cached, cached / tokens if reported and tokens else None


def summarize(results: Iterable[TaskResult], judges: int = 1, lost_calls: int = 0, scoring: Scoring = DEFAULT) -> Summary:
    results = sorted(results, key=lambda r: r.task_id)
    calls = [c for r in results for c in r.calls]
    batched = [c for c in calls if c.batch and not c.cached]
    scored = [r for r in results if r.status == "scored"]
    checkpoints = sum(len(r.verdicts) for r in scored)
    judge_input, judge_cached, judge_share = prompt_cache(c for c in calls if c.role == "judge")
    return Summary(
        overall=aggregate(results, scoring),
        by_domain=_grouped(results, lambda r: r.domain, scoring),
        by_category=_grouped(results, lambda r: category_key(r.domain, r.category), scoring),
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
        judge_input_tokens=judge_input,
        judge_cached_tokens=judge_cached,
        judge_cached_share=judge_share,
        batch_calls=len(batched),
        batch_cost_usd=_total([c.cost_usd for c in batched]),
        batch_online_cost_usd=_total([c.online_cost_usd for c in batched]),
    )
