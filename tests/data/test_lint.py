"""The authoring standard's mechanical rules, on tasks that claim to meet it (they carry a pilot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import factory
from xpert_pytest.data.dataset import load_local
from xpert_pytest.data.lint import lint
from xpert_pytest.data.stats import compute

PILOT = {"score": 0.55, "source": "blind pilot: test solver", "graded_by": "test grader", "date": "2026-12-03", "rounds": 1}


def _piloted(task_id: str, **extra: Any) -> dict[str, Any]:
    record = factory.task(task_id, "law", "contract-compliance", [9] * 15, pilot=dict(PILOT))
    record["reference_check"] = {"graded_by": "test grader", "date": "2026-12-03", "met": 15, "total": 15}
    record.update(extra)
    return record


def _messages(tmp_path: Path, tasks: list[dict[str, Any]], anchor_source: str = "blind pilot answer: test") -> list[str]:
    anchors = [{**factory.anchor(t, [n % 2 == 0 for n in range(len(t["rubric"]))]), "source": anchor_source} for t in tasks]
    bench = load_local(factory.write_dataset(tmp_path, tasks, anchors), tmp_path / "exemplars")
    return [f"{p.checkpoint_id or '-'}: {p.message}" for p in lint(bench, checks=tmp_path / "benchmark" / "checks")]


def test_a_task_that_meets_the_standard_passes(tmp_path: Path) -> None:
    assert _messages(tmp_path, [_piloted("law-t-0001")]) == []


@pytest.mark.parametrize(
    ("text", "tolerance", "message"),
    [
        ("States the damages cap as $1.2m", None, "c01: states a numeric target without a tolerance"),
        ("Gives the p99 latency as 63 ms", None, "c01: states a numeric target without a tolerance"),
        ("应计算出折现率为 8.5%", None, "c01: states a numeric target without a tolerance"),
        ("Gives the p99 latency as 63 ms", "any value 60-66 ms", None),
        ("Does not recommend termination", None, "c01: is met by an empty answer (phrased as avoiding something): phrase the positive act"),
        ("不建议立即解约", None, "c01: is met by an empty answer (phrased as avoiding something): phrase the positive act"),
        ("Names the clause; the cap; and the carve-out", None,
         "c01: bundles several requirements (two or more semicolons): one requirement per checkpoint"),
        ("Cites clause 14.2 of the 2019 agreement", None, None),  # ids and years are not quantities
    ],
)
def test_checkpoint_rules(tmp_path: Path, text: str, tolerance: str | None, message: str | None) -> None:
    record = _piloted("law-t-0001")
    record["rubric"][0]["text"] = text
    if tolerance:
        record["rubric"][0]["tolerance"] = tolerance
        checks = tmp_path / "benchmark" / "checks"
        checks.mkdir(parents=True)
        (checks / "law-t-0001.py").write_text("", encoding="utf-8")
    assert _messages(tmp_path, [record]) == ([message] if message else [])


def test_task_rules(tmp_path: Path) -> None:
    record = _piloted("law-t-0001", pilot={**PILOT, "score": 0.8})
    record["reference_check"]["met"] = 14
    record["rubric"][0]["tolerance"] = "±1"
    for checkpoint in record["rubric"][1:3]:
        checkpoint["dimension"] = "Structure & Formatting"
    assert _messages(tmp_path, [record]) == [
        "-: formatting and length carry 13% of the weight; at most 10%",
        "-: reference_check: the reference met 14 of 15 checkpoints; it must meet all 15",
        f"-: numeric checkpoints but no check script {tmp_path / 'benchmark' / 'checks' / 'law-t-0001.py'}",
        "-: blind pilot scored 80%; a task is kept only at or under 75%",
    ]


def test_set_rules(tmp_path: Path) -> None:
    tasks = [
        _piloted("law-t-0001", kind="draft-review"),
        _piloted("law-t-0002", kind="draft-review"),
        factory.task("law-t-0003", "law", "contract-compliance", [9] * 15),
    ]
    tasks[1]["prompt"] = "Review the attached draft agreement for the client. " + " ".join(f"x{i}" for i in range(60))
    messages = _messages(tmp_path, tasks, anchor_source="written to fail")
    assert "-: anchor source does not say it is a blind pilot answer" in messages
    claimed = _messages(tmp_path / "claim", tasks[:1], anchor_source="blind pilot answer, expert-graded")
    assert "-: anchor claims expert grading (in its source or graded_by); pilot grades are AI grades" in claimed
    assert "-: domain law mixes piloted tasks with 1 unpiloted: law-t-0003" in messages
    assert "-: 2 of 2 piloted tasks are draft reviews; at most 25%" in messages


def test_stats_give_the_pilot_distribution(tmp_path: Path) -> None:
    tasks = [_piloted("law-t-0001"), _piloted("law-t-0002", pilot={**PILOT, "score": 0.35}), factory.standard_tasks()[0]]
    bench = load_local(factory.write_dataset(tmp_path, tasks), tmp_path / "exemplars")
    summary = compute(bench).as_json()["pilot"]
    assert summary == {
        "overall": {"n": 2, "mean": 0.45, "max": 0.55},
        "domains": {"law": {"n": 2, "mean": 0.45, "max": 0.55}},
    }
