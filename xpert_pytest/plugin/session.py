"""One benchmark run's state, independent of pytest: data, engine, collected results, verdict.

The plugin's hooks only move things in and out of this object, so the run can be driven and
tested without pytest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xpert_pytest import __version__
from xpert_pytest.calls.batch_api import BatchUnsupported, provider_of
from xpert_pytest.calls.batch_state import BatchStateError, find_open, open_state
from xpert_pytest.calls.batching import BatchClient, BatchLink
from xpert_pytest.calls.budget import Budget
from xpert_pytest.calls.cache import CallCache, endpoint, relevant_params
from xpert_pytest.calls.concurrency import AdaptiveLimiter
from xpert_pytest.data.dataset import Benchmark, DataError
from xpert_pytest.data.formats.registry import describe, load
from xpert_pytest.data.shards import Selection
from xpert_pytest.grading.batch_rounds import Rounds, info, report, run_phase
from xpert_pytest.grading.engine import Candidate, Engine, ModelCandidate
from xpert_pytest.calls.gateway import ModelClient
from xpert_pytest.grading.judge import EnsembleJudge, Judge, ShotJudge
from xpert_pytest.grading.recorded import RecordedAnswer, RecordedModel, load_answers
from xpert_pytest.grading.replay import ANCHOR_MODEL, EXPERT_JUDGE, REPLAY_NOTE, AnchorModel, ExpertReplayJudge
from xpert_pytest.numbers.gates import NO_TESTS
from xpert_pytest.numbers.results import BatchReport, RunResult, RunSettings, Shard, TaskResult, read_results, write_results
from xpert_pytest.numbers.verdict import GateSettings, conclude
from xpert_pytest.data.schema import Task
from xpert_pytest.plugin.settings import Settings, SettingsError, check_domain_gates, self_preference, slug

if TYPE_CHECKING:
    from xpert_pytest.grading.template_judge import JudgeTemplate

LEDGER_FILE = ".xpert-ledger.sqlite"


class BaselineMismatch(Exception):
    """The baseline was run on another benchmark (data, anchors or judge); comparing would mislead."""


class BatchSetupError(Exception):
    """Batch mode cannot run with these settings (a provider without batches, another run's state)."""


def _load_summing_up(report: bool) -> None:
    from xpert_pytest.numbers.uncertainty import prepare_intervals

    prepare_intervals()
    if report:
        from xpert_pytest.views.report import prepare_report

        prepare_report()


@dataclass(frozen=True)
class Finished:
    run: RunResult
    path: Path
    report: Path | None


def baseline_differences(
    baseline: RunResult, fingerprint: str, judges: list[str], exemplars: str, template: str | None = None
) -> list[str]:
    """What makes a baseline's scores incomparable with this run's; `template` is this run's
    judge template as recorded (path and digest), None for ShotJudge's own prompt."""
    differences = []
    if baseline.dataset_fingerprint != fingerprint:
        differences.append(f"dataset and anchors fingerprint {baseline.dataset_fingerprint} (baseline) vs {fingerprint} (this run)")
    if (baseline.settings.judges or [baseline.settings.judge]) != judges:
        differences.append(f"judge {baseline.settings.judge} (baseline) vs {' + '.join(judges)} (this run)")
    if baseline.exemplars_source and baseline.exemplars_source != exemplars:
        differences.append(f"anchors from {baseline.exemplars_source} (baseline) vs {exemplars} (this run)")
    if baseline.settings.judge_template != template:
        differences.append(
            f"judge prompt {baseline.settings.judge_template or 'ShotJudge'} (baseline) vs {template or 'ShotJudge'} (this run)"
        )
    return differences


def load_baseline(
    path: Path, fingerprint: str, judges: list[str], exemplars: str, allow_mismatch: bool, template: str | None = None
) -> RunResult:
    """The baseline's results, refused when they come from another benchmark (unless allowed)."""
    try:
        baseline = read_results(path)
    except (OSError, ValueError) as exc:
        raise DataError([f"{path}: --xpert-baseline is not a readable results file: {exc}"]) from exc
    differences = baseline_differences(baseline, fingerprint, judges, exemplars, template)
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
        self._preparing: threading.Thread | None = None
        self._bench: Benchmark | None = None
        self._engine: Engine | None = None
        self._cache: CallCache | None = None
        self._budget: Budget | None = None
        self._answers: dict[str, RecordedAnswer] | None = None
        self._baseline: RunResult | None = None
        self._template: JudgeTemplate | None = None
        self.selection: Selection | None = None  # a shard's whole selection, once collection knows it
        self._link: BatchLink | None = None
        self._batch_clients: dict[tuple[str, str], BatchClient] = {}
        self.batch_report: BatchReport | None = None
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
        if s.judge_template is not None and self._template is None:
            self._template = self._read_template(s.judge_template)
        if s.baseline is not None and self._baseline is None:
            self._baseline = load_baseline(
                s.baseline, bench.fingerprint, s.judges, bench.exemplars_source, s.allow_baseline_mismatch, self.judge_template()
            )
        if self._cache is None and s.cache is not None:
            self._cache = CallCache(s.cache)
        if self._budget is None:
            self._budget = Budget(s.report_dir / LEDGER_FILE, self.run_key(), s.run_id, s.max_cost)
        if s.batch and self._link is None:
            self._link = self._open_batch_run()

    def batch_identity(self) -> dict[str, str]:
        """Everything that shapes a batch run's requests, by name: a command that differs is told what."""
        s = self.settings
        judge = s.judges[0]
        return {
            "model": s.model, "model revision": s.model_revision or "-",
            "model endpoint": endpoint(s.model, s.model_args) or "-",
            "model settings": json.dumps(relevant_params(s.model_args), sort_keys=True),
            "judges": s.judge, "judge endpoint": endpoint(judge, s.judge_args) or "-",
            "judge settings": json.dumps(relevant_params(s.judge_args), sort_keys=True),
            "dataset fingerprint": self.bench.fingerprint, "responses": str(s.responses) if s.responses else "-",
            "epochs": str(s.epochs), "shots": str(s.shots), "judge format": s.judge_format,
        }

    def _open_batch_run(self) -> BatchLink:
        """The batch run this command continues, or a new one: named by --xpert-batch-run, else the
        newest unfinished one of the same settings under the report dir; checked before any call."""
        s = self.settings
        for model, params in self._called_models():
            try:
                provider_of(model, params)
            except BatchUnsupported as exc:
                raise BatchSetupError(f"--xpert-batch: {exc}") from exc
        identity = self.batch_identity()
        key = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]
        if s.batch_folder is not None:  # an xdist worker: the controller chose the folder
            return BatchLink(s.batch_folder, None, key, identity, s.run_id, owner=False)
        folder = s.batch_run or find_open(s.report_dir, key) or self._new_folder()
        try:
            state = open_state(folder, key, identity, given=s.batch_run is not None)
        except BatchStateError as exc:
            raise BatchSetupError(str(exc)) from exc
        return BatchLink(folder, state, key, identity, s.run_id, owner=True)

    def _called_models(self) -> list[tuple[str, dict[str, Any]]]:
        s = self.settings
        models = [] if s.responses is not None or s.model == ANCHOR_MODEL else [(s.model, s.model_args)]
        return models + [(judge, s.judge_args) for judge in s.judges if judge != EXPERT_JUDGE]

    def _new_folder(self) -> Path:
        s = self.settings
        suffix = (s.run_id or uuid.uuid4().hex)[:6]  # two runs started in the same second keep apart
        part = f"-shard-{s.shard.index}-of-{s.shard.count}" if s.shard is not None else ""
        return s.report_dir / f"{self.started:%Y%m%d-%H%M%S}-{slug(s.model)}{part}-{suffix}"

    @property
    def batch_folder(self) -> Path | None:
        return None if self._link is None else self._link.folder

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
        args: tuple[Any, ...] = (model, dict(params), self._cache, self.limiter, self._budget, s.prices.get(model))
        options: dict[str, Any] = {
            "revision": None if judge else s.model_revision, "output": s.judge_format if judge else "off",
            "deadline": s.call_deadline, "stop_at": s.stop_at,
        }
        if self._link is None:
            return ModelClient(*args, **options)
        role = "judge" if judge else "model"
        client = BatchClient(*args, link=self._link, role=role, batch_price=s.batch_prices.get(model), **options)
        self._batch_clients[role, model] = client
        return client

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
                else self._judge(name)
                for name in s.judges
            ]
            judge = judges[0] if len(judges) == 1 else EnsembleJudge(judges)
            self._engine = Engine(candidate, judge, s.pass_score, s.epochs)
        return self._engine

    def _read_template(self, path: str) -> JudgeTemplate:
        """`--xpert-judge-template`, read once and tried on the first task before any call, so
        that every judge and every record of the run use the same bytes."""
        from xpert_pytest.grading.template_judge import TemplateError, check_renders, load_template

        try:
            template = load_template(path)
            check_renders(template, self.bench.tasks[0])
        except TemplateError as exc:
            raise SettingsError(str(exc)) from None
        return template

    def judge_template(self) -> str | None:
        """The judge template as results record it, `PATH (sha256 PREFIX)`: a baseline graded
        with another prompt, or a shard with another one, is not comparable."""
        return None if self._template is None else self._template.label

    def _judge(self, name: str) -> Judge:
        s = self.settings
        client = self._client(name, s.judge_args, judge=True)
        if self._template is None:
            return ShotJudge(client, self.bench, extra_shots=s.shots)
        from xpert_pytest.grading.template_judge import TemplateJudge

        return TemplateJudge(client, self._template)

    def start(self, tasks: Sequence[Task]) -> None:
        self.engine.submit(tasks)

    def run_batches(self, tasks: Sequence[Task], say: Callable[[str], None]) -> BatchReport:
        """The batch phase, before any test: collect, plan, submit, and (--xpert-batch-wait) wait."""
        s = self.settings
        engine = self.engine
        link = self._link
        assert link is not None and link.owner
        rounds = Rounds(max_lines=s.batch_size, wait=s.batch_wait, poll=s.batch_poll, stop_at=s.stop_at, say=say)
        phase = engine.call(
            run_phase(link, self._batch_clients, list(tasks), engine.candidate, engine.judge, s.pass_score, s.epochs, rounds)
        )
        self.batch_report = report(link, phase)
        return self.batch_report

    def record(self, result: TaskResult) -> None:
        first = not self.results
        self.results[result.task_id] = result
        if first:
            self._prepare_summing_up()

    def _prepare_summing_up(self) -> None:
        """What summing up needs, made ready at the first result, while calls are still in flight
        and this process mostly waits for them: numpy for the intervals and the report's compiled
        template would otherwise be loaded after the last answer, where the run waits for them.
        In a thread of its own, because Ctrl-C interrupts the main thread: there it could stop
        an import half-way, and leave the summing up a half-imported module. Summing up waits for
        it, so it never outlives the run holding an import lock that a finaliser at exit needs."""
        self._preparing = threading.Thread(target=_load_summing_up, args=(self.settings.report,), name="xpert-prepare")
        self._preparing.start()

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

    def batch_phase_failed(self, error: str) -> None:
        """A files or batches call failed: what was collected stays; tasks it leaves unanswered are errors."""
        link = self._link
        assert link is not None
        link.failure = error
        state = link.state
        self.batch_report = BatchReport(
            state_file=str(link.state_path), live=[info(b) for b in state.live()] if state else [], error=error,
        )

    def pending(self) -> str | None:
        """Why the run waits for its batches, or None when no task does."""
        waiting = [r for r in self.results.values() if r.status == "pending"]
        if not waiting:
            return None
        batch = self.batch_report
        where = "provider batches"
        if batch is not None:
            where = f"{batch.waiting_requests:,} request(s) in {len(batch.live)} batch(es) ({batch.state_file})"
        cut = "the run deadline ended the wait; " if batch is not None and batch.deadline else ""
        return f"{len(waiting):,} task(s) wait for {where}; {cut}run the same command again to collect"

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
        if self._preparing is not None:
            self._preparing.join()
        s = self.settings
        lost = self._budget.lost() if self._budget is not None else 0
        if s.shard is not None and pytest_status == NO_TESTS and self.selection is not None and self.selection.count:
            pytest_status = 0  # more shards than selected tasks left this one none: it ran, and the merge needs its record
        bench = self.bench
        incomplete = self.incomplete(selected, stopped_early)
        pending = self.pending()
        gates = GateSettings(
            s.fail_under, s.fail_under_domain, self._baseline.tasks if self._baseline is not None else None, s.max_drop, s.resamples
        )
        verdict = conclude(
            self.results.values(), gates, judges=len(s.judges), pytest_status=pytest_status, incomplete=incomplete,
            pending=pending, lost_calls=lost, shard=s.shard is not None, taxonomy=bench.taxonomy, scoring=bench.scoring,
        )
        decision = verdict.decision
        if decision.exit_status in (0, 1, 6) and self._budget is not None:
            self._budget.close_account()
        if decision.exit_status in (0, 1, 6) and self._link is not None:
            self._close_batch_run()
        run = RunResult(
            package_version=__version__,
            started=self.started,
            finished=dt.datetime.now(dt.timezone.utc),
            settings=RunSettings(
                model=s.model, judge=s.judge, judges=s.judges, dataset=s.dataset, pass_score=s.pass_score,
                fail_under=s.fail_under, fail_under_domain=s.fail_under_domain, replay=s.replay,
                shots=s.shots, concurrency=s.concurrency, max_cost_usd=s.max_cost,
                responses=str(s.responses) if s.responses else None, epochs=s.epochs,
                model_revision=s.model_revision, judge_format=s.judge_format, batch=s.batch,
                judge_template=self.judge_template(),
                baseline=str(s.baseline) if s.baseline else None, max_drop=s.max_drop,
            ),
            incomplete=incomplete,
            pending=pending,
            batch=self.batch_report,
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
        folder = self.batch_folder or self._new_folder()
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

    def _close_batch_run(self) -> None:
        """The run reached its verdict: the next command starts a new batch run, unless requests
        were lost with a batch in this invocation (the next one submits just those again)."""
        link = self._link
        if link is None or not link.owner or link.state is None or link.store.lost(link.invocation):
            return
        link.state.closed = dt.datetime.now(dt.timezone.utc)
        link.save()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
        if self._link is not None:
            self._link.close()
        if self._cache is not None:
            self._cache.close()
        if self._budget is not None:
            self._budget.close()
