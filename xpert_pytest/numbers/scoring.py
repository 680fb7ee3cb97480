"""Which checkpoints an answer missed, for failure messages and reports.

The score itself is `Task.score` (the formula belongs to the record, DESIGN §3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xpert_pytest.data.schema import Checkpoint, Task


@dataclass(frozen=True)
class Miss:
    checkpoint: Checkpoint
    rationale: str
    earned: float = False

    @property
    def lost(self) -> float:
        """The weight the verdict cost: what a positive checkpoint did not earn, what a penalty took."""
        weight = self.checkpoint.weight
        return weight * (1 - self.earned) if weight > 0 else -weight * self.earned


def missed(task: Task, met: Mapping[str, float], rationales: Mapping[str, str]) -> list[Miss]:
    """Positive checkpoints not (fully) met and penalty checkpoints triggered, heaviest first;
    `met` is a verdict's bool or, under a graded rule, its credit."""
    misses = [
        Miss(c, rationales.get(c.id, ""), met[c.id])
        for c in task.rubric
        if (c.weight > 0 and met[c.id] < 1) or (c.weight < 0 and met[c.id])
    ]
    return sorted(misses, key=lambda m: -abs(m.checkpoint.weight))
