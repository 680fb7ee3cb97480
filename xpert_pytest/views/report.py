"""Self-contained HTML reports rendered from results JSON: one run, or a comparison of runs.

Nothing here calls a model, and the pages request nothing from any host: CSS, SVG charts and
a small script are inline. Everything that came from a model, a judge or a task is escaped by
Jinja's autoescape, or travels as JSON data that the page's script inserts with textContent.
Per-task details are gzip-compressed JSON decoded in the browser on first use, which keeps a
full 1,346-task run well under 15 MB.
"""

from __future__ import annotations

import base64
import gzip
import itertools
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from xpert_pytest.numbers.analysis import statistics
from xpert_pytest.numbers.results import Interval, RunResult, Statistics, TaskResult
from xpert_pytest.data.taxonomy import Taxonomy, category_key
from xpert_pytest.views.templating import environment
from xpert_pytest.numbers.uncertainty import paired_diff_ci

REPORT_FILE = "index.html"


@lru_cache(maxsize=1)
def _environment() -> Any:
    env = environment(autoescape=True)
    env.filters["pct"] = lambda v, digits=1: "–" if v is None else f"{v * 100:.{digits}f}%"
    env.filters["money"] = lambda v: "unknown" if v is None else f"${v:,.4f}"
    env.filters["heat"] = heat_colour
    return env


def heat_colour(value: float | None) -> str:
    """Red (0) through amber to green (1); grey when there is no value."""
    if value is None:
        return "#e5e7eb"
    hue = max(0.0, min(1.0, value)) * 120
    return f"hsl({hue:.0f}, 65%, 82%)"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    low: float | None
    high: float | None
    n: int


def _bars(intervals: dict[str, Interval], label: Any = str) -> list[Bar]:
    return [Bar(label(k), i.value, i.low, i.high, i.n) for k, i in intervals.items()]


def _pack(tasks: list[TaskResult]) -> str:
    """Per-task details as base64(gzip(JSON)), decoded by the page only when someone looks."""
    details = {
        t.task_id: {
            "prompt": t.prompt,
            "response": t.response or "",
            "error": t.error or "",
            "checkpoints": [
                [v.checkpoint_id, v.text, v.weight, v.importance, v.dimension, v.met, v.rationale, *([] if v.credit is None else [v.credit])]
                for v in t.verdicts
            ],
        }
        for t in tasks
    }
    raw = json.dumps(details, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def _task_rows(run: RunResult, taxonomy: Taxonomy) -> list[dict[str, Any]]:
    rows = []
    for t in run.tasks:
        model_cost, judge_cost = t.cost("model"), t.cost("judge")
        missed_essential = sum(1 for v in t.verdicts if v.importance == "essential" and not v.met and v.weight > 0)
        rows.append(
            {
                "id": t.task_id,
                "title": t.title,
                "domain": t.domain,
                "category": t.category,
                "category_title": taxonomy.category_label(category_key(t.domain, t.category)),
                "language": t.language,
                "score": t.score,
                "verdict": t.status if t.status != "scored" else ("pass" if t.passed else "fail"),
                "missed_essential": missed_essential,
                "flags": t.flags(),
                "cost": None if model_cost is None or judge_cost is None else model_cost + judge_cost,
                "latency": sum(c.latency_s for c in t.calls),
                "tokens": t.tokens("model") + t.tokens("judge"),
            }
        )
    return rows


def run_statistics(run: RunResult) -> Statistics:
    """The run's own statistics, or (a file without them) recomputed in its taxonomy and scoring rule."""
    return run.statistics or statistics(run.tasks, taxonomy=run.taxonomy, scoring=run.scoring)


def run_context(run: RunResult) -> dict[str, Any]:
    stats = run_statistics(run)
    taxonomy = run.vocabulary()
    wall = (run.finished - run.started).total_seconds()
    scored = run.summary.overall.scored
    return {
        "run": run,
        "stats": stats,
        "wall": wall,
        "pass_rate": run.summary.overall.passed / scored if scored else None,
        "domain_bars": _bars({d: stats.by_domain[d] for d in taxonomy.domain_order(stats.by_domain)}, taxonomy.domain_title),
        "category_bars": _bars(stats.by_category, lambda key: taxonomy.category_label(key, with_domain=False)),
        "category_rows": _bars(stats.by_category, taxonomy.category_label),
        "dimension_bars": _bars(stats.by_dimension),
        "group_bars": _bars(stats.by_skill_group),
        "skill_groups": stats.skill_groups,
        "summary_domains": run.summary.by_domain,
        "summary_categories": run.summary.by_category,
        "domain_label": taxonomy.domain_title,
        "category_label": taxonomy.category_label,
        "rows": _task_rows(run, taxonomy),
        "errors": [t for t in run.tasks if t.status == "error"],
        "packed": _pack(run.tasks),
        "warning": run.self_preference,
        "domains": taxonomy.domain_order(run.summary.by_domain),
    }


def prepare_report() -> None:
    """Load and compile the run report's template now, not when the run is over."""
    _environment().get_template("report_run.html.j2")


def render_run(run: RunResult, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_FILE
    path.write_text(_environment().get_template("report_run.html.j2").render(**run_context(run)), encoding="utf-8")
    return path


def run_label(run: RunResult) -> str:
    return f"{run.settings.model} · judged by {run.settings.judge} · {run.started:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Entry:
    """One run in a comparison."""

    run: RunResult
    label: str
    stats: Statistics

    @property
    def score(self) -> float:
        return self.stats.overall.value if self.stats.overall else -1.0

    def scores(self) -> dict[str, float]:
        return {t.task_id: t.score for t in self.run.tasks if t.status == "scored" and t.score is not None}


def comparison_context(runs: list[RunResult]) -> dict[str, Any]:
    entries = sorted(
        (Entry(run, run_label(run), run_statistics(run)) for run in runs), key=lambda e: -e.score
    )
    pairs = []
    for a, b in itertools.combinations(entries, 2):
        scores_a, scores_b = a.scores(), b.scores()
        shared = sorted(scores_a.keys() & scores_b.keys())
        diff = paired_diff_ci([scores_a[k] for k in shared], [scores_b[k] for k in shared])
        pairs.append({"a": a.label, "b": b.label, "n": len(shared), "diff": diff})
    taxonomy = next((e.run.taxonomy for e in entries if e.run.taxonomy is not None), None) or runs[0].vocabulary()
    domains = taxonomy.domain_order(d for e in entries for d in e.stats.by_domain)
    dimensions = taxonomy.dimension_order(d for e in entries for d in e.stats.by_dimension)
    return {"entries": entries, "pairs": pairs, "domains": domains, "dimensions": dimensions, "domain_label": taxonomy.domain_title}


def render_comparison(runs: list[RunResult], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_FILE
    context = comparison_context(runs)
    path.write_text(_environment().get_template("report_compare.html.j2").render(**context), encoding="utf-8")
    return path


def render_calibration(report: Any, folder: Path) -> Path:
    """`report` is a calibration.CalibrationReport."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_FILE
    path.write_text(_environment().get_template("report_calibration.html.j2").render(report=report), encoding="utf-8")
    return path
