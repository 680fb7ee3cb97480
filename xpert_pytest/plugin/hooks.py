"""The pytest plugin: options, and thin hooks around an `XpertSession`.

This module loads in every pytest run of anyone who installs the package, so it imports only
pytest and the item classes; the rest is imported once `--xpert-model` turns the benchmark on.
Without it, nothing here changes a test run beyond registering options. The domain markers
are the loaded dataset's own domains, registered once it has loaded.
"""

from __future__ import annotations

import gc
import os
import shlex
import time
import uuid
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from xpert_pytest.plugin.collect import RESULT_KEY, BenchmarkCollector, TaskItem, dry_run

if TYPE_CHECKING:
    from xpert_pytest.data.schema import Task
    from xpert_pytest.plugin.session import Finished, XpertSession


@dataclass(frozen=True)
class Option:
    name: str
    help: str
    kind: str = "string"  # string | append | flag
    ini: str = "string"  # the matching ini type; flags are read as strings and parsed here, so a bad value names its key


OPTIONS = (
    Option("model", "litellm model string of the model under test (turns the benchmark on); xpert/anchor replays the graded anchors"),
    Option("judge", "litellm model string of the ShotJudge model; repeat for a majority-vote ensemble (default for xpert/anchor: xpert/expert)", "append", "linelist"),
    Option("dataset", "dataset folder or Hugging Face Hub id, or FORMAT:PATH_OR_HUB_ID for an imported benchmark, e.g. healthbench:oss_eval.jsonl (default: a benchmark/ folder in or above the current directory, else the packaged task set)"),
    Option("exemplars", "folder of graded anchors (default: exemplars/ beside the dataset)"),
    Option("pass-score", "score a task needs to pass, 0..1 (default 0.5)"),
    Option("fail-under", "fail the run when the overall mean score is under this, 0..1"),
    Option("fail-under-domain", "fail the run when a domain's mean is under a threshold: DOMAIN=0.6 (repeatable)", "append", "linelist"),
    Option("report-dir", "where run results are written (default: reports/ in the rootdir)"),
    Option("model-arg", "provider setting for the model under test, KEY=VALUE, e.g. api_base=http://... (repeatable)", "append", "linelist"),
    Option("judge-arg", "provider setting for the judge, KEY=VALUE (repeatable)", "append", "linelist"),
    Option("shots", "graded anchors of other tasks in the same category to add to the judge prompt (default 0)"),
    Option("concurrency", "model and judge calls in flight per pytest process, lowered on rate limits (default 16)"),
    Option("cache", "SQLite file storing every answer and verdict (default: .xpert_cache/calls.sqlite)"),
    Option("no-cache", "do not read or write the answer cache", "flag"),
    Option("allow-self-judge", "allow the judge to be the model under test", "flag"),
    Option("epochs", "answer and grade each task this many times; the task score is the mean (default 1)"),
    Option("bootstrap", "bootstrap resamples for the 95% confidence intervals (default 2000)"),
    Option("no-report", "do not write the HTML report", "flag"),
    Option("max-cost", "stop starting calls once the run would spend more than this many USD; the run ends incomplete"),
    Option("price", "price for a model litellm does not know: MODEL=INPUT,OUTPUT[,CACHED_INPUT[,CACHE_WRITE]] in USD per million tokens; prompt-cache input costs INPUT unless given (repeatable)", "append", "linelist"),
    Option("baseline", "results.json of an earlier run: fail when the score drops from it by more than --xpert-max-drop with 95% confidence"),
    Option("max-drop", "allowed drop from the baseline, 0..1 (default 0.02)"),
    Option("model-revision", "label of the checkpoint under test (e.g. a commit or build id): part of the cache key, recorded in results"),
    Option("judge-format", "structured output for the judge: auto (where litellm knows the provider supports it), json-schema, json-object or off (default auto)"),
    Option("judge-template", "your own Jinja2 copy of a format's published grader prompt, used instead of ShotJudge; its first line declares the contract (see docs/importers.md)"),
    Option("responses", "JSON Lines of {task_id, response} answers to grade instead of calling --xpert-model (a label then)"),
    Option("call-deadline", "seconds one model or judge call may take, retries included (default 900)"),
    Option("run-deadline", "seconds the whole run may take; calls still in flight then are cut and the run ends incomplete"),
    Option("allow-baseline-mismatch", "compare with a baseline run on other data, anchors or judge anyway", "flag"),
    Option("shard", "K/N: grade only shard K of N, a share of the selected tasks balanced by domain; `xpert merge` combines the shards' results"),
    Option("batch", "send model and judge calls through the providers' batch APIs; the run submits, and the same command run again collects", "flag"),
    Option("batch-wait", "batch mode that waits: poll the batches until they are done and grade in the same run (implies --xpert-batch)", "flag"),
    Option("batch-size", "most requests in one batch (default 10000)"),
    Option("batch-poll", "seconds before the first status poll of a batch while waiting, growing 1.5-fold to at most 10 minutes (default 30)"),
    Option("batch-run", "run folder of the batch run to continue (default: the newest unfinished one of the same settings in the report dir)"),
    Option("batch-price", "batch price for a model: MODEL=INPUT,OUTPUT in USD per million tokens (default: litellm's, else half the online price)", "append", "linelist"),
)

