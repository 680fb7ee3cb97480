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


def missed(task: Task, met: Mapping[str, bool], rationales: Mapping[str, str]) -> list[Miss]:
    """Positive checkpoints not met and penalty checkpoints triggered, heaviest first."""
    misses = [
        Miss(c, rationales.get(c.id, ""))
        for c in task.rubric
        if (c.weight > 0 and not met[c.id]) or (c.weight < 0 and met[c.id])
    ]
    return sorted(misses, key=lambda m: -abs(m.checkpoint.weight))
