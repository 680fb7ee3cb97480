"""Descriptive numbers about a task set, in its own taxonomy; the dataset card quotes exactly these."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import fmean, median

from xpert_pytest.data.dataset import Benchmark
from xpert_pytest.data.taxonomy import Taxonomy


@dataclass(frozen=True)
class DatasetStats:
    taxonomy: Taxonomy
    tasks: int
    by_domain: dict[str, int]
    by_category: dict[tuple[str, str], int]
    by_language: dict[str, int]
    checkpoints: list[int]
    weight_by_dimension: dict[str, int]
    anchor_scores: list[float]
    pilot_scores: dict[str, list[float]]  # per domain, the blind pilot scores of the tasks that have one

    def pilot_summary(self) -> dict[str, object]:
        """n, mean and max of the pilot scores, overall and per domain (fractions 0-1)."""

        def describe(scores: list[float]) -> dict[str, object]:
            return {"n": len(scores), "mean": round(fmean(scores), 4) if scores else None, "max": max(scores, default=None)}

        every = [score for scores in self.pilot_scores.values() for score in scores]
        return {"overall": describe(every), "domains": {d: describe(s) for d, s in self.pilot_scores.items()}}

    def as_json(self) -> dict[str, object]:
        cps = self.checkpoints or [0]
        return {
            "tasks": self.tasks,
            "domains": self.by_domain,
            "categories": {f"{d}/{c}": n for (d, c), n in sorted(self.by_category.items())},
            "languages": self.by_language,
            "checkpoints": {"total": sum(self.checkpoints), "min": min(cps), "median": median(cps), "max": max(cps)},
            "weight_by_dimension": self.weight_by_dimension,
            "anchors": len(self.anchor_scores),
            "pilot": self.pilot_summary(),
        }


def compute(bench: Benchmark) -> DatasetStats:
    pilots: dict[str, list[float]] = {}
    for task in bench.tasks:
        if task.pilot is not None:
            pilots.setdefault(task.domain, []).append(task.pilot.score)
    weights: Counter[str] = Counter()
    for task in bench.tasks:
        for checkpoint in task.rubric:
            weights[checkpoint.dimension] += max(checkpoint.weight, 0)
    by_id = bench.by_id
    taxonomy = bench.taxonomy
    return DatasetStats(
        taxonomy=taxonomy,
        tasks=len(bench.tasks),
        by_domain=dict(Counter(t.domain for t in bench.tasks)),
        by_category=dict(Counter((t.domain, t.category) for t in bench.tasks)),
        by_language=dict(sorted(Counter(t.language for t in bench.tasks).items())),
        checkpoints=[len(t.rubric) for t in bench.tasks],
        weight_by_dimension={d: weights[d] for d in taxonomy.dimension_order([*taxonomy.dimensions, *weights])},
        anchor_scores=sorted(
            by_id[task_id].score({v.checkpoint_id: v.met for v in anchor.verdicts})
            for task_id, anchors in bench.exemplars.items()
            for anchor in anchors
        ),
        pilot_scores={domain: pilots[domain] for domain in taxonomy.domain_order(pilots)},
    )


def markdown(stats: DatasetStats) -> str:
    taxonomy = stats.taxonomy
    lines = ["| Domain | Category | Tasks |", "|---|---|---:|"]
    for domain, declared in taxonomy.domains.items():
        for category in declared.categories:
            count = stats.by_category.get((domain, category), 0)
            lines.append(f"| {declared.title} | {taxonomy.category_title(domain, category)} | {count} |")
        lines.append(f"| **{declared.title}** | **all** | **{stats.by_domain.get(domain, 0)}** |")
    lines.append(f"| **All** | | **{stats.tasks}** |")
    cps = stats.checkpoints or [0]
    lines += [
        "",
        f"Checkpoints per task: min {min(cps)}, median {median(cps):g}, mean {fmean(cps):.1f}, max {max(cps)}; "
        f"{sum(cps)} in all.",
        "Languages: " + ", ".join(f"{lang} {n}" for lang, n in stats.by_language.items()) + ".",
        "",
        "| Dimension | Total weight | Share |",
        "|---|---:|---:|",
    ]
    total = sum(stats.weight_by_dimension.values()) or 1
    for dimension, weight in stats.weight_by_dimension.items():
        lines.append(f"| {dimension} | {weight} | {weight / total:.1%} |")
    lines += ["", *anchor_lines(stats.anchor_scores), "", *pilot_lines(stats)]
    return "\n".join(lines)


def anchor_lines(scores: list[float]) -> list[str]:
    """The anchors' score distribution; an imported set often has none, and its scores may fall
    outside [0, 1] (the `healthbench` rule does not clip a task), so the ends take what is beyond."""
    if not scores:
        return ["No graded anchors."]
    buckets = Counter(min(max(int(s * 10), 0), 9) for s in scores)
    lines = [
        f"Anchor answer scores (n={len(scores)}): min {min(scores):.2f}, median {median(scores):.2f}, "
        f"mean {fmean(scores):.2f}, max {max(scores):.2f}.",
        "",
        "| Anchor score | Anchors |",
        "|---|---:|",
    ]
    return lines + [f"| {b / 10:.1f}–{(b + 1) / 10:.1f} | {buckets[b]} |" for b in range(10) if buckets[b]]


def pilot_lines(stats: DatasetStats) -> list[str]:
    """The blind-pilot distribution per domain: how difficulty was calibrated, in numbers."""
    if not stats.pilot_scores:
        return ["No task has a blind pilot yet: difficulty is uncalibrated."]
    summary = stats.pilot_summary()
    lines = ["| Domain | Piloted tasks | Pilot mean | Pilot max |", "|---|---:|---:|---:|"]
    for domain, row in summary["domains"].items():  # type: ignore[union-attr]
        lines.append(f"| {stats.taxonomy.domain_title(domain)} | {row['n']} | {row['mean']:.1%} | {row['max']:.1%} |")
    overall = summary["overall"]
    lines.append(f"| **All** | **{overall['n']}** | **{overall['mean']:.1%}** | **{overall['max']:.1%}** |")  # type: ignore[index]
    return lines
