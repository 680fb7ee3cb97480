"""The HealthBench importer on a fixture in the published schema (our own invented examples)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xpert_pytest.data.dataset import DataError
from xpert_pytest.data.formats.healthbench import importance, title_from_slug
from xpert_pytest.data.formats.registry import describe, load

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "healthbench"
OSS, CONSENSUS = FIXTURES / "oss_eval.jsonl", FIXTURES / "consensus.jsonl"
STROKE, ANKLE, IBUPROFEN, ORS = (f"5f0c2a9e-3b1d-4e7a-9c42-0d1e2f3a4b0{n}" for n in range(1, 5))


def _records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in OSS.read_text(encoding="utf-8").splitlines()]


def test_each_example_becomes_a_task_in_the_imported_vocabulary() -> None:
    bench = load(f"healthbench:{FIXTURES}")
    assert (bench.format, bench.scoring, bench.anchors) == ("healthbench", "healthbench", 0)
    assert sorted(t.id for t in bench.tasks) == [STROKE, ANKLE, IBUPROFEN, ORS]
    taxonomy = bench.taxonomy
    assert list(taxonomy.domains) == ["emergency_referrals", "global_health", "hedging"]
    assert taxonomy.domains["emergency_referrals"].categories == {"emergent": "Emergent", "non-emergent": "Non emergent"}
    assert taxonomy.domains["global_health"].categories == {"uncategorized": "Uncategorized"}  # no physician category
    assert taxonomy.dimensions == ["accuracy", "communication_quality", "completeness", "context_awareness"]
    assert taxonomy.skill_groups == {}
    ankle = bench.by_id[ANKLE]
    assert (ankle.domain, ankle.category, ankle.prompt, ankle.scoring) == ("emergency_referrals", "non-emergent", "", "healthbench")
    assert [(m.role, m.content[:12]) for m in ankle.conversation] == [("user", "i twisted my"), ("assistant", "Sorry to hea"), ("user", "a bit swolle")]
    assert [(c.id, c.weight, c.importance, c.dimension, c.tags) for c in ankle.rubric] == [
        ("c01", -10, "essential", "accuracy", ["level:example"]),
        ("c02", 3, "optional", "context_awareness", ["level:example"]),
        ("c03", 9, "essential", "accuracy", ["level:example"]),
        ("c04", -6, "important", "completeness", ["level:example"]),
    ]
    assert ankle.reference_answer is None
    assert bench.by_id[IBUPROFEN].reference_answer.startswith("It depends on the tablet.")
    assert bench.by_id[ORS].rubric[0].tags == ["level:cluster", "cluster:ors_preparation"]
    assert bench.by_id[ORS].conversation[0].role == "system"
    provenance = ankle.provenance
    assert provenance.canary == "healthbench:0f1e2d3c-4b5a-4968-8776-65544332211f"  # kept as published
    assert (provenance.license, provenance.imported_from, provenance.created) == ("MIT", "healthbench:oss_eval.jsonl", None)
    assert str(bench.where[ANKLE]) == f"{OSS}:2"


def test_task_scores_follow_the_published_formula_unclipped() -> None:
    """Per example Σ points met / Σ positive points, negative points included, no clipping."""
    bench = load(f"healthbench:{OSS}")
    stroke, ankle = bench.by_id[STROKE], bench.by_id[ANKLE]
    every = {c.id: True for c in stroke.rubric}
    assert stroke.score(every) == pytest.approx((10 + 5 + 7 - 8 - 2) / (10 + 5 + 7))
    assert ankle.score({"c01": True, "c02": False, "c03": False, "c04": True}) == pytest.approx((-10 - 6) / (3 + 9))
    assert ankle.score({"c01": False, "c02": True, "c03": True, "c04": False}) == 1.0


def test_one_file_or_a_folder_and_names_as_given() -> None:
    assert len(load(f"healthbench:{CONSENSUS}").tasks) == 1
    assert describe(f"healthbench:{FIXTURES}") == f"healthbench:{FIXTURES.resolve()}"


def test_importance_and_titles_are_derived_not_declared() -> None:
    assert [importance(p) for p in (10, -8, 7, -4, 3, -1)] == ["essential", "essential", "important", "important", "optional", "optional"]
    assert title_from_slug("emergency_referrals") == "Emergency referrals"


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_records_that_do_not_match_the_format_name_file_line_and_field(tmp_path: Path) -> None:
    good = _records()[0]
    points = json.loads(json.dumps(good)) | {"prompt_id": "aaaa-0002"}
    points["rubrics"][0]["points"] = "ten"
    axis = json.loads(json.dumps(good)) | {"prompt_id": "aaaa-0003"}
    axis["rubrics"][1]["tags"] = ["level:example"]
    last_turn = json.loads(json.dumps(good)) | {"prompt_id": "aaaa-0004"}
    last_turn["prompt"].append({"role": "assistant", "content": "Call an ambulance."})
    theme = json.loads(json.dumps(good)) | {"prompt_id": "aaaa-0005", "example_tags": ["physician_agreed_category:emergent"]}
    no_id = {k: v for k, v in good.items() if k != "prompt_id"}
    fraction = json.loads(json.dumps(good)) | {"prompt_id": "aaaa-0008"}
    fraction["rubrics"][2]["points"] = 2.5
    path = _write(tmp_path / "mine.jsonl", [good, points, axis, last_turn, theme, no_id, '{"prompt": [', fraction, good])
    with pytest.raises(DataError) as excinfo:
        load(f"healthbench:{path}")
    problems = excinfo.value.problems
    expected = [
        f"{path}:2: [aaaa-0002] field rubrics.0.points: Input should be a valid number",
        f"{path}:3: [aaaa-0003] field rubrics.1.tags: expected exactly one axis:<name> tag, found none",
        f"{path}:4: [aaaa-0004] field prompt: the last message is the assistant's; the model under test answers a user turn",
        f"{path}:5: [aaaa-0005] field example_tags: expected exactly one theme:<name> tag, found none",
        f"{path}:6: field prompt_id: Field required",
        f"{path}:7: not valid JSON",
        f"{path}:8: [aaaa-0008] field rubrics.2.points: 2.5 is not a non-zero whole number of points in -10..10",
        f"{path}:9: [{STROKE}] field id: duplicate task id (first at {path}:1)",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), (line, problems)
    assert len(problems) == len(expected)


def test_an_empty_or_missing_source_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file or folder"):
        load(f"healthbench:{tmp_path / 'absent.jsonl'}")
    with pytest.raises(DataError, match=r"no \*\.jsonl files in this folder"):
        load(f"healthbench:{tmp_path}")
    with pytest.raises(DataError, match="no HealthBench examples"):
        load(f"healthbench:{_write(tmp_path / 'blank.jsonl', [''])}")


def test_a_hub_id_is_fetched_as_released_and_offline_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(DataError) as excinfo:
        load("healthbench:some-org/healthbench/oss_eval.jsonl")
    [problem] = excinfo.value.problems
    assert problem.startswith("some-org/healthbench/oss_eval.jsonl: no such file or folder, and not loadable as a Hub dataset some-org/healthbench:")


def test_graded_anchors_in_our_exemplar_format_anchor_the_judge(tmp_path: Path) -> None:
    anchors = tmp_path / "anchors"
    anchors.mkdir()
    verdicts = [{"checkpoint_id": f"c0{n}", "met": n != 3, "rationale": f"c0{n} as graded"} for n in range(1, 4)]
    anchor = {
        "task_id": IBUPROFEN, "response": "A physician's graded answer.", "source": "physician", "verdicts": verdicts,
        "graded_by": "a physician", "provenance": {"author": "us", "expert_reviewed": False, "license": "MIT", "imported_from": "ours"},
    }
    _write(anchors / "graded.jsonl", [anchor])
    bench = load(f"healthbench:{OSS}", str(anchors))
    assert bench.anchors == 1 and bench.exemplars[IBUPROFEN][0].verdicts[2].met is False
    verdicts.pop()
    _write(anchors / "graded.jsonl", [anchor])
    with pytest.raises(DataError, match=r"graded.jsonl:1: \[5f0c2a9e-3b1d-4e7a-9c42-0d1e2f3a4b03\] field verdicts: no verdict for checkpoint\(s\) c03"):
        load(f"healthbench:{OSS}", str(anchors))
