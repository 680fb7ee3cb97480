"""Scores with confidence intervals, by domain, category, checkpoint dimension and skill group.

A dimension's score pools its checkpoints over tasks: the met positive weight of the
dimension's checkpoints divided by their total positive weight. Its interval resamples the run's
tasks whole, including those with no checkpoint of that dimension (they add nothing to either
sum), so that the overall score, every dimension and every skill group share one set of draws.

The dimensions and skill groups are the dataset's taxonomy. Under the `healthbench` rule every
mean (and each end of its interval: clipping is monotone) is clipped to [0, 1], and a
dimension's score is the mean over tasks of the task's own ratio for that dimension, as the
published evaluation scores its rubric axes (see `data.rules`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from statistics import fmean, pstdev

from xpert_pytest.data.rules import DEFAULT, Scoring, clip, clips_means, ratio
from xpert_pytest.data.taxonomy import Taxonomy, category_key
from xpert_pytest.numbers.results import Epochs, Interval, Statistics, TaskResult
from xpert_pytest.numbers.uncertainty import DEFAULT_RESAMPLES, DEFAULT_SEED, Estimate, as_interval, mean_ci, ratio_ci


def clipped(estimate: Estimate | None) -> Estimate | None:
    if estimate is None:
        return None
    return replace(estimate, value=clip(estimate.value), low=clip(estimate.low), high=clip(estimate.high))


def mean_estimate(values: list[float], scoring: Scoring, resamples: int, seed: int) -> Estimate | None:
    estimate = mean_ci(values, resamples, seed)
    return clipped(estimate) if clips_means(scoring) else estimate


def _by(
    tasks: list[TaskResult], key: Callable[[TaskResult], str], resamples: int, seed: int, scoring: Scoring = DEFAULT
) -> dict[str, Interval]:
    groups: dict[str, list[float]] = {}
    for task in tasks:
        groups.setdefault(key(task), []).append(task.score or 0.0)
    out = {}
    for name, scores in sorted(groups.items()):
        interval = as_interval(mean_estimate(scores, scoring, resamples, seed))
        if interval is not None:
            out[name] = interval
    return out


def _dimensions(tasks: list[TaskResult], taxonomy: Taxonomy | None) -> list[str]:
    """The taxonomy's dimensions, then any other the verdicts name (those alone without a taxonomy)."""
    seen = {v.dimension for task in tasks for v in task.verdicts}
    return taxonomy.dimension_order([*taxonomy.dimensions, *seen]) if taxonomy is not None else sorted(seen)


def mean_of_ratios(
    tasks: list[TaskResult], resamples: int, seed: int, dimensions: list[str], groups: dict[str, list[str]]
) -> tuple[dict[str, Interval], dict[str, Interval]]:
    """Per dimension (and group), the clipped mean of each task's own ratio over its checkpoints
    of that dimension; tasks with no positive weight there have no ratio and are left out."""

    def share(members: Iterable[str]) -> Interval | None:
        wanted = set(members)
        ratios = [r for task in tasks if (r := ratio((v.weight, v.earned) for v in task.verdicts if v.dimension in wanted)) is not None]
        return as_interval(clipped(mean_ci(ratios, resamples, seed)))

    by_dimension = {d: s for d in dimensions if (s := share([d])) is not None}
    by_group = {g: s for g, dims in groups.items() if (s := share(dims)) is not None}
    return by_dimension, by_group


def weight_shares(
    tasks: list[TaskResult],
    resamples: int,
    seed: int,
    dimensions: list[str] | None = None,
    groups: dict[str, list[str]] | None = None,
) -> tuple[dict[str, Interval], dict[str, Interval]]:
    """The met share of positive rubric weight per dimension and per skill group."""
    dimensions = _dimensions(tasks, None) if dimensions is None else dimensions
    groups = groups or {}
    met = {d: [0.0] * len(tasks) for d in dimensions}
    total = {d: [0.0] * len(tasks) for d in dimensions}
    for row, task in enumerate(tasks):
        for v in task.verdicts:
            if v.weight > 0 and v.dimension in total:
                total[v.dimension][row] += v.weight
                met[v.dimension][row] += v.weight * v.earned

    def share(dimensions: Iterable[str]) -> Interval | None:
        dims = list(dimensions)
        task_met = [sum(parts) for parts in zip(*(met[d] for d in dims), strict=True)]
        task_total = [sum(parts) for parts in zip(*(total[d] for d in dims), strict=True)]
        estimate = ratio_ci(task_met, task_total, resamples, seed)
        if estimate is None:
            return None
        return as_interval(replace(estimate, n=sum(t > 0 for t in task_total)))  # tasks that have these checkpoints

    by_dimension = {d: s for d in dimensions if (s := share([d])) is not None}
    by_group = {g: s for g, dims in groups.items() if (s := share(dims)) is not None}
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


def statistics(
    results: Iterable[TaskResult],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    taxonomy: Taxonomy | None = None,
    scoring: Scoring = DEFAULT,
) -> Statistics:
    """Without a taxonomy (an old results file), the dimensions are those the verdicts name and there are no skill groups."""
    scored = sorted((r for r in results if r.status == "scored" and r.score is not None), key=lambda r: r.task_id)
    dimensions = _dimensions(scored, taxonomy)
    groups = {g: list(dims) for g, dims in taxonomy.skill_groups.items()} if taxonomy is not None else {}
    shares = mean_of_ratios if clips_means(scoring) else weight_shares
    by_dimension, by_group = shares(scored, resamples, seed, dimensions, groups)
    return Statistics(
        resamples=resamples,
        seed=seed,
        overall=as_interval(mean_estimate([r.score or 0.0 for r in scored], scoring, resamples, seed)),
        by_domain=_by(scored, lambda r: r.domain, resamples, seed, scoring),
        by_category=_by(scored, lambda r: category_key(r.domain, r.category), resamples, seed, scoring),
        by_dimension=by_dimension,
        by_skill_group=by_group,
        skill_groups=groups,
        epochs=epoch_spread(scored),
    )
