"""The PRBench importer on a fixture in the published schema (our own invented tasks)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xpert_pytest.data.dataset import DataError
from xpert_pytest.data.formats.registry import describe, load
from xpert_pytest.data.rules import normalized, task_score

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "prbench"
FINANCE, LEGAL = FIXTURES / "finance.jsonl", FIXTURES / "legal.jsonl"


def _records(path: Path = FINANCE) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _problems(tmp_path: Path, records: list[dict[str, Any]]) -> list[str]:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with pytest.raises(DataError) as excinfo:
        load(f"prbench:{bad}")
    return [p.replace(str(bad), "bad.jsonl") for p in excinfo.value.problems]


def test_each_record_becomes_a_task_in_the_imported_vocabulary() -> None:
    bench = load(f"prbench:{FIXTURES}")
    assert (bench.format, bench.scoring, bench.anchors) == ("prbench", "prbench", 0)
    assert [t.id for t in bench.tasks] == ["fin-7c2e01", "fin-7c2e02", "leg-4b9d01", "leg-4b9d02"]
    taxonomy = bench.taxonomy
    assert {d: (v.title, list(v.categories)) for d, v in taxonomy.domains.items()} == {
        "finance": ("Finance", ["uncategorized"]),
        "legal": ("Legal", ["contract_law", "data_protection"]),
    }
    assert "risk_regulatory_disclosure" in taxonomy.dimensions and "process_transparency_auditability" in taxonomy.dimensions
    refinance = bench.by_id["fin-7c2e01"]
    assert [(c.id, c.weight, c.importance, c.dimension) for c in refinance.rubric] == [
        ("c01", 9, "essential", "financial_accuracy"),
        ("c02", 5, "important", "process_transparency_auditability"),
        ("c03", 3, "optional", "risk_regulatory_disclosure"),
        ("c04", -7, "important", "risk_regulatory_disclosure"),
        ("c05", 2, "optional", "practical_utility"),
    ]
    assert refinance.rubric[3].tags == ["prbench_id:fin-7c2e01-r4", "weight_class:detrimental"]
    assert refinance.scoring == "prbench" and refinance.provenance.imported_from == "prbench:finance.jsonl"
    first = refinance.conversation[0].content
    assert first.startswith("Reference Text 0:\nIndicative term sheet") and "\n\nReference Text 1:\nBoard minute" in first
    assert first.endswith("\n\nOur bakery chain wants to refinance a 2.4m floating-rate term loan. Using the term sheet above, should we fix now?")
    assert [m.role for m in refinance.conversation] == ["user", "assistant", "user"]
    assert describe(f"prbench:{FIXTURES}") == f"prbench:{FIXTURES.resolve()}"


def test_both_published_scores_by_hand() -> None:
    points = [(9, True), (5, True), (3, False), (-7, True), (2, True)]
    assert task_score("prbench", points) == pytest.approx(9 / 19)
    assert normalized(points) == pytest.approx(16 / 26)
    penalised = [(-8, True), (4, True), (10, False), (2, True)]
    assert task_score("prbench", penalised) == 0.0  # -2/16 floored
    assert task_score("healthbench", penalised) == pytest.approx(-2 / 16)  # the other rule does not floor
    assert normalized(penalised) == pytest.approx(6 / 24)
    assert normalized([(4, False), (-3, True)]) == 0.0 and normalized([(4, True), (-3, False)]) == 1.0


def test_blank_turns_are_skipped_and_a_task_may_be_a_number(tmp_path: Path) -> None:
    [record, _] = _records()
    record.update(task=17, response_0="   ", prompt_1="And if rates fall?")
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [task] = load(f"prbench:{path}").tasks
    assert task.id == "17" and [m.role for m in task.conversation] == ["user", "user"]


def test_records_not_in_the_published_shape_are_located_errors(tmp_path: Path) -> None:
    records = _records() + _records(LEGAL)
    records[0]["rubric"][1]["annotations"]["important_weight"] = 4.5
    records[1]["reference_texts_3"] = ["a memo for a turn that has no prompt"]
    records[2]["prompt_10"] = "an eleventh turn"
    records[3]["rubric"] = [r for r in records[3]["rubric"] if r["annotations"]["weight_class"].endswith("detrimental")]
    assert _problems(tmp_path, records) == [
        "bad.jsonl:1: [fin-7c2e01] field rubric.1.annotations: important_weight 4.5 is not a non-zero whole number in -10..10",
        "bad.jsonl:2: [fin-7c2e02] field reference_texts_3: reference texts for turn 3, which has no prompt_3",
        "bad.jsonl:3: [leg-4b9d01] field prompt_10: the harness reads turns 0..9 only",
        "bad.jsonl:4: [leg-4b9d02] field rubric: no item has a positive weight, so no score can be computed",
    ]


def test_missing_fields_and_files_name_what_is_wrong(tmp_path: Path) -> None:
    [record, _] = _records()
    del record["field"]
    record["task"] = "Not A Slug"
    assert _problems(tmp_path, [record]) == [
        "bad.jsonl:1: [Not A Slug] field task: 'Not A Slug' is not usable as a task id (lower-case letters, digits, - and _)",
        "bad.jsonl:1: [Not A Slug] field field: Field required",
    ]
    with pytest.raises(DataError, match="no such file or folder"):
        load(f"prbench:{tmp_path / 'absent.jsonl'}")
    with pytest.raises(DataError, match="not supported for prbench"):
        load(f"prbench:{FIXTURES}", str(tmp_path))
