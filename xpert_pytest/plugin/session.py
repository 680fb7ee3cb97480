"""One benchmark run's state, independent of pytest: data, engine, collected results, verdict.

The plugin's hooks only move things in and out of this object, so the run can be driven and
tested without pytest.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xpert_pytest import __version__
from xpert_pytest.numbers.aggregate import summarize
from xpert_pytest.numbers.analysis import statistics
from xpert_pytest.calls.budget import Budget
from xpert_pytest.calls.cache import CallCache
from xpert_pytest.calls.concurrency import AdaptiveLimiter
from xpert_pytest.data.dataset import Benchmark, DataError, load_benchmark
from xpert_pytest.data.locate import describe
from xpert_pytest.grading.engine import Candidate, Engine, ModelCandidate
from xpert_pytest.numbers.gates import baseline_gate, decide, evaluate_gates
from xpert_pytest.calls.gateway import ModelClient
from xpert_pytest.grading.judge import EnsembleJudge, Judge, ShotJudge
from xpert_pytest.grading.recorded import RecordedAnswer, RecordedModel, load_answers
from xpert_pytest.grading.replay import ANCHOR_MODEL, EXPERT_JUDGE, REPLAY_NOTE, AnchorModel, ExpertReplayJudge
from xpert_pytest.numbers.results import RunResult, RunSettings, TaskResult, read_results, write_results
from xpert_pytest.data.schema import Task
from xpert_pytest.plugin.settings import Settings, self_preference


@dataclass(frozen=True)
class Finished:
    run: RunResult
    path: Path
    report: Path | None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-").lower()


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
        self.limiter = AdaptiveLimiter(settings.concurrency)

    @property
    def loaded(self) -> bool:
        return self._bench is not None

    def prepare(self) -> None:
        """Read and validate every input file now, so that bad input stops the run before any call."""
        bench = self.bench
        if self.settings.responses is not None and self._answers is None:
            self._answers = load_answers(self.settings.responses, {t.id for t in bench.tasks})
        if self.settings.baseline is not None and self._baseline is None:
            try:
                self._baseline = read_results(self.settings.baseline)
            except (OSError, ValueError) as exc:
                raise DataError([f"{self.settings.baseline}: --xpert-baseline is not a readable results file: {exc}"]) from exc

    @property
    def bench(self) -> Benchmark:
        if self._bench is None:
            self._bench = load_benchmark(self.settings.dataset, self.settings.exemplars)
        return self._bench

    def _client(self, model: str, params: dict[str, object], *, judge: bool = False) -> ModelClient:
        s = self.settings
        if self._cache is None and s.cache is not None:
            self._cache = CallCache(s.cache)
        if self._budget is None and s.max_cost is not None:
            self._budget = Budget(s.report_dir / ".xpert-budget.sqlite", s.run_id, s.max_cost)
        return ModelClient(
            model, dict(params), self._cache, self.limiter, self._budget, s.prices.get(model),
            revision=None if judge else s.model_revision, output=s.judge_format if judge else "off",
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

    def finish(self, pytest_status: int) -> Finished:
        s = self.settings
        summary = summarize(self.results.values(), judges=len(s.judges))
        stats = statistics(self.results.values(), resamples=s.resamples)
        stopped = sum(r.budget_stopped for r in self.results.values())
        incomplete = (
            f"cost budget ${s.max_cost:,.2f} reached: {stopped} task(s) not run or not graded" if stopped else None
        )
        gates = evaluate_gates(summary, s.fail_under, s.fail_under_domain)
        if self._baseline is not None:
            tasks = list(self.results.values())
            gates.append(baseline_gate(tasks, self._baseline.tasks, s.max_drop, resamples=s.resamples))
        decision = decide(summary, gates, pytest_status, incomplete)
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
            ),
            incomplete=incomplete,
            dataset_name=self.bench.name,
            dataset_fingerprint=self.bench.fingerprint,
            dataset_source=describe(s.dataset),
            note=REPLAY_NOTE if s.replay else None,
            self_preference=self_preference(s.model, s.judges),
            tasks=sorted(self.results.values(), key=lambda r: r.task_id),
            summary=summary,
            statistics=stats,
            gates=decision.gates,
            verdict=decision.lines,
            exit_status=decision.exit_status,
        )
        suffix = (s.run_id or uuid.uuid4().hex)[:6]  # two runs started in the same second keep apart
        folder = s.report_dir / f"{self.started:%Y%m%d-%H%M%S}-{_slug(s.model)}-{suffix}"
        path = write_results(run, folder / "results.json")
        report = None
        if s.report:
            from xpert_pytest.views.report import render_run

            report = render_run(run, folder)
        return Finished(run, path, report)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
        if self._cache is not None:
            self._cache.close()
        if self._budget is not None:
            self._budget.close()
