from __future__ import annotations

import pytest

from tests.factory import XPERT_TAXONOMY
from xpert_pytest.numbers.analysis import statistics, weight_shares
from xpert_pytest.numbers.results import CheckpointResult, TaskResult
from xpert_pytest.numbers.uncertainty import mean_ci, ratio_ci

ACCURACY, LOGIC, LANGUAGE = "Accuracy & Factual Correctness", "Logical Coherence", "Linguistic Quality"


def _verdict(cid: str, dimension: str, weight: int, met: bool) -> CheckpointResult:
    return CheckpointResult(checkpoint_id=cid, text=cid, met=met, rationale="", weight=weight, importance="important", dimension=dimension)


def _task(task_id: str, domain: str, score: float, verdicts: list[CheckpointResult]) -> TaskResult:
    return TaskResult(task_id=task_id, domain=domain, category="c", title="t", language="en", status="scored",
                      score=score, passed=score >= 0.5, verdicts=verdicts)


TASKS = [
    _task("a", "law", 0.6, [_verdict("c1", ACCURACY, 5, True), _verdict("c2", LOGIC, 3, False), _verdict("c3", LANGUAGE, 2, True)]),
    _task("b", "law", 0.2, [_verdict("c1", ACCURACY, 4, False), _verdict("c2", ACCURACY, 2, True)]),
    _task("c", "finance", 0.9, [_verdict("c1", LOGIC, 6, True), _verdict("c2", LANGUAGE, 4, False)]),
    _task("d", "finance", 0.5, [_verdict("c1", ACCURACY, 3, True), _verdict("c2", LANGUAGE, -2, True)]),
]


def test_dimension_shares_pool_positive_weight_over_all_tasks() -> None:
    by_dimension, by_group = weight_shares(
        TASKS, resamples=300, seed=7, dimensions=XPERT_TAXONOMY.dimensions, groups=XPERT_TAXONOMY.skill_groups
    )
    assert set(by_dimension) == {ACCURACY, LOGIC, LANGUAGE}
    assert by_dimension[ACCURACY].value == pytest.approx((5 + 2 + 3) / (5 + 4 + 2 + 3))
    assert by_dimension[LOGIC].value == pytest.approx(6 / 9)
    assert by_dimension[LANGUAGE].value == pytest.approx(2 / 6)  # the penalty item has no positive weight
    # n counts the tasks that have checkpoints of the dimension; three tasks are too few for an interval.
    assert (by_dimension[ACCURACY].n, by_dimension[LOGIC].n, by_dimension[LANGUAGE].n) == (3, 2, 2)
    assert by_dimension[ACCURACY].low is None and not by_dimension[ACCURACY].meaningful
    quantitative = by_group["quantitative reasoning"]  # accuracy and logical coherence, among others
    assert quantitative.value == pytest.approx((10 + 6) / (14 + 9))
    assert by_group["linguistic synthesis"].value == pytest.approx(2 / 6)


def test_dimension_intervals_resample_all_tasks_once_five_have_the_dimension() -> None:
    more = [*TASKS, *(t.model_copy(update={"task_id": t.task_id + "2"}) for t in TASKS)]
    by_dimension, _ = weight_shares(more, resamples=300, seed=7)
    # Tasks without the dimension stay in the resampling with nothing to add.
    accuracy = ratio_ci([5, 2, 0, 3] * 2, [5, 6, 0, 3] * 2, resamples=300, seed=7)
    assert accuracy is not None
    interval = by_dimension[ACCURACY]
    assert (interval.low, interval.high, interval.n, interval.meaningful) == (accuracy.low, accuracy.high, 6, True)


def test_statistics_cover_overall_domains_and_categories() -> None:
    errored = TASKS[0].model_copy(update={"task_id": "e", "status": "error", "score": None})
    stats = statistics([*TASKS, errored], resamples=300, seed=7)
    assert stats.overall is not None and stats.overall.value == pytest.approx(0.55) and stats.overall.n == 4
    law = mean_ci([0.6, 0.2], resamples=300, seed=7)
    assert law is not None  # two tasks: the value, but no interval
    assert stats.by_domain["law"].model_dump() == {"value": law.value, "low": None, "high": None, "n": 2, "meaningful": False}
    assert stats.by_category["finance/c"].value == pytest.approx(0.7)
    assert stats.epochs is None


def test_healthbench_rule_clips_means_and_scores_an_axis_per_task() -> None:
    """By hand, as the published evaluation computes it: per task, met points over positive points
    of that axis; the mean over the tasks that have a positive checkpoint of the axis; then clip."""
    tasks = [
        _task("a", "hedging", -0.6, [_verdict("c1", "accuracy", 5, True), _verdict("c2", "accuracy", -3, True), _verdict("c3", "accuracy", 2, False)]),
        _task("b", "hedging", -0.2, [_verdict("c1", "accuracy", 4, False), _verdict("c2", "completeness", 6, False)]),
        _task("c", "global_health", 0.3, [_verdict("c1", "accuracy", -2, True), _verdict("c2", "completeness", 5, True)]),
    ]
    stats = statistics(tasks, resamples=300, seed=7, scoring="healthbench")
    assert stats.overall is not None and stats.overall.value == 0.0  # mean -0.1667, clipped
    assert stats.by_domain["hedging"].value == 0.0  # mean -0.4, clipped
    assert stats.by_domain["global_health"].value == pytest.approx(0.3)
    assert stats.by_dimension["accuracy"].value == pytest.approx(((5 - 3) / 7 + 0 / 4) / 2)  # task c has no positive accuracy item
    assert stats.by_dimension["accuracy"].n == 2
    assert stats.by_dimension["completeness"].value == pytest.approx((0 / 6 + 5 / 5) / 2)
    pooled = statistics(tasks, resamples=300, seed=7)
    assert pooled.overall is not None and pooled.overall.value == pytest.approx((-0.6 - 0.2 + 0.3) / 3)  # no clipping
    assert pooled.by_dimension["accuracy"].value == pytest.approx(5 / (5 + 2 + 4))
