"""`xpert merge`: the shards of one sharded run (`--xpert-shard K/N`) combined into that run.

The runs given must first prove to be the parts of one run: every shard 1..N present exactly
once, all cut from the same whole selection, on the same dataset and anchors, with the same
model, judge and every setting that changes a score. The merged run is then summed up, gated
and given its exit status over all task results by the code that ends an unsharded run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xpert_pytest.data.shards import selection_of
from xpert_pytest.numbers.gates import NO_TESTS
from xpert_pytest.numbers.results import RunResult, Shard, TaskResult
from xpert_pytest.numbers.verdict import GateSettings, conclude

ABNORMAL = {2: "interrupted", 3: "internal error"}  # pytest exit statuses that cut a shard short


class MergeError(ValueError):
    """The runs given are not the complete, consistent set of one sharded run's parts."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Part:
    source: str  # the run folder or results file, as the user named it
    run: RunResult

    @property
    def shard(self) -> Shard:
        assert self.run.shard is not None
        return self.run.shard

    @property
    def label(self) -> str:
        return f"{self.shard.index}/{self.shard.count}"


def _judge(run: RunResult) -> str:
    return " + ".join(run.settings.judges or [run.settings.judge])


# What every shard of one run shares: the whole selection, and all that makes a score what it is.
IDENTITY: tuple[tuple[str, Callable[[RunResult], Any]], ...] = (
    ("number of shards", lambda r: r.shard.count if r.shard else None),
    ("task selection", lambda r: f"{r.shard.selected} task(s), digest {r.shard.selection}" if r.shard else None),
    ("dataset and anchors fingerprint", lambda r: r.dataset_fingerprint),
    ("model", lambda r: r.settings.model),
    ("model revision", lambda r: r.settings.model_revision),
    ("judge", _judge),
    ("pass score", lambda r: r.settings.pass_score),
    ("shots", lambda r: r.settings.shots),
    ("epochs", lambda r: r.settings.epochs),
    ("judge format", lambda r: r.settings.judge_format),
    ("judge template", lambda r: r.settings.judge_template),
    ("recorded answers (--xpert-responses)", lambda r: r.settings.responses),
    ("xpertbench version", lambda r: r.package_version),
)

# The gate options a shard ran with, which the merge applies unless it is given others.
RECORDED: dict[str, Callable[[RunResult], Any]] = {
    "fail_under": lambda r: r.settings.fail_under,
    "fail_under_domain": lambda r: r.settings.fail_under_domain,
    "baseline": lambda r: r.settings.baseline,
    "max_drop": lambda r: r.settings.max_drop,
    "bootstrap": lambda r: r.statistics.resamples if r.statistics else None,
}


def _differences(parts: list[Part]) -> list[str]:
    first = parts[0]
    problems = []
    for name, value in IDENTITY:
        other = next((p for p in parts[1:] if value(p.run) != value(first.run)), None)
        if other is not None:
            problems.append(f"runs differ in {name}: {value(first.run)} ({first.source}) vs {value(other.run)} ({other.source})")
    return problems


def _coverage(parts: list[Part]) -> list[str]:
    """Each shard once, none missing, and their shares making up the selection they record."""
    count = parts[0].shard.count
    problems = []
    by_index = {index: list(group) for index, group in itertools.groupby(sorted(parts, key=lambda p: p.shard.index), lambda p: p.shard.index)}
    for index, group in by_index.items():
        if len(group) > 1:
            sources = ", ".join(p.source for p in group)
            problems.append(f"shard {index}/{count} given {len(group)} times ({sources}): give each shard's run once")
    if missing := [f"{i}/{count}" for i in range(1, count + 1) if i not in by_index]:
        problems.append(f"shard {', '.join(missing)} missing: a merge needs the runs of all {count} shards")
    if problems:
        return problems
    owner: dict[str, Part] = {}
    for part in parts:
        for task_id in part.shard.tasks:
            if task_id in owner:
                problems.append(f"task {task_id} is in shard {owner[task_id].label} ({owner[task_id].source}) and in shard {part.label} ({part.source})")
            owner[task_id] = part
    whole = parts[0].shard
    if not problems and selection_of(owner) != (whole.selection, whole.selected):
        problems.append(f"the shards' shares ({len(owner)} task(s)) do not make up the selection they record ({whole.selected} task(s))")
    return problems


