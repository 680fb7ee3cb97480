"""How far a judge configuration agrees with the expert verdicts stored with the graded anchors.

Each anchor is graded leave-one-out (its own verdicts are never shown to the judge while it is
graded), and every checkpoint gives one (expert, judge) pair. Agreement is reported as accuracy,
Cohen's κ, CDR = P(agree) − P(disagree) (the paper's metric) and macro-F1, with the expert as
truth; the task-score error is judge score minus expert score. Every figure carries a bootstrap
95 % CI over tasks, overall and per domain and per dimension. Configurations (judge model,
extra shots, checkpoints per call) are compared in one table; optional injection suffixes
measure how far a judge's scores move when an answer tries to talk it into credit.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from xpert_pytest.grading.adversarial import INJECTIONS
from xpert_pytest.data.dataset import Benchmark
from xpert_pytest.calls.gateway import ModelClient
from xpert_pytest.grading.judge import JudgeError, ShotJudge
from xpert_pytest.numbers.results import Interval
from xpert_pytest.data.schema import Exemplar, Task
from xpert_pytest.numbers.uncertainty import DEFAULT_RESAMPLES, DEFAULT_SEED, as_interval, draw_counts, mean_ci, paired_diff_ci


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JudgeConfig(Model):
    judge: str
    shots: int = 0
    batch: int = 0

    @property
    def label(self) -> str:
        calls = "one call per task" if not self.batch else f"{self.batch} checkpoints per call"
        return f"{self.judge} · {self.shots}-shot · {calls}"


class Pair(Model):
    checkpoint_id: str
    dimension: str
    expert: bool
    judge: bool


class GradedAnchor(Model):
    task_id: str
    domain: str
    expert_score: float
    judge_score: float | None = None
    pairs: list[Pair] = []
    error: str | None = None
    injected: dict[str, float] = {}


class Agreement(Model):
    checkpoints: int
    tasks: int
    accuracy: Interval
    kappa: Interval
    cdr: Interval
    macro_f1: Interval


class ConfigReport(Model):
    config: JudgeConfig
    label: str
    graded: int
    errors: int
    overall: Agreement | None
    by_domain: dict[str, Agreement]
    by_dimension: dict[str, Agreement]
    score_error_mean: Interval | None
    score_error_mae: Interval | None
    injection_shift: dict[str, Interval]
    anchors: list[GradedAnchor]


class CalibrationReport(Model):
    dataset: str
    fingerprint: str
    resamples: int
    seed: int
    configs: list[ConfigReport]


def _metrics(counts: Any) -> dict[str, Any]:
    """Metrics from stacked [tp, fp, fn, tn] counts (last axis); positive = met, expert = truth."""
    import numpy as np

    tp, fp, fn, tn = (counts[..., i].astype(float) for i in range(4))
    n = tp + fp + fn + tn
    with np.errstate(divide="ignore", invalid="ignore"):
        accuracy = (tp + tn) / n
        expected = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / n**2
        kappa = np.where(expected < 1, (accuracy - expected) / (1 - expected), 1.0)
        f1_met = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 1.0)
        f1_not = np.where(2 * tn + fp + fn > 0, 2 * tn / (2 * tn + fp + fn), 1.0)
    return {"accuracy": accuracy, "kappa": kappa, "cdr": 2 * accuracy - 1, "macro_f1": (f1_met + f1_not) / 2}


def agreement(per_task: Sequence[Sequence[Pair]], resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED) -> Agreement | None:
    """Pooled agreement over tasks, with tasks resampled whole for the intervals."""
    import numpy as np

    rows = [
        [sum(p.judge and p.expert for p in ps), sum(p.judge and not p.expert for p in ps),
         sum(not p.judge and p.expert for p in ps), sum(not p.judge and not p.expert for p in ps)]
        for ps in per_task
        if ps
    ]
    if not rows:
        return None
    counts = np.asarray(rows)
    point = _metrics(counts.sum(axis=0))
    boot = _metrics(draw_counts(len(rows), resamples, seed) @ counts)

    def interval(name: str) -> Interval:
        low, high = np.nanpercentile(boot[name], [2.5, 97.5])
        return Interval(value=float(point[name]), low=float(low), high=float(high), n=len(rows))

    return Agreement(
        checkpoints=int(counts.sum()), tasks=len(rows), accuracy=interval("accuracy"), kappa=interval("kappa"),
        cdr=interval("cdr"), macro_f1=interval("macro_f1"),
    )


async def _grade_anchor(
    judge: ShotJudge, task: Task, anchor: Exemplar, injections: dict[str, str]
) -> GradedAnchor:
    expert = {v.checkpoint_id: v.met for v in anchor.verdicts}
    graded = GradedAnchor(task_id=task.id, domain=task.domain, expert_score=task.score(expert))
    try:
        grading = await judge.grade(task, anchor.response)
    except JudgeError as exc:
        return graded.model_copy(update={"error": str(exc)})
    except Exception as exc:  # provider failures: counted, shown, never scored as disagreement
        return graded.model_copy(update={"error": f"{type(exc).__name__}: {exc}"})
    met = {cid: v.met for cid, v in grading.verdicts.items()}
    shifted = {}
    for name, suffix in injections.items():
        try:
            injected = await judge.grade(task, anchor.response + suffix)
        except Exception as exc:  # an injection that breaks the judge is reported as an error
            return graded.model_copy(update={"error": f"injection {name}: {exc}"})
        shifted[name] = task.score({cid: v.met for cid, v in injected.verdicts.items()})
    dims = {c.id: c.dimension for c in task.rubric}
    return graded.model_copy(
        update={
            "judge_score": task.score(met),
            "pairs": [Pair(checkpoint_id=c, dimension=dims[c], expert=expert[c], judge=met[c]) for c in dims],
            "injected": shifted,
        }
    )


def _grouped(anchors: list[GradedAnchor], key: Callable[[GradedAnchor, Pair], str], resamples: int, seed: int) -> dict[str, Agreement]:
    groups: dict[str, list[list[Pair]]] = {}
    for anchor in anchors:
        per_group: dict[str, list[Pair]] = {}
        for pair in anchor.pairs:
            per_group.setdefault(key(anchor, pair), []).append(pair)
        for name, pairs in per_group.items():
            groups.setdefault(name, []).append(pairs)
    out = {}
    for name, per_task in sorted(groups.items()):
        result = agreement(per_task, resamples, seed)
        if result is not None:
            out[name] = result
    return out


def summarize_config(config: JudgeConfig, anchors: list[GradedAnchor], resamples: int, seed: int) -> ConfigReport:
    ok = [a for a in anchors if a.error is None and a.judge_score is not None]
    errors = [a.judge_score - a.expert_score for a in ok if a.judge_score is not None]
    shift = {}
    for name in sorted({n for a in ok for n in a.injected}):
        pairs = [(a.injected[name], a.judge_score) for a in ok if name in a.injected and a.judge_score is not None]
        diff = paired_diff_ci([p[0] for p in pairs], [p[1] for p in pairs], resamples, seed)
        if diff is not None:
            shift[name] = diff.interval()

    def interval(values: list[float]) -> Interval | None:
        return as_interval(mean_ci(values, resamples, seed))

    return ConfigReport(
        config=config,
        label=config.label,
        graded=len(ok),
        errors=len(anchors) - len(ok),
        overall=agreement([a.pairs for a in ok], resamples, seed),
        by_domain=_grouped(ok, lambda a, p: a.domain, resamples, seed),
        by_dimension=_grouped(ok, lambda a, p: p.dimension, resamples, seed),
        score_error_mean=interval(errors),
        score_error_mae=interval([abs(e) for e in errors]),
        injection_shift=shift,
        anchors=anchors,
    )


def configurations(judges: list[str], shots: list[int], batches: list[int]) -> list[JudgeConfig]:
    return [JudgeConfig(judge=j, shots=s, batch=b) for j, s, b in itertools.product(judges, shots, batches)]


async def _calibrate_config(
    bench: Benchmark, config: JudgeConfig, client: ModelClient, injections: dict[str, str]
) -> list[GradedAnchor]:
    judge = ShotJudge(client, bench, extra_shots=config.shots, batch_size=config.batch, leave_one_out=True)
    tasks = bench.by_id
    jobs = [_grade_anchor(judge, tasks[tid], a, injections) for tid, anchors in sorted(bench.exemplars.items()) for a in anchors]
    return list(await asyncio.gather(*jobs))


def calibrate(
    bench: Benchmark,
    configs: list[JudgeConfig],
    make_client: Callable[[str], ModelClient],
    injections: bool = False,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> CalibrationReport:
    suffixes = INJECTIONS if injections else {}
    reports = []
    for config in configs:
        anchors = asyncio.run(_calibrate_config(bench, config, make_client(config.judge), suffixes))
        reports.append(summarize_config(config, anchors, resamples, seed))
    return CalibrationReport(dataset=bench.name, fingerprint=bench.fingerprint, resamples=resamples, seed=seed, configs=reports)


class Leniency(Model):
    judge: str
    other: str
    tasks: int
    judge_mean: float
    other_mean: float
    difference: Interval | None


def leniency(
    bench: Benchmark, answers: dict[str, str], judge: str, other: str, make_client: Callable[[str], ModelClient],
    resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED,
) -> Leniency:
    """Two judges grade the same answers; judge − other on shared tasks measures relative leniency
    (e.g. toward answers from the judge's own provider family)."""

    async def grade_all(name: str) -> dict[str, float]:
        shot_judge = ShotJudge(make_client(name), bench)
        tasks = bench.by_id

        async def one(task_id: str) -> tuple[str, float | None]:
            try:
                grading = await shot_judge.grade(tasks[task_id], answers[task_id])
            except Exception:  # a judge failure leaves the task out of the paired comparison
                return task_id, None
            return task_id, tasks[task_id].score({c: v.met for c, v in grading.verdicts.items()})

        results = await asyncio.gather(*(one(t) for t in sorted(answers) if t in tasks))
        return {t: s for t, s in results if s is not None}

    first, second = asyncio.run(grade_all(judge)), asyncio.run(grade_all(other))
    shared = sorted(first.keys() & second.keys())
    diff = paired_diff_ci([first[t] for t in shared], [second[t] for t in shared], resamples, seed)
    return Leniency(
        judge=judge, other=other, tasks=len(shared),
        judge_mean=sum(first[t] for t in shared) / len(shared) if shared else 0.0,
        other_mean=sum(second[t] for t in shared) / len(shared) if shared else 0.0,
        difference=as_interval(diff),
    )
