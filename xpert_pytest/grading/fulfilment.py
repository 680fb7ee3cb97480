"""How far judge configurations agree with ProfBench's expert fulfilment labels, as ProfBench measures it.

Every (report, criterion) is one prediction with the expert's label as truth, pooled:
macro-F1 is the mean F1 over the classes that occur (in the labels or the predictions), as
scikit-learn's `average="macro"` computes it; per domain and per criterion type the same over
their criteria. The bias of a judge towards one responding model is the mean of judge − expert
over that model's criteria (1 met, 0 not); the bias index is the largest minus the smallest of the
three, and MF1−BI their difference, all on a 0..1 scale (ProfBench prints them × 100). Intervals
are bootstrap 95 % CIs resampling ProfBench tasks whole.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from xpert_pytest.calls.gateway import ModelClient
from xpert_pytest.data.formats.labelled import Labelled, MetaSet
from xpert_pytest.data.formats.profbench_labels import MODELS, RATER
from xpert_pytest.grading.calibration import JudgeConfig, Model
from xpert_pytest.grading.human_labels import LabelledReport, grade_lines, interval_of, pair_counts
from xpert_pytest.grading.template_judge import JudgeTemplate
from xpert_pytest.numbers.results import Interval
from xpert_pytest.numbers.uncertainty import DEFAULT_RESAMPLES, DEFAULT_SEED, draw_counts

METHOD = (
    "macro-F1 against the expert's fulfilment label (ProfBench; classes that occur); bias index = max - min over "
    f"{', '.join(MODELS)} of mean(judge - expert); 95% bootstrap CI over ProfBench tasks"
)
WIDTH = 4 + 2 * len(MODELS)  # tp, fp, fn, tn, then (Σ judge − expert, criteria) per responding model


class Fulfilment(Model):
    criteria: int
    tasks: int
    macro_f1: Interval | None


class FulfilmentJudge(Model):
    config: JudgeConfig
    label: str
    graded: int
    errors: int
    overall: Fulfilment | None
    by_domain: dict[str, Fulfilment]
    by_criterion_type: dict[str, Fulfilment]
    bias: dict[str, Interval]
    bias_index: Interval | None
    mf1_minus_bi: Interval | None
    failures: dict[str, str]


class FulfilmentReport(LabelledReport):
    tasks: int
    configs: list[FulfilmentJudge]


def macro_f1(counts: Any) -> Any:
    """Mean F1 over the classes present, from [tp, fp, fn, tn, …] on the last axis; NaN with no pairs."""
    import numpy as np

    tp, fp, fn, tn = (np.asarray(counts, dtype=float)[..., i] for i in range(4))
    met_present, not_present = tp + fp + fn > 0, tn + fp + fn > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        met = np.where(met_present, 2 * tp / (2 * tp + fp + fn), 0.0)
        not_met = np.where(not_present, 2 * tn / (2 * tn + fp + fn), 0.0)
        return (met + not_met) / (met_present.astype(float) + not_present)


def bias_index(counts: Any) -> tuple[Any, Any]:
    """(per-model bias, shape … × models; bias index) from the model columns of `counts`."""
    import numpy as np

    array = np.asarray(counts, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        bias = array[..., 4::2] / array[..., 5::2]
    return bias, bias.max(axis=-1) - bias.min(axis=-1)


def _rows(lines: Iterable[Labelled], verdicts: dict[tuple[str, str], bool]) -> dict[str, list[float]]:
    """Per ProfBench task, the counts of its graded criteria."""
    tasks: dict[str, list[float]] = {}
    for line in lines:
        key = (line.task_id, line.checkpoint_id)
        if key not in verdicts:
            continue
        row = tasks.setdefault(line.prompt_id, [0.0] * WIDTH)
        judge, expert = verdicts[key], line.labels[RATER]
        for i, count in enumerate(pair_counts(judge, [expert])):
            row[i] += count
        column = 4 + 2 * MODELS.index(line.facets["model"][0])
        row[column] += int(judge) - int(expert)
        row[column + 1] += 1
    return tasks


def _agreement(lines: list[Labelled], verdicts: dict[tuple[str, str], bool], resamples: int, seed: int) -> tuple[Fulfilment | None, Any, Any]:
    import numpy as np

    rows = _rows(lines, verdicts)
    if not rows:
        return None, None, None
    matrix = np.asarray(list(rows.values()))
    boot = draw_counts(len(matrix), resamples, seed) @ matrix
    total = matrix.sum(axis=0)
    found = Fulfilment(
        criteria=int(total[:4].sum()), tasks=len(matrix), macro_f1=interval_of(macro_f1(total), macro_f1(boot), len(matrix))
    )
    return found, total, boot


def judge_fulfilment(
    config: JudgeConfig, lines: list[Labelled], verdicts: dict[tuple[str, str], bool], failures: dict[str, str],
    completions: int, resamples: int, seed: int,
) -> FulfilmentJudge:
    overall, total, boot = _agreement(lines, verdicts, resamples, seed)
    bias: dict[str, Interval] = {}
    index = combined = None
    if overall is not None:
        point_bias, point_index = bias_index(total)
        boot_bias, boot_index = bias_index(boot)
        for i, model in enumerate(MODELS):
            if (found := interval_of(point_bias[i], boot_bias[:, i], overall.tasks)) is not None:
                bias[model] = found
        index = interval_of(point_index, boot_index, overall.tasks)
        combined = interval_of(macro_f1(total) - point_index, macro_f1(boot) - boot_index, overall.tasks)

    def grouped(keys: Callable[[Labelled], Iterable[str]]) -> dict[str, Fulfilment]:
        groups: dict[str, list[Labelled]] = {}
        for line in lines:
            for key in keys(line):
                groups.setdefault(key, []).append(line)
        found = {name: _agreement(group, verdicts, resamples, seed)[0] for name, group in sorted(groups.items())}
        return {name: agreement for name, agreement in found.items() if agreement is not None}

    return FulfilmentJudge(
        config=config, label=config.label, graded=completions - len(failures), errors=len(failures), overall=overall,
        by_domain=grouped(lambda line: [line.category]), by_criterion_type=grouped(lambda line: line.facets["criterion_type"]),
        bias=bias, bias_index=index, mf1_minus_bi=combined, failures=failures,
    )


def calibrate_fulfilment(
    spec: str, meta: MetaSet, configs: list[JudgeConfig], make_client: Callable[[str], ModelClient],
    resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED, template: JudgeTemplate | None = None,
) -> FulfilmentReport:
    reports = []
    for config in configs:
        verdicts, failures = asyncio.run(grade_lines(meta, config, make_client(config.judge), template))
        reports.append(judge_fulfilment(config, meta.lines, verdicts, failures, len(meta.bench.tasks), resamples, seed))
    return FulfilmentReport(
        labels=spec, format=meta.bench.format, fingerprint=meta.bench.fingerprint, lines=len(meta.lines),
        completions=len(meta.bench.tasks), tasks=len({line.prompt_id for line in meta.lines}), method=METHOD,
        resamples=resamples, seed=seed, configs=reports, judge_template=template.label if template is not None else None,
    )
