"""One benchmark run's state, independent of pytest: data, engine, collected results, verdict.

The plugin's hooks only move things in and out of this object, so the run can be driven and
tested without pytest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from xpert_pytest import __version__
from xpert_pytest.calls.budget import Budget
from xpert_pytest.calls.cache import CallCache, endpoint
from xpert_pytest.calls.concurrency import AdaptiveLimiter
from xpert_pytest.data.dataset import Benchmark, DataError
from xpert_pytest.data.formats.registry import describe, load
from xpert_pytest.data.shards import Selection
from xpert_pytest.grading.engine import Candidate, Engine, ModelCandidate
from xpert_pytest.calls.gateway import ModelClient
from xpert_pytest.grading.judge import EnsembleJudge, Judge, ShotJudge
from xpert_pytest.grading.recorded import RecordedAnswer, RecordedModel, load_answers
from xpert_pytest.grading.replay import ANCHOR_MODEL, EXPERT_JUDGE, REPLAY_NOTE, AnchorModel, ExpertReplayJudge
from xpert_pytest.numbers.gates import NO_TESTS
from xpert_pytest.numbers.results import RunResult, RunSettings, Shard, TaskResult, read_results, write_results
from xpert_pytest.numbers.verdict import GateSettings, conclude
from xpert_pytest.data.schema import Task
from xpert_pytest.plugin.settings import Settings, check_domain_gates, self_preference, slug

LEDGER_FILE = ".xpert-ledger.sqlite"


class BaselineMismatch(Exception):
    """The baseline was run on another benchmark (data, anchors or judge); comparing would mislead."""


@dataclass(frozen=True)
class Finished:
    run: RunResult
    path: Path
    report: Path | None


def baseline_differences(baseline: RunResult, fingerprint: str, judges: list[str], exemplars: str) -> list[str]:
    """What makes a baseline's scores incomparable with this run's."""
    differences = []
    if baseline.dataset_fingerprint != fingerprint:
        differences.append(f"dataset and anchors fingerprint {baseline.dataset_fingerprint} (baseline) vs {fingerprint} (this run)")
    if (baseline.settings.judges or [baseline.settings.judge]) != judges:
        differences.append(f"judge {baseline.settings.judge} (baseline) vs {' + '.join(judges)} (this run)")
    if baseline.exemplars_source and baseline.exemplars_source != exemplars:
        differences.append(f"anchors from {baseline.exemplars_source} (baseline) vs {exemplars} (this run)")
    return differences


def load_baseline(path: Path, fingerprint: str, judges: list[str], exemplars: str, allow_mismatch: bool) -> RunResult:
    """The baseline's results, refused when they come from another benchmark (unless allowed)."""
    try:
        baseline = read_results(path)
    except (OSError, ValueError) as exc:
        raise DataError([f"{path}: --xpert-baseline is not a readable results file: {exc}"]) from exc
    differences = baseline_differences(baseline, fingerprint, judges, exemplars)
    if differences and not allow_mismatch:
        raise BaselineMismatch(
            f"--xpert-baseline={path} was run on another benchmark: " + "; ".join(differences)
            + ". Its scores are not comparable; rerun the baseline, or pass --xpert-allow-baseline-mismatch"
        )
    return baseline


