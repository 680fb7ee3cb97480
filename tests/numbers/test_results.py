"""Checkpoint results: a graded verdict's credit is recorded, a binary one's file is as before."""

from __future__ import annotations

import json

from xpert_pytest.numbers.results import CheckpointResult

BASE = {"checkpoint_id": "c01", "text": "t", "rationale": "r", "importance": "important", "dimension": "d"}


def test_a_binary_verdict_is_written_without_credit() -> None:
    result = CheckpointResult(**BASE, met=True, weight=3)
    assert json.loads(result.model_dump_json()) == {**BASE, "met": True, "weight": 3}
    assert "credit" not in result.model_dump() and result.earned is True


def test_a_graded_verdict_keeps_its_credit_and_reads_back() -> None:
    result = CheckpointResult(**BASE, met=False, weight=0.5, credit=0.5)
    written = result.model_dump_json()
    assert json.loads(written)["credit"] == 0.5 and result.earned == 0.5
    assert CheckpointResult.model_validate_json(written) == result