SESSION_KEY = pytest.StashKey["XpertSession"]()
FLAGS = frozenset(o.name.replace("-", "_") for o in OPTIONS if o.kind == "flag")
PATH_OPTIONS = ("dataset", "exemplars", "report-dir", "cache", "baseline", "responses", "batch-run", "judge-template")


def spaced_path_options(args: list[str]) -> list[str]:
    """Path options written as two words (`--xpert-report-dir out`), which pytest reads as a
    test path while it picks the rootdir and ini file, before any plugin option is known."""
    names = {f"--xpert-{name}" for name in PATH_OPTIONS}
    return [arg for arg, following in zip(args, [*args[1:], None]) if arg in names and following is not None]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("xpert", "XpertBench benchmark")
    for option in OPTIONS:
        dest = "xpert_" + option.name.replace("-", "_")
        help = option.help.replace("%", "%%")  # argparse %-formats help texts; ini help is not
        if option.kind == "flag":
            group.addoption(f"--xpert-{option.name}", action="store_true", default=None, dest=dest, help=help)
        elif option.kind == "append":
            group.addoption(f"--xpert-{option.name}", action="append", default=None, dest=dest, help=help)
        else:
            group.addoption(f"--xpert-{option.name}", default=None, dest=dest, help=help)
        parser.addini(dest, f"{option.help} [--xpert-{option.name}]", type=option.ini)  # type: ignore[arg-type]


def option_value(config: pytest.Config, name: str) -> Any:
    """The command line wins over the ini key; an empty ini value counts as unset."""
    dest = "xpert_" + name
    value = config.getoption(dest)
    if value is None:
        try:
            value = config.getini(dest)
        except ValueError as exc:
            raise pytest.UsageError(f"XpertBench: ini key {dest}: {exc}") from None
        if name in FLAGS and isinstance(value, str) and value.strip():
            value = _truth(dest, value)
    return value if value not in ("", [], False) else None


TRUTH = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _truth(dest: str, value: str) -> bool:
    try:
        return TRUTH[value.strip().lower()]
    except KeyError:
        raise pytest.UsageError(f"XpertBench: ini key {dest}: {value!r} is not true or false") from None


def selects(nodeid: str, arg: str) -> bool:
    """pytest's rule for a node id given on the command line: the node itself or anything under it."""
    arg = arg.rstrip("/")
    return nodeid == arg or nodeid.startswith(arg + "/") or (arg == "xpert" and nodeid.startswith("xpert::"))


def explicit_args(config: pytest.Config) -> list[str]:
    """Positional arguments the user gave (not pytest's default of testpaths or the current directory)."""
    return list(config.args) if config.args_source == pytest.Config.ArgsSource.ARGS else []


def pytest_configure(config: pytest.Config) -> None:
    spaced = spaced_path_options([*shlex.split(os.environ.get("PYTEST_ADDOPTS", "")), *config.invocation_params.args])
    if spaced:
        raise pytest.UsageError(
            "XpertBench: " + "; ".join(f"write {name}=PATH, with '='" for name in spaced)
            + ": given as two words, pytest takes PATH for a test path while it chooses the rootdir and ini file"
        )
    if not option_value(config, "model"):
        return
    if config.getvalue("dist") == "each":
        raise pytest.UsageError(
            "XpertBench: --dist each runs every task on every worker and pays for each run of it; use -n N with the default --dist load"
        )
    from xpert_pytest.plugin.session import XpertSession
    from xpert_pytest.plugin.settings import SettingsError, build_settings, check_report_dir

    try:
        settings = build_settings(lambda name: option_value(config, name), config.rootpath, config.invocation_params.dir)
    except SettingsError as exc:
        raise pytest.UsageError(f"XpertBench: {exc}") from exc
    if not settings.report_dir.is_absolute():
        settings.report_dir = config.rootpath / settings.report_dir
    try:
        check_report_dir(settings.report_dir)
    except SettingsError as exc:
        raise pytest.UsageError(f"XpertBench: {exc}") from exc
    workerinput = getattr(config, "workerinput", None)
    settings.run_id = workerinput["xpert_run_id"] if workerinput else uuid.uuid4().hex
    settings.started = workerinput["xpert_started"] if workerinput else time.time()
    if workerinput and workerinput.get("xpert_batch_folder"):
        settings.batch_folder = Path(workerinput["xpert_batch_folder"])
    xpert = XpertSession(settings)
    config.stash[SESSION_KEY] = xpert
    config.pluginmanager.register(XpertHooks(config, xpert), "xpert-session")