class XpertSession:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.started = dt.datetime.now(dt.timezone.utc)
        self.results: dict[str, TaskResult] = {}
        self._bench: Benchmark | None = None
        self._engine: Engine | None = None
        self._cache: CallCache | None = None
        self._budget: Budget | None = None
        self._answers: dict[str, RecordedAnswer] | None = None
        self._baseline: RunResult | None = None
        self.selection: Selection | None = None  # a shard's whole selection, once collection knows it
        self.limiter = AdaptiveLimiter(settings.concurrency)

    @property
    def loaded(self) -> bool:
        return self._bench is not None

    def prepare(self) -> None:
        """Read and validate every input file, and open the cache and the ledger, now: bad input
        stops the run before any call is paid for."""
        s = self.settings
        bench = self.bench
        check_domain_gates(s.fail_under_domain, bench.taxonomy, describe(s.dataset))
        if s.responses is not None and self._answers is None:
            self._answers = load_answers(s.responses, {t.id for t in bench.tasks})
        if s.baseline is not None and self._baseline is None:
            self._baseline = load_baseline(s.baseline, bench.fingerprint, s.judges, bench.exemplars_source, s.allow_baseline_mismatch)
        if self._cache is None and s.cache is not None:
            self._cache = CallCache(s.cache)
        if self._budget is None:
            self._budget = Budget(s.report_dir / LEDGER_FILE, self.run_key(), s.run_id, s.max_cost)

    def run_key(self) -> str:
        """What makes two starts the same run for the budget: a rerun after a stop or crash
        continues its spending; only a completed run closes the account."""
        s = self.settings
        identity = [s.model, s.model_revision, endpoint(s.model, s.model_args), s.judges, self.bench.fingerprint, str(s.responses)]
        if s.shard is not None:  # each shard spends from its own --xpert-max-cost
            identity.append(str(s.shard))
        return hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:16]

    @property
    def bench(self) -> Benchmark:
        if self._bench is None:
            self._bench = load(self.settings.dataset, self.settings.exemplars)
        return self._bench

    def _client(self, model: str, params: dict[str, object], *, judge: bool = False) -> ModelClient:
        s = self.settings
        self.prepare()
        return ModelClient(
            model, dict(params), self._cache, self.limiter, self._budget, s.prices.get(model),
            revision=None if judge else s.model_revision, output=s.judge_format if judge else "off",
            deadline=s.call_deadline, stop_at=s.stop_at,
        )

    def _candidate(self) -> Candidate:
        s = self.settings
        if s.responses is not None:
            self.prepare()
            return RecordedModel(s.model, self._answers or {})
        if s.model == ANCHOR_MODEL:
            return AnchorModel(self.bench)
        return ModelCandidate(self._client(s.model, s.model_args))

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            s = self.settings
            candidate = self._candidate()
            judges: list[Judge] = [
                ExpertReplayJudge(self.bench)
                if name == EXPERT_JUDGE
                else ShotJudge(self._client(name, s.judge_args, judge=True), self.bench, extra_shots=s.shots)
                for name in s.judges
            ]
            judge = judges[0] if len(judges) == 1 else EnsembleJudge(judges)
            self._engine = Engine(candidate, judge, s.pass_score, s.epochs)
        return self._engine

    def start(self, tasks: Sequence[Task]) -> None:
        self.engine.submit(tasks)

    def record(self, result: TaskResult) -> None:
        self.results[result.task_id] = result

    def record_crash(self, task_id: str, message: str) -> None:
        """A task whose process died before it reported (an xdist worker crash) is an error, not lost."""
        task = self.bench.by_id.get(task_id)
        if task is None or task_id in self.results:
            return
        last_line = message.strip().splitlines()[-1] if message.strip() else "no report"
        self.results[task_id] = TaskResult(
            task_id=task.id, domain=task.domain, category=task.category, title=task.title, language=task.language,
            status="error", error=f"the process running this task crashed: {last_line}",
        )

    def incomplete(self, selected: Collection[str] | None, stopped_early: str | None) -> str | None:
        """Why the run did not grade every selected task, or None when it did."""
        s = self.settings
        reasons = []
        if stopped := [r for r in self.results.values() if r.stopped]:
            limits = [f"cost budget ${s.max_cost:,.2f}"] if s.max_cost is not None else []
            limits += [f"run deadline of {s.run_deadline:g} s"] if s.run_deadline is not None else []
            reasons.append(f"{' or '.join(limits) or 'a run limit'} reached: {len(stopped)} task(s) not run or not graded")
        missing = [t for t in selected or () if t not in self.results]
        if missing:
            cause = f"pytest stopped early ({stopped_early})" if stopped_early else "the run ended early"
            reasons.append(f"{cause}: {len(missing)} of {len(selected or ())} selected task(s) were not graded")
        elif stopped_early:
            reasons.append(f"pytest stopped early ({stopped_early})")
        return "; ".join(reasons) or None

    def finish(self, pytest_status: int, selected: Collection[str] | None = None, stopped_early: str | None = None) -> Finished:
        """`selected`: ids of every task this run was meant to grade; `stopped_early`: why pytest
        stopped before its end (`-x`, `--maxfail`), if it did."""
        s = self.settings
        lost = self._budget.lost() if self._budget is not None else 0
        if s.shard is not None and pytest_status == NO_TESTS and self.selection is not None and self.selection.count:
            pytest_status = 0  # more shards than selected tasks left this one none: it ran, and the merge needs its record
        bench = self.bench
        incomplete = self.incomplete(selected, stopped_early)
        gates = GateSettings(
            s.fail_under, s.fail_under_domain, self._baseline.tasks if self._baseline is not None else None, s.max_drop, s.resamples
        )
        verdict = conclude(
            self.results.values(), gates, judges=len(s.judges), pytest_status=pytest_status,
            incomplete=incomplete, lost_calls=lost, shard=s.shard is not None, taxonomy=bench.taxonomy, scoring=bench.scoring,
        )
        decision = verdict.decision
        if decision.exit_status in (0, 1, 6) and self._budget is not None:
            self._budget.close_account()
        run = RunResult(
            package_version=__version__,
            started=self.started,
            finished=dt.datetime.now(dt.timezone.utc),
            settings=RunSettings(
                model=s.model, judge=s.judge, judges=s.judges, dataset=s.dataset, pass_score=s.pass_score,
                fail_under=s.fail_under, fail_under_domain=s.fail_under_domain, replay=s.replay,
                shots=s.shots, concurrency=s.concurrency, max_cost_usd=s.max_cost,
                responses=str(s.responses) if s.responses else None, epochs=s.epochs,
                model_revision=s.model_revision, judge_format=s.judge_format,
                baseline=str(s.baseline) if s.baseline else None, max_drop=s.max_drop,
            ),
            incomplete=incomplete,
            shard=self.share(selected),
            dataset_name=bench.name,
            dataset_fingerprint=bench.fingerprint,
            dataset_source=describe(s.dataset),
            dataset_format=bench.format,
            taxonomy=bench.taxonomy,
            scoring=bench.scoring,
            exemplars_source=bench.exemplars_source,
            anchors=bench.anchors,
            note=REPLAY_NOTE if s.replay else None,
            self_preference=self_preference(s.model, s.judges),
            tasks=sorted(self.results.values(), key=lambda r: r.task_id),
            summary=verdict.summary,
            statistics=verdict.statistics,
            gates=decision.gates,
            verdict=decision.lines,
            exit_status=decision.exit_status,
        )
        suffix = (s.run_id or uuid.uuid4().hex)[:6]  # two runs started in the same second keep apart
        part = f"-shard-{s.shard.index}-of-{s.shard.count}" if s.shard is not None else ""
        folder = s.report_dir / f"{self.started:%Y%m%d-%H%M%S}-{slug(s.model)}{part}-{suffix}"
        path = write_results(run, folder / "results.json")
        report = None
        if s.report:
            from xpert_pytest.views.report import render_run

            report = render_run(run, folder)
        return Finished(run, path, report)

    def share(self, selected: Collection[str] | None) -> Shard | None:
        """What a shard records of its share and of the whole selection, for `xpert merge` to check."""
        s = self.settings
        if s.shard is None:
            return None
        whole = self.selection or Selection("", 0)  # unknown only when every xdist worker died before the end
        tasks = sorted(selected) if selected is not None else sorted(self.results)
        return Shard(index=s.shard.index, count=s.shard.count, selection=whole.digest, selected=whole.count, tasks=tasks)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
        if self._cache is not None:
            self._cache.close()
        if self._budget is not None:
            self._budget.close()
