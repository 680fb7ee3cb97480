"""Content rules for the shipped task set, beyond what the schema enforces.

The schema decides whether a record can be run at all; these rules decide whether it is fit
to ship: rubric size, weights that match their importance class, anchors that are neither
trivial nor perfect, honest provenance, no near-duplicate prompts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from xpert_pytest.data.dataset import Benchmark, Located
from xpert_pytest.data.schema import CANARY
from xpert_pytest.data.taxonomy import IMPORTANCE_WEIGHTS

MIN_CHECKPOINTS = 15
MAX_CHECKPOINTS = 40
ANCHOR_SCORE_RANGE = (0.2, 0.95)
NEAR_DUPLICATE = 0.5


@dataclass(frozen=True)
class Problem:
    where: Located | str
    task_id: str
    message: str
    checkpoint_id: str | None = None

    def __str__(self) -> str:
        target = f"[{self.task_id}" + (f" {self.checkpoint_id}]" if self.checkpoint_id else "]")
        return f"{self.where}: {target} {self.message}"


def _shingles(text: str, size: int = 5) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < size:  # unsegmented scripts (Chinese) come out as few long "words"
        chars = re.sub(r"\s+", "", text.lower())
        return {chars[i : i + size] for i in range(max(1, len(chars) - size + 1))}
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def lint(bench: Benchmark, card: Path | None = None) -> list[Problem]:
    problems: list[Problem] = []
    for task in bench.tasks:
        where = bench.where.get(task.id, bench.name)
        if not MIN_CHECKPOINTS <= len(task.rubric) <= MAX_CHECKPOINTS:
            problems.append(
                Problem(where, task.id, f"rubric has {len(task.rubric)} checkpoints; expected {MIN_CHECKPOINTS}-{MAX_CHECKPOINTS}")
            )
        for checkpoint in task.rubric:
            band = IMPORTANCE_WEIGHTS[checkpoint.importance]
            if checkpoint.weight > 0 and checkpoint.weight not in band:
                problems.append(
                    Problem(
                        where,
                        task.id,
                        f"weight {checkpoint.weight} does not fit importance {checkpoint.importance!r} "
                        f"({band.start}-{band.stop - 1})",
                        checkpoint.id,
                    )
                )
        if len(task.reference_answer.strip()) < 200:
            problems.append(Problem(where, task.id, "reference answer is missing or shorter than 200 characters"))
        if task.provenance.canary != CANARY:
            problems.append(Problem(where, task.id, f"provenance.canary is not the dataset canary {CANARY}"))
        anchors = bench.exemplars.get(task.id, [])
        if not anchors:
            problems.append(Problem(where, task.id, "no graded anchor answer in the exemplars"))
        for anchor in anchors:
            if anchor.provenance.canary != CANARY:
                problems.append(Problem(where, task.id, "anchor provenance.canary is not the dataset canary"))
            score = task.score({v.checkpoint_id: v.met for v in anchor.verdicts})
            low, high = ANCHOR_SCORE_RANGE
            if not low <= score <= high:
                problems.append(
                    Problem(where, task.id, f"anchor from {anchor.source!r} scores {score:.2f}; expected {low}-{high}")
                )
            if _similarity(_shingles(anchor.response), _shingles(task.reference_answer)) > 0.6:
                problems.append(Problem(where, task.id, "anchor answer is a near copy of the reference answer"))
            for verdict in anchor.verdicts:
                if not verdict.rationale.strip():
                    problems.append(Problem(where, task.id, "anchor verdict has no rationale", verdict.checkpoint_id))
    shingles = {task.id: _shingles(task.prompt) for task in bench.tasks}
    for a, b in combinations(bench.tasks, 2):
        similarity = _similarity(shingles[a.id], shingles[b.id])
        if similarity > NEAR_DUPLICATE:
            problems.append(
                Problem(bench.where.get(b.id, bench.name), b.id, f"prompt is a near duplicate of {a.id} ({similarity:.0%} shared)")
            )
    if card is not None:
        text = card.read_text(encoding="utf-8") if card.is_file() else ""
        if CANARY not in text:
            problems.append(Problem(str(card), "-", f"dataset card does not carry the canary {CANARY}"))
    return problems
