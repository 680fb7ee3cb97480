from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from tests import factory
from xpert_pytest.data.schema import TAXONOMY, Exemplar, Task

IN_XPERT = {TAXONOMY: factory.XPERT_TAXONOMY}


def _errors(record: dict[str, Any], model: type = Task) -> str:
    with pytest.raises(ValidationError) as excinfo:
        model.model_validate(record, context=IN_XPERT)
    return str(excinfo.value)


def test_a_well_formed_task_validates() -> None:
    task = Task.model_validate(factory.task("fin-x-0001", "finance", "equity-research", [10, 5, 2]))
    assert task.checkpoint("c02").weight == 5
    assert task.attachments[0].name == "Exhibit A"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"domain": "astrology"}, "unknown domain 'astrology'"),
        ({"category": "macro-policy"}, "field category: 'macro-policy' is not a category of domain 'law'"),
        ({"id": "Not A Slug"}, "String should match pattern"),
        ({"rubric": []}, "List should have at least 1 item"),
        ({"language": ""}, "String should match pattern"),
    ],
)
def test_bad_task_fields_are_named(change: dict[str, Any], expected: str) -> None:
    record = factory.task("law-x-0001", "law", "legal-research", [9, 9]) | change
    assert expected in _errors(record)


def test_the_vocabulary_is_the_taxonomy_given_and_none_without_one() -> None:
    record = factory.task("law-x-0001", "law", "legal-research", [9, 9]) | {"domain": "astrology"}
    assert Task.model_validate(record).domain == "astrology"  # no taxonomy: the shape only
    imported = factory.XPERT_TAXONOMY.model_copy(update={"dimensions": ["accuracy"]})
    assert "unknown dimension 'Accuracy & Factual Correctness'; expected one of accuracy" in str(
        pytest.raises(ValidationError, Task.model_validate, factory.task("law-x-0001", "law", "legal-research", [9]),
                      context={TAXONOMY: imported}).value
    )


def test_a_task_has_a_prompt_or_a_conversation_ending_with_the_user() -> None:
    record = factory.task("hc-x-0001", "healthcare", "clinical-diagnosis", [9])
    record["conversation"] = [{"role": "user", "content": "Hello"}]
    assert "either a prompt or a conversation" in _errors(record)
    record["prompt"] = ""
    record["conversation"].append({"role": "assistant", "content": "Hi"})
    assert "the last turn must be the user's" in _errors(record)
    record["conversation"].pop()
    assert Task.model_validate(record, context=IN_XPERT).conversation[0].content == "Hello"


def test_native_tasks_need_a_reference_a_date_and_a_canary() -> None:
    record = factory.task("hc-x-0001", "healthcare", "clinical-diagnosis", [9]) | {"reference_answer": None}
    assert "field reference_answer: required for a task that is not imported" in _errors(record)
    record = factory.task("hc-x-0001", "healthcare", "clinical-diagnosis", [9])
    del record["provenance"]["canary"]
    assert "field provenance.canary: required for a record that is not imported" in _errors(record)
    record["provenance"]["imported_from"] = "elsewhere"
    assert Task.model_validate(record, context=IN_XPERT).provenance.canary is None
    assert "'healthbench' is only for imported tasks" in _errors(factory.task("hc-x-0001", "healthcare", "clinical-diagnosis", [9]) | {"scoring": "healthbench"})


def test_unknown_dimension_duplicate_checkpoint_and_weight_range() -> None:
    record = factory.task("law-x-0001", "law", "legal-research", [9, 9, 9])
    record["rubric"][0]["dimension"] = "Vibes"
    assert "unknown dimension 'Vibes'" in _errors(record)
    record = factory.task("law-x-0001", "law", "legal-research", [9, 9, 9])
    record["rubric"][2]["id"] = "c01"
    assert "field rubric.c01.id: duplicate checkpoint id" in _errors(record)
    record = factory.task("law-x-0001", "law", "legal-research", [9, 11, 9])
    assert "field rubric.c02.weight: 11 must be in 1..10" in _errors(record)
    record = factory.task("law-x-0001", "law", "legal-research", [9, -3, 9])
    assert "field rubric.c02.weight: -3 must be in 1..10" in _errors(record)


def test_negative_weights_only_for_imported_penalty_criteria() -> None:
    record = factory.task("hc-x-0001", "healthcare", "clinical-diagnosis", [9, -5, 4])
    record["provenance"]["imported_from"] = "HealthBench-style rubric"
    assert Task.model_validate(record, context=IN_XPERT).rubric[1].weight == -5
    record = factory.task("hc-x-0001", "healthcare", "clinical-diagnosis", [-9, -5])
    record["provenance"]["imported_from"] = "HealthBench-style rubric"
    assert "no checkpoint has a positive weight" in _errors(record)


def test_fractional_weights_only_for_imported_tasks_and_whole_ones_read_as_int() -> None:
    record = factory.task("hc-x-0001", "healthcare", "clinical-diagnosis", [9, 4])
    record["rubric"][0]["weight"] = 9.0
    assert type(Task.model_validate(record, context=IN_XPERT).rubric[0].weight) is int
    record["rubric"][1]["weight"] = 0.5
    assert "field rubric.c02.weight: 0.5 must be a whole number" in _errors(record)
    record["provenance"]["imported_from"] = "ResearchRubrics-style rubric"
    assert Task.model_validate(record, context=IN_XPERT).rubric[1].weight == 0.5
    record["rubric"][1]["weight"] = float("nan")
    assert "rubric.1.weight\n  Input should be a finite number" in _errors(record)


def test_provenance_cannot_claim_review_without_a_reviewer() -> None:
    record = factory.task("hc-x-0001", "healthcare", "clinical-diagnosis", [9])
    record["provenance"]["expert_reviewed"] = True
    assert "expert_reviewed is true but no reviewer is named" in _errors(record)


def test_unknown_fields_are_rejected() -> None:
    record = factory.task("hc-x-0001", "healthcare", "clinical-diagnosis", [9]) | {"score": 1}
    assert "Extra inputs are not permitted" in _errors(record)


def test_exemplar_needs_one_verdict_per_checkpoint() -> None:
    record = factory.task("hc-x-0001", "healthcare", "clinical-diagnosis", [9, 4])
    exemplar = factory.anchor(record, [True, False])
    exemplar["verdicts"].append(dict(exemplar["verdicts"][0]))
    assert "two verdicts for checkpoint 'c01'" in _errors(exemplar, Exemplar)


def test_an_anchor_verdict_has_no_partial_credit() -> None:
    exemplar = factory.anchor(factory.task("hc-x-0001", "healthcare", "clinical-diagnosis", [9, 4]), [True, False])
    exemplar["verdicts"][1]["credit"] = 0.5
    assert "field verdicts: 'c02' has a credit; an anchor's verdicts are met or not" in _errors(exemplar, Exemplar)
