"""Content rules for the shipped task set, beyond what the schema enforces.

The schema decides whether a record can be run at all; these rules decide whether it is fit
to ship: rubric size, weights that match their importance class, anchors that are neither
trivial nor perfect, honest provenance, no near-duplicate prompts.

Tasks that carry a `pilot` were written to the authoring standard (docs/authoring-standard.md)
and are held to its mechanical rules as well: tolerances on numeric checkpoints, nothing an
empty answer meets, one requirement per checkpoint, formatting at most a tenth of the weight,
a reference that met its own rubric, a check script, a blind pilot at or under 75 %. A domain
is landed whole: one that mixes piloted tasks with older ones is a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from xpert_pytest.data.dataset import Benchmark, Located
from xpert_pytest.data.schema import CANARY, Task

MIN_CHECKPOINTS = 15
MAX_CHECKPOINTS = 40
ANCHOR_SCORE_RANGE = (0.2, 0.95)
NEAR_DUPLICATE = 0.5
MAX_PILOT_SCORE = 0.75
MAX_FORMAT_SHARE = 0.10
MAX_DRAFT_REVIEW_SHARE = 0.25

# A stated quantity: a number with a unit, a percentage or a currency sign (not an id, a year or a count of items).
QUANTITY = re.compile(
    r"[$£€¥]\s?\d|\d(?:[\d,]*\d)?(?:\.\d+)?\s?(?:%|‰|pp\b|ms\b|s\b|min\b|h\b|[kMGT]B\b|[kMG]bps\b|mg\b|kg\b|g\b|mL\b|L\b|"
    r"mmol|µmol|umol|mcg|µg|units?\b|IU\b|tx/s|rps\b|qps\b|RPS\b|QPS\b|USD|GBP|EUR|CNY|RMB|元|万|亿|毫秒|秒|分钟|小时|天)"
)
AVOIDING = re.compile(r"^\s*(?:does not|doesn't|do not|avoids?|never|refrains?|no |not |is not|不|未|没有|避免|无)", re.IGNORECASE)
EXPERT_CLAIM = re.compile(r"expert[- ]graded|graded by (?:an? |the )?(?:credentialed |domain )?experts?\b", re.IGNORECASE)
# Weight bands each importance class must fall in (the paper's examples use 10 / 7 / 2).
IMPORTANCE_WEIGHTS: dict[str, range] = {
    "essential": range(8, 11),
    "important": range(4, 8),
    "optional": range(1, 4),
}
LENGTH = re.compile(r"\b(?:word count|words?\b|length|concise|brevity|pages?\b)|字数|篇幅|字以内", re.IGNORECASE)


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


def standard_problems(task: Task, checks: Path | None) -> list[str | tuple[str, str]]:
    """The authoring standard's mechanical rules for one piloted task: messages, or (checkpoint id, message)."""
    found: list[str | tuple[str, str]] = []
    for c in task.rubric:
        if c.tolerance is None and QUANTITY.search(c.text):
            found.append((c.id, "states a numeric target without a tolerance"))
        if AVOIDING.match(c.text):
            found.append((c.id, "is met by an empty answer (phrased as avoiding something): phrase the positive act"))
        if max(c.text.count(";"), c.text.count("；")) >= 2:
            found.append((c.id, "bundles several requirements (two or more semicolons): one requirement per checkpoint"))
    positive = sum(c.weight for c in task.rubric if c.weight > 0) or 1
    formatting = sum(
        c.weight for c in task.rubric if c.weight > 0 and (c.dimension == "Structure & Formatting" or LENGTH.search(c.text))
    )
    if formatting / positive > MAX_FORMAT_SHARE:
        found.append(f"formatting and length carry {formatting / positive:.0%} of the weight; at most {MAX_FORMAT_SHARE:.0%}")
    check = task.reference_check
    if check is None:
        found.append("no reference_check: grade the reference answer against its own rubric and record it")
    elif check.met != check.total or check.total != len(task.rubric):
        found.append(f"reference_check: the reference met {check.met} of {check.total} checkpoints; it must meet all {len(task.rubric)}")
    if checks is not None and any(c.tolerance for c in task.rubric) and not (checks / f"{task.id}.py").is_file():
        found.append(f"numeric checkpoints but no check script {checks / (task.id + '.py')}")
    if task.pilot is not None and task.pilot.score > MAX_PILOT_SCORE:
        found.append(f"blind pilot scored {task.pilot.score:.0%}; a task is kept only at or under {MAX_PILOT_SCORE:.0%}")
    return found


def _standard(bench: Benchmark, checks: Path | None) -> list[Problem]:
    problems: list[Problem] = []
    piloted = [t for t in bench.tasks if t.pilot is not None]
    for task in piloted:
        where = bench.where.get(task.id, bench.name)
        for item in standard_problems(task, checks):
            cid, message = item if isinstance(item, tuple) else (None, item)
            problems.append(Problem(where, task.id, message, cid))
        for anchor in bench.exemplars.get(task.id, []):
            if "blind pilot" not in anchor.source:
                problems.append(Problem(where, task.id, "anchor source does not say it is a blind pilot answer"))
            if EXPERT_CLAIM.search(anchor.graded_by) or EXPERT_CLAIM.search(anchor.source):
                problems.append(Problem(where, task.id, "anchor claims expert grading (in its source or graded_by); pilot grades are AI grades"))
    for domain in sorted({t.domain for t in piloted}):
        legacy = [t.id for t in bench.tasks if t.domain == domain and t.pilot is None]
        if legacy:
            problems.append(Problem(bench.name, "-", f"domain {domain} mixes piloted tasks with {len(legacy)} unpiloted: {', '.join(legacy)}"))
    reviews = sum(t.kind == "draft-review" for t in piloted)
    if piloted and reviews / len(piloted) > MAX_DRAFT_REVIEW_SHARE:
        problems.append(
            Problem(bench.name, "-", f"{reviews} of {len(piloted)} piloted tasks are draft reviews; at most {MAX_DRAFT_REVIEW_SHARE:.0%}")
        )
    return problems


def lint(bench: Benchmark, card: Path | None = None, checks: Path | None = None) -> list[Problem]:
    """`checks` is the folder of check scripts (`<dataset>/checks`)."""
    problems: list[Problem] = _standard(bench, checks)
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
