"""How a dataset's format turns checkpoint verdicts into scores.

Both rules divide the points of the met checkpoints (negative points subtract) by the sum of
the positive points; they differ in where the result is clipped to [0, 1]:

- `xpertbench` clips each task's score (DESIGN §3); every mean is a plain mean of those.
- `healthbench` follows the published simple-evals `healthbench_eval.py`: `calculate_score`
  does not clip, so one example's score can be negative; what is clipped is each mean over
  examples (`np.clip(np.mean(values), 0, 1)`), for the run, for each theme and physician
  category, and for each rubric axis, whose per-example score is the same ratio over the
  example's checkpoints of that axis (an example with no positive checkpoint of the axis has
  none and is left out of that axis's mean).
- `prbench` follows the released PRBench harness (scaleapi/PRBench, `util.py`), which reports
  two scores per task. The *clipped* score, the one its paper reports (`mean_clipped`), is
  Σ points met / Σ positive points with a task's score floored at 0 (the harness's
  `get_clipped_points` leaves the floor out despite its name; the paper's name and
  reimplementations apply it: our assumption); means are plain. The *normalized* score,
  (Σ met - Σ negative) / (Σ positive - Σ negative), lies in [0, 1] by construction and is
  reported beside it (`normalized`).
- `profbench` follows the released ProfBench code (NVlabs/ProfBench, `score_report_generation.py`):
  Σ weights fulfilled / Σ weights, every weight positive (Critical 4 … Additional 1), so the
  score lies in [0, 1] and means are plain, as under `xpertbench`.
- `researchrubrics` follows the released ResearchRubrics `calculate_compliance_score.py`: a
  task's score is Σ credit × weight / Σ positive weights, unclipped (a met negative-weight
  criterion subtracts), and the mean over tasks is a plain mean. It is the one rule whose
  verdicts have three levels (`graded`): satisfied, partially satisfied and not satisfied earn
  credit 1, 0.5 and 0 (`CREDITS`), as the paper's ternary grading scores them.

A verdict's credit is a bool for the binary rules (met or not) and one of `CREDITS` for a graded
one; the sums below multiply by it, so binary verdicts give exactly the numbers they always have.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

Scoring = Literal["xpertbench", "healthbench", "prbench", "profbench", "researchrubrics"]
DEFAULT: Scoring = "xpertbench"
Level = Literal["satisfied", "partially", "not"]
CREDITS: dict[str, float] = {"satisfied": 1.0, "partially": 0.5, "not": 0.0}


def clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def graded(rule: Scoring) -> bool:
    """Whether the judge grades this rule's checkpoints in three levels rather than met or not."""
    return rule == "researchrubrics"


def _earned(pairs: list[tuple[float, float]]) -> float:
    return sum(p * credit for p, credit in pairs if credit)


def ratio(points: Iterable[tuple[float, float]]) -> float | None:
    """Σ points × credit / Σ positive points, unclipped; None when nothing positive can be earned."""
    pairs = list(points)
    possible = sum(p for p, _ in pairs if p > 0)
    if possible <= 0:
        return None
    return _earned(pairs) / possible


def task_score(rule: Scoring, points: Iterable[tuple[float, float]]) -> float | None:
    raw = ratio(points)
    if raw is None:
        return None
    return raw if rule in ("healthbench", "researchrubrics") else clip(raw)


def clips_means(rule: Scoring) -> bool:
    return rule == "healthbench"


def normalized(points: Iterable[tuple[float, float]]) -> float | None:
    """PRBench's second score: points met, shifted by the most that penalties can take away, over
    the whole range from every penalty met and nothing earned to everything earned and no penalty."""
    pairs = list(points)
    lowest = sum(p for p, _ in pairs if p < 0)
    highest = sum(p for p, _ in pairs if p > 0)
    if highest <= lowest:
        return None
    return (_earned(pairs) - lowest) / (highest - lowest)


def reports_normalized(rule: Scoring) -> bool:
    return rule == "prbench"
