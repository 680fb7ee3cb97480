from __future__ import annotations

import pytest

from tests import factory
from xpert_pytest.data.schema import Task
from xpert_pytest.numbers.scoring import missed


def _task(weights: list[int], imported: bool = False) -> Task:
    record = factory.task("fin-x-0001", "finance", "equity-research", weights)
    if imported:
        record["provenance"]["imported_from"] = "penalty rubric"
    return Task.model_validate(record)


def test_weighted_formula() -> None:
    task = _task([10, 7, 2])
    assert task.score({"c01": True, "c02": False, "c03": True}) == pytest.approx(12 / 19)
    assert task.score({"c01": True, "c02": True, "c03": True}) == 1.0
    assert task.score({"c01": False, "c02": False, "c03": False}) == 0.0


def test_penalties_subtract_and_the_score_is_clipped() -> None:
    task = _task([10, 5, -8], imported=True)
    assert task.score({"c01": True, "c02": False, "c03": False}) == pytest.approx(10 / 15)
    assert task.score({"c01": True, "c02": False, "c03": True}) == pytest.approx(2 / 15)
    assert task.score({"c01": False, "c02": False, "c03": True}) == 0.0


def test_every_checkpoint_needs_a_verdict() -> None:
    with pytest.raises(ValueError, match=r"\[fin-x-0001\] no verdict for checkpoint\(s\) c02"):
        _task([10, 7]).score({"c01": True})


def test_missed_lists_heaviest_first_and_triggered_penalties() -> None:
    task = _task([2, 10, -8, 7], imported=True)
    misses = missed(task, {"c01": False, "c02": False, "c03": True, "c04": True}, {"c02": "no WACC"})
    assert [(m.checkpoint.id, m.rationale) for m in misses] == [("c02", "no WACC"), ("c03", ""), ("c01", "")]
