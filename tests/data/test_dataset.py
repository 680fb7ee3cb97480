from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import factory
from xpert_pytest.data.dataset import DataError, load_benchmark, load_local


def test_loads_tasks_and_anchors(tmp_path: Path) -> None:
    folder = factory.write_dataset(tmp_path)
    bench = load_benchmark(str(folder))
    assert [t.id for t in bench.tasks] == ["fin-t-0001", "hc-t-0001", "law-t-0001"]
    assert set(bench.exemplars) == {"fin-t-0001", "hc-t-0001", "law-t-0001"}
    assert str(bench.where["law-t-0001"]).endswith("benchmark/data/law.jsonl:1")
    assert len(bench.fingerprint) == 16


def test_fingerprint_follows_content(tmp_path: Path) -> None:
    folder = factory.write_dataset(tmp_path)
    before = load_benchmark(str(folder)).fingerprint
    tasks = factory.standard_tasks()
    tasks[0]["title"] = "Changed"
    factory.write_dataset(tmp_path, tasks)
    assert load_benchmark(str(folder)).fingerprint != before


def test_duplicate_task_ids_name_both_places(tmp_path: Path) -> None:
    tasks = factory.standard_tasks()
    clone = json.loads(json.dumps(tasks[0]))
    clone["domain"], clone["category"] = "law", "legal-research"
    factory.write_dataset(tmp_path, [*tasks, clone])
    with pytest.raises(DataError) as excinfo:
        load_benchmark(str(tmp_path / "benchmark"))
    assert any(
        "law.jsonl:2: [fin-t-0001] field id: duplicate task id (first at" in p and "finance.jsonl:1" in p
        for p in excinfo.value.problems
    )


def test_anchor_verdicts_must_cover_the_rubric_exactly(tmp_path: Path) -> None:
    tasks = factory.standard_tasks()
    anchors = factory.standard_anchors(tasks)
    anchors[0]["verdicts"][0]["checkpoint_id"] = "c99"
    anchors[1]["task_id"] = "no-such-task"
    factory.write_dataset(tmp_path, tasks, anchors)
    with pytest.raises(DataError) as excinfo:
        load_local(tmp_path / "benchmark", tmp_path / "exemplars")
    problems = "\n".join(excinfo.value.problems)
    assert "anchors.jsonl:1: [fin-t-0001] field verdicts: verdict for unknown checkpoint 'c99'" in problems
    assert "anchors.jsonl:1: [fin-t-0001] field verdicts: no verdict for checkpoint(s) c01" in problems
    assert "anchors.jsonl:2: [no-such-task] field task_id: no task with this id in the dataset" in problems


def test_broken_json_line_is_located(tmp_path: Path) -> None:
    folder = factory.write_dataset(tmp_path)
    with (folder / "data" / "law.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"id": "law-x", \n')
    with pytest.raises(DataError) as excinfo:
        load_benchmark(str(folder))
    assert excinfo.value.problems[0].startswith(f"{folder / 'data' / 'law.jsonl'}:2: not valid JSON")


def test_missing_folder_or_data(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no data files"):
        load_local(tmp_path, None)
