"""Scores with confidence intervals, by domain, category, checkpoint dimension and skill group.

A dimension's score pools its checkpoints over tasks: the met positive weight of the
dimension's checkpoints divided by their total positive weight. Its interval resamples the run's
tasks whole, including those with no checkpoint of that dimension (they add nothing to either
sum), so that the overall score, every dimension and every skill group share one set of draws.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from statistics import fmean, pstdev

from xpert_pytest.numbers.results import Epochs, Interval, Statistics, TaskResult
from xpert_pytest.data.taxonomy import DIMENSIONS, SKILL_GROUPS, category_key
from xpert_pytest.numbers.uncertainty import DEFAULT_RESAMPLES, DEFAULT_SEED, as_interval, mean_ci, ratio_ci


def _by(tasks: list[TaskResult], key: Callable[[TaskResult], str], resamples: int, seed: int) -> dict[str, Interval]:
    groups: dict[str, list[float]] = {}
    for task in tasks:
        groups.setdefault(key(task), []).append(task.score or 0.0)
    out = {}
    for name, scores in sorted(groups.items()):
        interval = as_interval(mean_ci(scores, resamples, seed))
        if interval is not None:
            out[name] = interval
    return out


def weight_shares(tasks: list[TaskResult], resamples: int, seed: int) -> tuple[dict[str, Interval], dict[str, Interval]]:
    """The met share of positive rubric weight per dimension and per skill group."""
    met = {d: [0.0] * len(tasks) for d in DIMENSIONS}
    total = {d: [0.0] * len(tasks) for d in DIMENSIONS}
    for row, task in enumerate(tasks):
        for v in task.verdicts:
            if v.weight > 0 and v.dimension in total:
                total[v.dimension][row] += v.weight
                met[v.dimension][row] += v.weight if v.met else 0.0

    def share(dimensions: Iterable[str]) -> Interval | None:
        dims = list(dimensions)
        task_met = [sum(parts) for parts in zip(*(met[d] for d in dims), strict=True)]
        task_total = [sum(parts) for parts in zip(*(total[d] for d in dims), strict=True)]
        estimate = ratio_ci(task_met, task_total, resamples, seed)
        if estimate is None:
            return None
        return as_interval(replace(estimate, n=sum(t > 0 for t in task_total)))  # tasks that have these checkpoints

    by_dimension = {d: s for d in DIMENSIONS if (s := share([d])) is not None}
    by_group = {g: s for g, dims in SKILL_GROUPS.items() if (s := share(dims)) is not None}
    return by_dimension, by_group


def epoch_spread(scored: list[TaskResult]) -> Epochs | None:
    with_epochs = [r.epoch_scores for r in scored if len(r.epoch_scores) > 1]
    if not with_epochs:
        return None
    count = min(len(e) for e in with_epochs)
    means = [fmean(e[i] for e in with_epochs) for i in range(count)]
    return Epochs(
        count=count,
        means=means,
        sd_of_means=pstdev(means),
        mean_within_task_sd=fmean(pstdev(e) for e in with_epochs),
    )


def statistics(results: Iterable[TaskResult], resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED) -> Statistics:
    scored = sorted((r for r in results if r.status == "scored" and r.score is not None), key=lambda r: r.task_id)
    by_dimension, by_group = weight_shares(scored, resamples, seed)
    return Statistics(
        resamples=resamples,
        seed=seed,
        overall=as_interval(mean_ci([r.score or 0.0 for r in scored], resamples, seed)),
        by_domain=_by(scored, lambda r: r.domain, resamples, seed),
        by_category=_by(scored, lambda r: category_key(r.domain, r.category), resamples, seed),
        by_dimension=by_dimension,
        by_skill_group=by_group,
        skill_groups={g: list(dims) for g, dims in SKILL_GROUPS.items()},
        epochs=epoch_spread(scored),
    )
