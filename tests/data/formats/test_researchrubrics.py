"""The ResearchRubrics importer on a fixture in the published schema (our own invented tasks)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xpert_pytest.data.dataset import DataError
from xpert_pytest.data.formats.registry import describe, load
from xpert_pytest.data.rules import clips_means, graded, task_score

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "researchrubrics"
DATA = FIXTURES / "processed_data.jsonl"


def _records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def _problems(tmp_path: Path, records: list[dict[str, Any]]) -> list[str]:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(DataError) as excinfo:
        load(f"researchrubrics:{bad}")
    return [p.replace(str(bad), "bad.jsonl") for p in excinfo.value.problems]


def test_each_record_becomes_a_task_in_the_imported_vocabulary() -> None:
    bench = load(f"researchrubrics:{FIXTURES}")
    assert (bench.format, bench.scoring, bench.anchors) == ("researchrubrics", "researchrubrics", 0)
    assert [t.id for t in bench.tasks] == ["6a1f3c9e20b7d4e6f8a9b0c1", "6a1f3c9e20b7d4e6f8a9b0c2", "6a1f3c9e20b7d4e6f8a9b0c3"]
    assert {d: (v.title, list(v.categories)) for d, v in bench.taxonomy.domains.items()} == {
        "ai_ml": ("AI & ML", ["report"]),
        "business_finance": ("Business & Finance", ["report"]),
        "health": ("Health", ["report"]),
    }
    survey = bench.tasks[0]
    assert [(c.id, c.weight, type(c.weight).__name__, c.importance, c.dimension) for c in survey.rubric] == [
        ("c01", 4, "int", "essential", "explicit_criteria"),
        ("c02", 0.5, "float", "optional", "communication_quality"),
        ("c03", 3, "int", "important", "implicit_criteria"),
        ("c04", -2, "int", "important", "use_of_references"),
        ("c05", 2, "int", "important", "instruction_following"),
    ]
    assert survey.rubric[1].tags == ["axis:Communication Quality"]
    assert survey.prompt.startswith("Survey how retrieval-augmented generation") and not survey.conversation
    assert survey.scoring == "researchrubrics" and survey.provenance.imported_from == "researchrubrics:processed_data.jsonl"
    assert survey.provenance.notes is not None and survey.provenance.notes.endswith(
        "complexity: conceptual_breadth Moderate, logical_nesting Intermediate, exploration Medium"
    )
    assert describe(f"researchrubrics:{FIXTURES}") == f"researchrubrics:{FIXTURES.resolve()}"


def test_the_published_score_by_hand_with_partial_credit() -> None:
    bench = load(f"researchrubrics:{DATA}")
    survey = bench.tasks[0]
    assert survey.score({"c01": 1.0, "c02": 1.0, "c03": 0.5, "c04": 1.0, "c05": 0.0}) == pytest.approx((4 + 0.5 + 1.5 - 2) / 9.5)
    assert task_score("researchrubrics", [(1.0, 1.0), (-5.0, 1.0), (4.0, 0.5)]) == pytest.approx(-0.4)  # not clipped
    assert task_score("researchrubrics", [(2.0, 0.5), (-4.0, 0.5)]) == pytest.approx(-0.5)  # half a penalty
    assert graded("researchrubrics") and not clips_means("researchrubrics")
    assert not any(graded(rule) for rule in ("xpertbench", "healthbench", "prbench"))


def test_bad_records_are_located_by_file_line_id_and_field(tmp_path: Path) -> None:
    records = _records()
    records[0]["rubrics"][3]["weight"] = -12.0
    records[1]["rubrics"][0] = {"criterion": "No axis."}
    records[2]["sample_id"] = records[0]["sample_id"]
    problems = _problems(tmp_path, records)
    assert problems == [
        "bad.jsonl:1: [6a1f3c9e20b7d4e6f8a9b0c1] field rubrics.3.weight: -12 is not a non-zero weight in -10..10",
        "bad.jsonl:2: [6a1f3c9e20b7d4e6f8a9b0c2] field rubrics.0.weight: Field required",
        "bad.jsonl:2: [6a1f3c9e20b7d4e6f8a9b0c2] field rubrics.0.axis: Field required",
    ]
    records = _records()
    records[2]["sample_id"] = records[0]["sample_id"]
    assert _problems(tmp_path, records) == [
        "bad.jsonl:3: [6a1f3c9e20b7d4e6f8a9b0c1] field id: duplicate task id (first at bad.jsonl:1)"
    ]


def test_graded_anchors_are_refused_and_a_missing_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="--xpert-exemplars is not supported for researchrubrics sets"):
        load(f"researchrubrics:{FIXTURES}", str(tmp_path))
    with pytest.raises(DataError, match="no such file or folder"):
        load(f"researchrubrics:{tmp_path / 'absent.jsonl'}")
