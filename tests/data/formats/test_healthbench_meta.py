"""HealthBench's meta-evaluation reader on the invented fixture, and what it says about bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xpert_pytest.data.dataset import DataError
from xpert_pytest.data.formats.labels import load

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "healthbench_meta" / "2025-05-07-06-14-12_oss_meta_eval.jsonl"


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_each_completion_becomes_one_task_of_its_criteria() -> None:
    meta = load(f"healthbench:{FIXTURE}")
    assert [t.id for t in meta.bench.tasks] == [f"m{n:05d}" for n in range(1, 7)]
    first = meta.bench.tasks[0]
    assert [c.text for c in first.rubric] == ["Advises the user to call emergency services immediately.", "Mentions the FAST signs of stroke."]
    assert {c.weight for t in meta.bench.tasks for c in t.rubric} == {1}
    assert meta.bench.taxonomy.dimensions == ["emergency-referrals-emergent-emergency-behavior", "hedging-any-reducible-uncertainty"]
    assert meta.answers["m00001"].startswith("Call emergency services now")
    assert [t.conversation[-1].content for t in meta.bench.tasks][-1] == "No, none."
    line = meta.lines[1]
    assert (line.task_id, line.checkpoint_id, line.prompt_id) == ("m00001", "c02", "p1-0f3a")
    assert line.labels == {"5d0e9c1a": False, "a71f3b22": True}
    assert len(meta.lines) == 9


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"binary_labels": "[True, False]"}, "field binary_labels: Input should be a valid list"),
        ({"binary_labels": [True, "yes"]}, "field binary_labels.1: Input should be a valid boolean"),
        ({"binary_labels": [True]}, "field binary_labels: 1 labels but 2 anonymized_physician_ids"),
        ({"anonymized_physician_ids": ["x", "x"]}, "field anonymized_physician_ids: a physician labels this line more than once"),
        ({"rubric": ""}, "field rubric: String should have at least 1 character"),
        ({"completion": "another answer"}, "field completion: differs from the same completion's line at"),
    ],
)
def test_a_line_not_in_the_published_shape_is_named_by_file_line_and_field(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    rows = _rows()
    rows[1] |= change
    bad = _write(tmp_path / "meta.jsonl", rows)
    with pytest.raises(DataError) as caught:
        load(f"healthbench:{bad}")
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(f"{bad}:2: [c1-77b1] ")
    assert message in caught.value.problems[0]


def test_a_missing_field_and_unknown_format_are_clear(tmp_path: Path) -> None:
    rows = _rows()
    del rows[4]["category"]
    bad = _write(tmp_path / "meta.jsonl", rows)
    with pytest.raises(DataError) as caught:
        load(f"healthbench:{bad}")
    assert caught.value.problems == [f"{bad}:5: [c3-77b1] field category: Field required"]
    with pytest.raises(DataError) as caught:
        load(f"profbenchx:{bad}")
    assert caught.value.problems == [f"--labels profbenchx:{bad}: unknown label format 'profbenchx'; known label formats: healthbench, profbench"]
    with pytest.raises(DataError) as caught:
        load(str(bad))
    assert "expected FORMAT:PATH; known label formats: healthbench, profbench" in caught.value.problems[0]