def _is_controller(config: pytest.Config) -> bool:
    return config.pluginmanager.has_plugin("dsession")


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


class XpertHooks:
    """Hooks that exist only while the benchmark is on."""

    def __init__(self, config: pytest.Config, xpert: XpertSession) -> None:
        self.config = config
        self.xpert = xpert
        self.finished: Finished | None = None
        self.selected: list[str] | None = None  # ids of the tasks this run must grade, once known
        self.deferred: list[Task] | None = None  # a batch-mode worker's tasks, started with its first test
        self.batch_failed = False  # the batch phase stopped on a usage error: there is no run to sum up

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionstart(self, session: pytest.Session) -> Generator[None, None, None]:
        """Loads after the other plugins' session start, so that xdist's workers boot meanwhile;
        in batch mode before, since the workers must be told which batch run they read."""
        if self.xpert.settings.batch:
            self._prepare()
        yield
        self._prepare()
        bench = self.xpert.bench
        for domain, declared in bench.taxonomy.domains.items():  # only with the benchmark on: --strict-markers elsewhere
            self.config.addinivalue_line("markers", f"{domain}: {bench.name} {declared.title} tasks")
        nodeids = [f"xpert::{t.domain}/{t.category}/{t.id}" for t in self.xpert.bench.tasks]
        unknown = [arg for arg in explicit_args(self.config) if not any(selects(n, arg) for n in nodeids)]
        if unknown:
            raise pytest.UsageError(
                f"XpertBench: {', '.join(unknown)}: no task has this node id. With --xpert-model pytest runs the "
                "benchmark only: select tasks by node id (xpert::DOMAIN/CATEGORY/TASK_ID, or a prefix of one) or with -k"
            )

    def _prepare(self) -> None:
        from xpert_pytest.calls.cache import CacheError
        from xpert_pytest.data.dataset import DataError
        from xpert_pytest.plugin.session import BaselineMismatch, BatchSetupError
        from xpert_pytest.plugin.settings import SettingsError

        try:
            self.xpert.prepare()
        except DataError as exc:
            problems = "\n".join(exc.problems)
            raise pytest.UsageError(f"XpertBench input does not load:\n{problems}") from exc
        except (CacheError, BaselineMismatch, BatchSetupError, SettingsError) as exc:
            raise pytest.UsageError(f"XpertBench: {exc}") from exc

    def _batch_phase(self, tasks: list[Task]) -> None:
        """Submit and collect the batches before any test runs (in the one process that does)."""
        from xpert_pytest.calls.batching import BatchMismatch
        from xpert_pytest.calls.gateway import ProviderError
        from xpert_pytest.views.terminal import printable

        reporter = self.config.pluginmanager.get_plugin("terminalreporter")

        def say(line: str) -> None:
            if reporter is not None:
                reporter.write_line(printable(f"XpertBench batch: {line}"))

        try:
            self.xpert.run_batches(tasks, say)
        except BatchMismatch as exc:
            self.batch_failed = True
            raise pytest.UsageError(f"XpertBench: {exc}") from exc
        except ProviderError as exc:  # what was collected stays; the tasks it leaves unanswered are errors
            self.xpert.batch_phase_failed(str(exc))
            say(f"FAILED: {exc}")

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self, session: pytest.Session) -> bool | None:
        if _is_controller(self.config):
            return None
        collector = BenchmarkCollector.from_parent(session, name="xpert", nodeid="xpert", xpert=self.xpert)
        session.items = list(session.genitems(collector))
        if args := explicit_args(self.config):
            session.items = [item for item in session.items if any(selects(item.nodeid, arg) for arg in args)]
        hook = self.config.hook
        hook.pytest_collection_modifyitems(session=session, config=self.config, items=session.items)
        if self.xpert.settings.shard is not None:  # after every other selection (-k, -m, --lf), so they compose
            session.items = self._share(session.items)
        hook.pytest_collection_finish(session=session)
        session.testscollected = len(session.items)
        return True

    def _share(self, items: list[pytest.Item]) -> list[pytest.Item]:
        """This shard's share of the selection; the rest is deselected, as `-k` deselects."""
        from xpert_pytest.data.shards import selection_of, share

        shard = self.xpert.settings.shard
        assert shard is not None
        tasks = [item.task for item in items if isinstance(item, TaskItem)]
        self.xpert.selection = selection_of(task.id for task in tasks)
        if _is_worker(self.config):  # the controller, which writes the results, never collects
            self.config.workeroutput["xpert_selection"] = list(self.xpert.selection)  # type: ignore[attr-defined]
        mine = share(((task.domain, task.category, task.id) for task in tasks), shard)
        kept = [item for item in items if not isinstance(item, TaskItem) or item.task.id in mine]
        if dropped := [item for item in items if isinstance(item, TaskItem) and item.task.id not in mine]:
            self.config.hook.pytest_deselected(items=dropped)
        return kept

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """A worker's output arrives when it finishes, before the controller sums the run up."""
        selection = (getattr(node, "workeroutput", None) or {}).get("xpert_selection")
        if selection and self.xpert.selection is None:
            from xpert_pytest.data.shards import Selection

            self.xpert.selection = Selection(*selection)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if not _is_controller(self.config):
            self.selected = [item.task.id for item in session.items if isinstance(item, TaskItem)]

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """Every worker collects the same selection; the controller learns it from the first. In
        batch mode it runs the batch phase then, before xdist sends the workers any test."""
        if self.selected is not None:
            return
        self.selected = [nodeid.rpartition("/")[2] for nodeid in ids]
        if self.xpert.settings.batch and not self.config.option.collectonly and not dry_run(self.config):
            by_id = self.xpert.bench.by_id
            self._batch_phase([by_id[task_id] for task_id in self.selected if task_id in by_id])

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> None:
        if _is_controller(self.config) or self.config.option.collectonly or dry_run(self.config):
            return
        items = [item for item in session.items if isinstance(item, TaskItem)]
        if _is_worker(self.config):
            from xpert_pytest.plugin.distribution import worker_partition

            workerinput: dict[str, Any] = self.config.workerinput  # type: ignore[attr-defined]
            if not workerinput.get("xpert_partition"):
                return  # an unknown schedule: each task starts when its test does
            items = worker_partition(items, workerinput["workerid"], workerinput["workercount"])
            if self.xpert.settings.batch:  # the controller's batch phase runs until the first test is sent
                self.deferred = [item.task for item in items]
                return
        elif self.xpert.settings.batch:
            self._batch_phase([item.task for item in items])
        self.xpert.start([item.task for item in items])

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if self.deferred is not None:
            tasks, self.deferred = self.deferred, None
            self.xpert.start(tasks)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        result = item.stash.get(RESULT_KEY, None)
        if call.when == "setup" and result is not None:
            report.xpert_result = result.model_dump(mode="json")
            if result.status == "error":  # a pending task is skipped, and keeps pytest's skip report
                from xpert_pytest.views.terminal import printable

                report.longrepr = printable(f"{result.task_id}: not scored: {result.error}")
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if _is_worker(self.config):
            return
        from xpert_pytest.numbers.results import TaskResult

        data = getattr(report, "xpert_result", None)
        if data is not None:
            self.xpert.record(TaskResult.model_validate(data))
        elif report.failed:
            self.xpert.record_crash(report.nodeid.rpartition("/")[2], str(report.longrepr))

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Runs before xdist's session finish, which waits for the workers to shut down, so that
        their shutdown overlaps our summing up."""
        if _is_worker(self.config) or self.config.option.collectonly or dry_run(self.config) or not self.xpert.loaded:
            return
        if self.batch_failed:  # a usage error in the batch phase: nothing ran, and there is nothing to sum up
            return
        stopped = session.shouldfail or session.shouldstop
        self.finished = self.xpert.finish(int(exitstatus), self.selected, str(stopped) if stopped else None)
        session.exitstatus = self.finished.run.exit_status

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.finished is None:
            return
        from xpert_pytest.views.terminal import summary_lines

        terminalreporter.write_sep("=", "XpertBench summary")
        report = str(self.finished.report) if self.finished.report else None
        verbose = self.config.option.verbose > 0
        for line in summary_lines(self.finished.run, str(self.finished.path), report, verbose):
            alarm = line.startswith(("GATE FAILED", "gate FAILED", "RUN INCOMPLETE", "BATCH PENDING", "WARNING"))
            terminalreporter.write_line(line, red=alarm, bold=alarm)

    def pytest_unconfigure(self) -> None:
        """After one last collection (while pytest still reports unraisable exceptions), freeze
        what is left: everything alive now lives until exit, and the interpreter's passes over it
        at exit took half a second for a full run's results."""
        self.xpert.close()
        gc.collect()
        gc.freeze()

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getvalue("dist") != "load":
            return None
        from xpert_pytest.plugin.distribution import PartitionScheduling

        return PartitionScheduling(config, log)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["xpert_partition"] = self.config.getvalue("dist") == "load"
        node.workerinput["xpert_run_id"] = self.xpert.settings.run_id
        node.workerinput["xpert_started"] = self.xpert.settings.started
        node.workerinput["xpert_batch_folder"] = str(self.xpert.batch_folder) if self.xpert.batch_folder else None
