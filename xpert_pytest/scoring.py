"""The task score: S = Σ wᵢ·xᵢ / Σ positive wᵢ, clipped to [0, 1] (DESIGN §3).

With positive weights only this is the paper's formula; negative weights (imported penalty
criteria) subtract when met.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xpert_pytest.schema import Checkpoint, Task


def task_score(task: Task, met: Mapping[str, bool]) -> float:
    """`met` maps every checkpoint id of the task to its verdict."""
    missing = [c.id for c in task.rubric if c.id not in met]
    if missing:
        raise ValueError(f"[{task.id}] no verdict for checkpoint(s) {', '.join(missing)}")
    possible = sum(c.weight for c in task.rubric if c.weight > 0)
    earned = sum(c.weight for c in task.rubric if met[c.id])
    return min(1.0, max(0.0, earned / possible))


@dataclass(frozen=True)
class Miss:
    checkpoint: Checkpoint
    rationale: str


def missed(task: Task, met: Mapping[str, bool], rationales: Mapping[str, str]) -> list[Miss]:
    """Positive checkpoints not met and penalty checkpoints triggered, heaviest first."""
    misses = [
        Miss(c, rationales.get(c.id, ""))
        for c in task.rubric
        if (c.weight > 0 and not met[c.id]) or (c.weight < 0 and met[c.id])
    ]
    return sorted(misses, key=lambda m: -abs(m.checkpoint.weight))
