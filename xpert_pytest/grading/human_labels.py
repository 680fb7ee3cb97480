"""How far judge configurations agree with physicians, as HealthBench's meta-evaluation measures it.

Each labelled (completion, criterion) line is graded by the judge under test through ShotJudge,
one call per completion (or per batch of its criteria). Agreement is the published *pairwise*
metric: every (rater's label, another physician's label) pair on a line is one prediction with
the other physician as truth, pooled over all lines; F1 is computed for "met" and for "not met"
and the balanced macro-F1 is their mean, undefined when either class's precision or recall has
no pairs. The judge is paired with every physician on a line. Each physician is scored the same
way leave-one-out: paired with every *other* physician on the lines they labelled (pairwise, not
against a majority), and the panel is summarised by the mean and range of the physicians' values
(physicians whose value is undefined are left out). Intervals are bootstrap 95 % CIs resampling
whole prompts (all completions and criteria of one conversation together), overall and per
category.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from xpert_pytest.calls.gateway import ModelClient
from xpert_pytest.data.formats.labelled import Labelled, MetaSet
from xpert_pytest.grading.calibration import JudgeConfig, Model
from xpert_pytest.grading.judge import Judge, JudgeError, ShotJudge
from xpert_pytest.grading.template_judge import JudgeTemplate, TemplateJudge
from xpert_pytest.numbers.results import Interval
from xpert_pytest.numbers.uncertainty import DEFAULT_RESAMPLES, DEFAULT_SEED, LEVEL, Estimate, draw_counts

METHOD = (
    "pairwise balanced macro-F1 (HealthBench meta-evaluation): the judge against each physician's label; "
    "each physician leave-one-out against each other physician's; 95% bootstrap CI over prompts"
)
TP, FP, FN, TN = range(4)


class RaterAgreement(Model):
    pairs: int
    prompts: int
    macro_f1: Interval | None  # None: undefined (a class with no pairs to measure it)
    f1_met: float | None
    f1_not_met: float | None


class Panel(Model):
    """The physicians scored leave-one-out: the mean of their values with its CI, and their range."""

    physicians: int
    mean: Interval | None
    low: float | None
    high: float | None
    each: dict[str, RaterAgreement]


class JudgeLabels(Model):
    config: JudgeConfig
    label: str
    graded: int
    errors: int
    overall: RaterAgreement | None
    by_category: dict[str, RaterAgreement]
    failures: dict[str, str]  # task id -> why the judge gave no verdicts


class LabelledReport(Model):
    """What every `calibrate --labels` report says of its input and method."""

    labels: str
    judge_template: str | None = None  # the user's grader prompt, when not ShotJudge's
    format: str
    fingerprint: str
    lines: int
    completions: int
    method: str
    resamples: int
    seed: int


class LabelsReport(LabelledReport):
    prompts: int
    physicians: int
    configs: list[JudgeLabels]
    panel: Panel
    panel_by_category: dict[str, Panel]


def pair_counts(label: bool, others: Iterable[bool]) -> list[int]:
    """[tp, fp, fn, tn] of one rater's label against each of the others' as truth."""
    counts = [0, 0, 0, 0]
    for truth in others:
        counts[(TP if truth else FP) if label else (FN if truth else TN)] += 1
    return counts


def balanced_f1(counts: Any) -> tuple[Any, Any, Any]:
    """(macro-F1, F1 met, F1 not met) from [tp, fp, fn, tn] on the last axis; NaN where undefined.

    As published, a class's F1 is undefined when its precision or its recall has no pairs."""
    import numpy as np

    tp, fp, fn, tn = (np.asarray(counts, dtype=float)[..., i] for i in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        met = np.where((tp + fp > 0) & (tp + fn > 0), 2 * tp / (2 * tp + fp + fn), np.nan)
        not_met = np.where((tn + fn > 0) & (tn + fp > 0), 2 * tn / (2 * tn + fp + fn), np.nan)
    return (met + not_met) / 2, met, not_met


def interval_of(point: Any, boot: Any, n: int) -> Interval | None:
    """A point with the percentile interval of its resamples, those where it is undefined left out."""
    import numpy as np

    if np.isnan(point):
        return None
    tail = (1 - LEVEL) / 2 * 100
    with np.errstate(invalid="ignore"):
        defined = boot[~np.isnan(boot)]
    low, high = np.percentile(defined, [tail, 100 - tail]) if defined.size else (np.nan, np.nan)
    return Estimate(float(point), float(low), float(high), n).interval()


def _optional(value: Any) -> float | None:
    import numpy as np

    return None if np.isnan(value) else float(value)


class _Counts:
    """Pair counts by prompt, the unit the bootstrap resamples; only prompts with pairs are held."""

    def __init__(self) -> None:
        self.by_prompt: dict[str, list[int]] = {}

    def add(self, prompt: str, counts: list[int]) -> None:
        if sum(counts):
            held = self.by_prompt.setdefault(prompt, [0, 0, 0, 0])
            for i, count in enumerate(counts):
                held[i] += count

    def matrix(self, prompts: Sequence[str]) -> Any:
        import numpy as np

        return np.asarray([self.by_prompt.get(p, [0, 0, 0, 0]) for p in prompts], dtype=float).reshape(len(prompts), 4)


def _agreement(counts: _Counts, resamples: int, seed: int) -> RaterAgreement | None:
    import numpy as np

    if not counts.by_prompt:
        return None
    used = counts.matrix(sorted(counts.by_prompt))
    point, met, not_met = balanced_f1(used.sum(axis=0))
    boot = balanced_f1(draw_counts(len(used), resamples, seed) @ used)[0]
    return RaterAgreement(
        pairs=int(used.sum()), prompts=len(used), macro_f1=interval_of(float(point), np.asarray(boot), len(used)),
        f1_met=_optional(met), f1_not_met=_optional(not_met),
    )


def _panel(by_physician: dict[str, _Counts], resamples: int, seed: int) -> Panel:
    """Every physician resampled over the same prompts, so the CI of the mean is the panel's."""
    import numpy as np

    names = sorted(by_physician)
    each = {name: a for name in names if (a := _agreement(by_physician[name], resamples, seed)) is not None}
    prompts = sorted({p for counts in by_physician.values() for p in counts.by_prompt})
    if not prompts:
        return Panel(physicians=0, mean=None, low=None, high=None, each=each)
    stacked = np.stack([by_physician[name].matrix(prompts) for name in names])  # physicians × prompts × 4
    points = balanced_f1(stacked.sum(axis=1))[0]
    defined = points[~np.isnan(points)]
    if not defined.size:
        return Panel(physicians=0, mean=None, low=None, high=None, each=each)
    draws = draw_counts(len(prompts), resamples, seed)
    boot = balanced_f1(np.tensordot(draws, stacked, axes=([1], [1])))[0]  # resamples × physicians
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a resample in which no physician has a value
        boot_mean = np.nanmean(boot, axis=1)
    return Panel(
        physicians=int(defined.size), mean=interval_of(float(defined.mean()), boot_mean, len(prompts)),
        low=float(defined.min()), high=float(defined.max()), each=each,
    )


def physician_panels(lines: list[Labelled], resamples: int, seed: int) -> tuple[Panel, dict[str, Panel]]:
    overall: dict[str, _Counts] = {}
    by_category: dict[str, dict[str, _Counts]] = {}
    for line in lines:
        for name, label in line.labels.items():
            others = [v for other, v in line.labels.items() if other != name]
            counts = pair_counts(label, others)
            for table in (overall, by_category.setdefault(line.category, {})):
                table.setdefault(name, _Counts()).add(line.prompt_id, counts)
    return _panel(overall, resamples, seed), {c: _panel(t, resamples, seed) for c, t in sorted(by_category.items())}


def judge_agreement(
    config: JudgeConfig, lines: list[Labelled], verdicts: dict[tuple[str, str], bool], failures: dict[str, str],
    completions: int, resamples: int, seed: int,
) -> JudgeLabels:
    overall = _Counts()
    by_category: dict[str, _Counts] = {}
    for line in lines:
        key = (line.task_id, line.checkpoint_id)
        if key not in verdicts:
            continue
        counts = pair_counts(verdicts[key], line.labels.values())
        overall.add(line.prompt_id, counts)
        by_category.setdefault(line.category, _Counts()).add(line.prompt_id, counts)
    categories = {c: a for c, t in sorted(by_category.items()) if (a := _agreement(t, resamples, seed)) is not None}
    return JudgeLabels(
        config=config, label=config.label, graded=completions - len(failures), errors=len(failures),
        overall=_agreement(overall, resamples, seed), by_category=categories, failures=failures,
    )


async def grade_lines(
    meta: MetaSet, config: JudgeConfig, client: ModelClient, template: JudgeTemplate | None = None
) -> tuple[dict[tuple[str, str], bool], dict[str, str]]:
    """`template`: the user's own grader prompt (`--judge-template`) instead of ShotJudge's, so
    that a published grader's agreement with experts can be reproduced with its own prompt."""
    judge: Judge = (
        TemplateJudge(client, template) if template is not None
        else ShotJudge(client, meta.bench, extra_shots=config.shots, batch_size=config.batch)
    )

    async def one(task_id: str) -> tuple[str, dict[str, bool] | str]:
        try:
            grading = await judge.grade(meta.bench.by_id[task_id], meta.answers[task_id])
        except JudgeError as exc:
            return task_id, str(exc)
        except Exception as exc:  # provider failures: counted and shown, never scored as disagreement
            return task_id, f"{type(exc).__name__}: {exc}"
        return task_id, {cid: v.met for cid, v in grading.verdicts.items()}

    verdicts: dict[tuple[str, str], bool] = {}
    failures: dict[str, str] = {}
    for task_id, outcome in await asyncio.gather(*(one(t.id) for t in meta.bench.tasks)):
        if isinstance(outcome, str):
            failures[task_id] = outcome
        else:
            verdicts.update({(task_id, cid): met for cid, met in outcome.items()})
    return verdicts, failures


def calibrate_labels(
    spec: str, meta: MetaSet, configs: list[JudgeConfig], make_client: Callable[[str], ModelClient],
    resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED, template: JudgeTemplate | None = None,
) -> LabelsReport:
    panel, panel_by_category = physician_panels(meta.lines, resamples, seed)
    reports = []
    for config in configs:
        verdicts, failures = asyncio.run(grade_lines(meta, config, make_client(config.judge), template))
        reports.append(judge_agreement(config, meta.lines, verdicts, failures, len(meta.bench.tasks), resamples, seed))
    return LabelsReport(
        labels=spec, format=meta.bench.format, fingerprint=meta.bench.fingerprint, lines=len(meta.lines),
        completions=len(meta.bench.tasks), prompts=len({line.prompt_id for line in meta.lines}),
        physicians=len({name for line in meta.lines for name in line.labels}), method=METHOD,
        resamples=resamples, seed=seed, configs=reports, panel=panel, panel_by_category=panel_by_category,
        judge_template=template.label if template is not None else None,
    )
