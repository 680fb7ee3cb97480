"""Small, fully known datasets for tests, written in the shipped on-disk format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from xpert_pytest.data.locate import packaged_dataset
from xpert_pytest.data.schema import CANARY
from xpert_pytest.data.taxonomy import CARD_KEY, read_card

XPERT_TAXONOMY = read_card(packaged_dataset() / "README.md")  # the vocabulary our own card declares

PROVENANCE: dict[str, Any] = {
    "author": "XpertBench test suite",
    "expert_reviewed": False,
    "reviewers": [],
    "license": "CC-BY-4.0",
    "created": "2026-11-27",
    "canary": CANARY,
}
CANARY_CARD = (
    "---\n" + yaml.safe_dump({CARD_KEY: XPERT_TAXONOMY.card_block()}, sort_keys=False, allow_unicode=True) + "---\n"
    f"# Test set\n\n{CANARY}\n\n<!-- xpert:stats:start -->\n<!-- xpert:stats:end -->\n"
)
IMPORTANCE = {10: "essential", 9: "essential", 8: "essential", 7: "important", 5: "important", 4: "important", 2: "optional", 1: "optional"}


def task(task_id: str, domain: str, category: str, weights: list[int], **extra: Any) -> dict[str, Any]:
    record = {
        "id": task_id,
        "domain": domain,
        "category": category,
        "subcategory": None,
        "title": f"Test task {task_id}",
        "prompt": f"Prepare the deliverable for {task_id}. " + " ".join(f"word{task_id}{i}" for i in range(40)),
        "attachments": [{"name": "Exhibit A", "content": f"Figures for {task_id}."}],
        "reference_answer": f"Reference for {task_id}. " + "Full worked solution. " * 12,
        "language": "en",
        "rubric": [
            {
                "id": f"c{n:02d}",
                "text": f"Requirement {n} of {task_id}",
                "importance": IMPORTANCE.get(abs(w), "important"),
                "weight": w,
                "dimension": "Accuracy & Factual Correctness" if n % 2 else "Linguistic Quality",
            }
            for n, w in enumerate(weights, start=1)
        ],
        "provenance": dict(PROVENANCE),
    }
    record.update(extra)
    return record


def anchor(record: dict[str, Any], met: list[bool], response: str | None = None) -> dict[str, Any]:
    return {
        "task_id": record["id"],
        "response": response or f"Anchor answer for {record['id']}, imperfect on purpose.",
        "source": "test anchor",
        "verdicts": [
            {"checkpoint_id": c["id"], "met": m, "rationale": f"{c['id']} {'met' if m else 'missed'}"}
            for c, m in zip(record["rubric"], met, strict=True)
        ],
        "graded_by": "test suite",
        "provenance": dict(PROVENANCE),
    }


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def standard_tasks() -> list[dict[str, Any]]:
    """Three domains, weights chosen so the loopback candidate's scores are easy to compute by hand."""
    return [
        task("fin-t-0001", "finance", "equity-research", [10, 7, 2, 10, 7, 2, 10, 7, 2, 10, 7, 2, 10, 7, 2, 10]),
        task("law-t-0001", "law", "contract-compliance", [9] * 15),
        task("hc-t-0001", "healthcare", "clinical-diagnosis", [8, 4, 1] * 5 + [8], language="zh",
             title="中文测试任务", prompt="请为患者制定诊疗方案。" * 10),
    ]


def standard_anchors(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [anchor(t, [n % 2 == 0 for n in range(len(t["rubric"]))]) for t in tasks]


def write_dataset(root: Path, tasks: list[dict[str, Any]] | None = None, anchors: list[dict[str, Any]] | None = None) -> Path:
    tasks = standard_tasks() if tasks is None else tasks
    anchors = standard_anchors(tasks) if anchors is None else anchors
    by_domain: dict[str, list[dict[str, Any]]] = {}
    for record in tasks:
        by_domain.setdefault(record["domain"], []).append(record)
    for domain, records in by_domain.items():
        write_jsonl(root / "benchmark" / "data" / f"{domain}.jsonl", records)
    write_jsonl(root / "exemplars" / "anchors.jsonl", anchors)
    (root / "benchmark" / "README.md").write_text(CANARY_CARD, encoding="utf-8")
    return root / "benchmark"


def loopback_score(record: dict[str, Any]) -> float:
    """The score the loopback candidate gets when the loopback judge grades it."""
    from xpert_pytest.testing.loopback import covered

    weights = {c["id"]: c["weight"] for c in record["rubric"]}
    return sum(w for cid, w in weights.items() if covered(cid)) / sum(w for w in weights.values() if w > 0)


def anchor_score(record: dict[str, Any], exemplar: dict[str, Any]) -> float:
    met = {v["checkpoint_id"]: v["met"] for v in exemplar["verdicts"]}
    return sum(c["weight"] for c in record["rubric"] if met[c["id"]]) / sum(c["weight"] for c in record["rubric"])