def check(parts: list[Part]) -> list[str]:
    """Why these runs are not the parts of one sharded run; empty when they are."""
    if not parts:
        return ["no run to merge"]
    unsharded = [f"{p.source}: not a shard run (it ran without --xpert-shard): nothing to merge" for p in parts if p.run.shard is None]
    if unsharded:
        return unsharded
    unknown = [
        f"{p.source}: shard {p.label} does not know its whole selection (every pytest worker died before the run ended): rerun it"
        for p in parts if not p.shard.selection
    ]
    return unknown or _differences(parts) or _coverage(parts)


def recorded(parts: list[Part], option: str) -> Any:
    """The value of a gate option the shards ran with; shards that disagree need the merge to be told."""
    first = parts[0]
    value = RECORDED[option](first.run)
    other = next((p for p in parts[1:] if RECORDED[option](p.run) != value), None)
    if other is not None:
        flag = option.replace("_", "-")
        raise MergeError([
            f"runs differ in --xpert-{flag}: {value} ({first.source}) vs {RECORDED[option](other.run)} ({other.source}): "
            f"give --{flag} to xpert merge"
        ])
    return value


def _incomplete(parts: list[Part]) -> str | None:
    reasons = []
    for part in parts:
        cut = [f"pytest ended it with exit status {part.run.exit_status} ({ABNORMAL[part.run.exit_status]})"] if part.run.exit_status in ABNORMAL else []
        if part.run.pending:
            cut.append(f"its batch requests are still pending ({part.run.pending}): collect them with the shard's own command first")
        graded = {t.task_id for t in part.run.tasks}
        if (missing := [t for t in part.shard.tasks if t not in graded]) and not part.run.incomplete:
            cut.append(f"{len(missing)} of its {len(part.shard.tasks)} task(s) have no result")
        if why := "; ".join(cut + ([part.run.incomplete] if part.run.incomplete else [])):
            reasons.append(f"shard {part.label} ({part.source}): {why}")
    return "; ".join(reasons) or None


def pytest_status(tasks: list[TaskResult]) -> int:
    """The status pytest would give a run of these tasks: 1 for any error or task under the pass score."""
    if not tasks:
        return NO_TESTS
    return 1 if any(t.status == "error" or not t.passed for t in tasks) else 0


def merge(parts: list[Part], gates: GateSettings, baseline: str | None = None) -> RunResult:
    """One run's results from all its shards; `baseline` names the baseline file the gates used."""
    if problems := check(parts):
        raise MergeError(problems)
    parts = sorted(parts, key=lambda p: p.shard.index)
    first = parts[0].run
    tasks = sorted(itertools.chain.from_iterable(p.run.tasks for p in parts), key=lambda t: t.task_id)
    incomplete = _incomplete(parts)
    verdict = conclude(
        tasks, gates, judges=len(first.settings.judges or [first.settings.judge]), pytest_status=pytest_status(tasks),
        incomplete=incomplete, lost_calls=sum(p.run.summary.lost_calls for p in parts),
        taxonomy=first.taxonomy, scoring=first.scoring,
    )
    settings = first.settings.model_copy(
        update={"fail_under": gates.fail_under, "fail_under_domain": gates.fail_under_domain, "baseline": baseline, "max_drop": gates.max_drop}
    )
    return RunResult(
        package_version=first.package_version,
        started=min(p.run.started for p in parts),
        finished=max(p.run.finished for p in parts),
        settings=settings,
        dataset_name=first.dataset_name,
        dataset_fingerprint=first.dataset_fingerprint,
        dataset_source=first.dataset_source,
        dataset_format=first.dataset_format,
        taxonomy=first.taxonomy,
        scoring=first.scoring,
        exemplars_source=first.exemplars_source,
        anchors=first.anchors,
        note=first.note,
        self_preference=first.self_preference,
        incomplete=incomplete,
        merged_from=[p.source for p in parts],
        tasks=tasks,
        summary=verdict.summary,
        statistics=verdict.statistics,
        gates=verdict.decision.gates,
        verdict=verdict.decision.lines,
        exit_status=verdict.decision.exit_status,
    )
