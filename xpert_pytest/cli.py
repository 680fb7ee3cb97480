"""The `xpert` command: dataset tooling that does not need pytest."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from xpert_pytest.data.dataset import NATIVE, Benchmark, DataError, default_exemplar_dir, load_local
from xpert_pytest.data.formats.registry import describe, load, parse
from xpert_pytest.data.locate import default_dataset
from xpert_pytest.numbers.uncertainty import DEFAULT_RESAMPLES
from xpert_pytest.plugin.settings import MAX_CONCURRENCY, MAX_RESAMPLES, MIN_RESAMPLES

if TYPE_CHECKING:
    from xpert_pytest.calls.gateway import ModelClient
    from xpert_pytest.calls.cache import CallCache
    from xpert_pytest.numbers.merge import Part
    from xpert_pytest.numbers.results import RunResult
    from xpert_pytest.plugin.settings import Settings


DATASET_HELP = (
    "dataset folder, or FORMAT:PATH_OR_HUB_ID for an imported benchmark, e.g. healthbench:oss_eval.jsonl "
    "(default: a benchmark/ folder in or above this directory, else the packaged task set)"
)
USAGE_ERROR = 4  # as pytest's: the input does not fit


class CommandError(Exception):
    """A failure the user must see as a message and a non-zero exit, not a traceback."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def _folders(args: argparse.Namespace) -> tuple[Path, Path | None]:
    """The dataset named, else the one a pytest run started here would use (DESIGN §5)."""
    if args.path is None:
        args.path = str(default_dataset(Path.cwd()))
    exemplars = Path(args.exemplars) if args.exemplars else default_exemplar_dir(args.path)
    return Path(args.path), exemplars


def _imported(args: argparse.Namespace) -> bool:
    """Whether the dataset named is an imported format, not an XpertBench folder."""
    if args.path is None:
        return False
    try:
        return parse(args.path)[0].name != NATIVE
    except DataError as exc:
        raise CommandError("\n".join(exc.problems)) from exc


def _load(args: argparse.Namespace) -> Benchmark:
    try:
        if _imported(args):
            return load(args.path, args.exemplars)
        folder, exemplars = _folders(args)
        return load_local(folder, exemplars)
    except DataError as exc:
        raise CommandError("\n".join([*exc.problems, f"{len(exc.problems)} error(s): the data does not load"])) from exc


def _native_only(args: argparse.Namespace, what: str) -> None:
    if _imported(args):
        raise CommandError(f"{args.path}: {what} works on XpertBench dataset folders; an imported benchmark is read as released")


def _validate(args: argparse.Namespace) -> int:
    from xpert_pytest.data.hub import render_card
    from xpert_pytest.data.lint import lint

    bench = _load(args)
    if bench.format != NATIVE:
        print(
            f"{describe(args.path)}: {len(bench.tasks)} tasks, {bench.anchors} anchors: ok "
            f"(read as {bench.format}; the XpertBench authoring rules apply to its own tasks only)",
            file=sys.stderr,
        )
        return 0
    card = Path(args.path) / "README.md"
    problems = [str(p) for p in lint(bench, card, Path(args.path) / "checks")]
    if card.is_file() and render_card(card.read_text(encoding="utf-8"), bench) != card.read_text(encoding="utf-8"):
        problems.append(f"{card}: the card's front matter or statistics are out of date: run `xpert card {args.path}`")
    for problem in problems:
        print(problem)
    anchors = sum(len(v) for v in bench.exemplars.values())
    verdict = "ok" if not problems else f"{len(problems)} problem(s)"
    print(f"{describe(args.path)}: {len(bench.tasks)} tasks, {anchors} anchors: {verdict}", file=sys.stderr)
    return 1 if problems else 0


def _stats(args: argparse.Namespace) -> int:
    import json

    from xpert_pytest.data.stats import compute, markdown

    stats = compute(_load(args))
    print(json.dumps(stats.as_json(), indent=1, ensure_ascii=False) if args.json else markdown(stats))
    return 0


def _card(args: argparse.Namespace) -> int:
    from xpert_pytest.data.hub import render_card

    _native_only(args, "xpert card")
    bench = _load(args)
    card = Path(args.path) / "README.md"
    if not card.is_file():
        raise CommandError(f"{card}: no dataset card to update")
    card.write_text(render_card(card.read_text(encoding="utf-8"), bench), encoding="utf-8")
    print(f"updated {card}")
    return 0


def _publish(args: argparse.Namespace) -> int:
    from xpert_pytest.data.hub import PublishError, publish

    _native_only(args, "xpert publish")
    bench = _load(args)
    folder, exemplars = _folders(args)
    try:
        url = publish(bench, folder, exemplars, args.repo_id, args.private)
    except PublishError as exc:
        raise CommandError(str(exc)) from exc
    print(f"published {len(bench.tasks)} tasks to {args.repo_id}: {url}")
    return 0


def _read_run(name: str) -> RunResult:
    from xpert_pytest.numbers.results import read_results

    try:
        return read_results(Path(name))
    except (OSError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        raise CommandError(f"{name}: not a readable results file: {exc}") from exc


def _output(name: str) -> Path:
    """The folder a command writes into, checked before any work is done."""
    out = Path(name)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"-o {name}: cannot be used as the output folder: {exc.strerror or exc}") from exc
    return out


def _report(args: argparse.Namespace) -> int:
    from xpert_pytest.views.report import render_comparison, render_run

    runs = [_read_run(name) for name in args.results]
    out = _output(args.output)
    path = render_run(runs[0], out) if len(runs) == 1 else render_comparison(runs, out)
    print(f"report written to {path}")
    return 0


def _shard_runs(names: list[str]) -> list[Part]:
    from xpert_pytest.numbers.merge import Part

    parts = []
    for name in names:
        path = Path(name) / "results.json" if Path(name).is_dir() else Path(name)
        try:
            parts.append(Part(name, _read_run(str(path))))
        except CommandError as exc:
            raise CommandError(str(exc), USAGE_ERROR) from exc
    return parts


def _merge_settings(args: argparse.Namespace, parts: list[Part]) -> Settings:
    """The gate options of a run, checked as a run checks them: given here, else as the shards ran."""
    from xpert_pytest.numbers.merge import RECORDED, MergeError, recorded
    from xpert_pytest.plugin.settings import SettingsError, build_settings

    try:
        options = {name: recorded(parts, name) if getattr(args, name) is None else getattr(args, name) for name in RECORDED}
    except MergeError as exc:
        raise CommandError(str(exc), USAGE_ERROR) from exc
    if isinstance(options["fail_under_domain"], dict):
        options["fail_under_domain"] = [f"{domain}={threshold}" for domain, threshold in options["fail_under_domain"].items()]
    first = parts[0].run.settings
    options |= {
        "model": first.model, "judge": first.judges or [first.judge], "dataset": first.dataset,
        "allow_self_judge": True, "no_cache": True,  # a merge calls no model
        "allow_baseline_mismatch": args.allow_baseline_mismatch,
    }
    try:
        return build_settings(options.get, Path.cwd(), Path.cwd())
    except SettingsError as exc:
        raise CommandError(str(exc), USAGE_ERROR) from exc


def _merge(args: argparse.Namespace) -> int:
    """Every input is checked before anything is written: a part missing or not fitting is a usage error."""
    import datetime as dt
    import uuid

    from xpert_pytest.data.dataset import DataError
    from xpert_pytest.numbers.merge import check, merge
    from xpert_pytest.numbers.results import write_results
    from xpert_pytest.numbers.verdict import GateSettings
    from xpert_pytest.plugin.session import BaselineMismatch, load_baseline
    from xpert_pytest.plugin.settings import slug
    from xpert_pytest.views.report import render_run
    from xpert_pytest.views.terminal import summary_lines

    parts = _shard_runs(args.runs)
    if problems := check(parts):
        raise CommandError("; ".join(problems), USAGE_ERROR)
    settings = _merge_settings(args, parts)
    first = parts[0].run
    baseline = None
    if settings.baseline is not None:
        try:
            baseline = load_baseline(
                settings.baseline, first.dataset_fingerprint, settings.judges, first.exemplars_source, settings.allow_baseline_mismatch,
                first.settings.judge_template,
            )
        except (DataError, BaselineMismatch) as exc:
            hint = "" if args.baseline else " (the shards ran with it: give --baseline to xpert merge)"
            raise CommandError(f"{exc}{hint}", USAGE_ERROR) from exc
    out = Path(args.output) if args.output else Path("reports") / (
        f"{dt.datetime.now():%Y%m%d-%H%M%S}-{slug(first.settings.model)}-merged-{uuid.uuid4().hex[:6]}"
    )
    if out.resolve() in {(Path(p.source) if Path(p.source).is_dir() else Path(p.source).parent).resolve() for p in parts}:
        raise CommandError(f"-o {out}: is one of the shard runs being merged; write the merged run elsewhere", USAGE_ERROR)
    gates = GateSettings(
        settings.fail_under, settings.fail_under_domain, baseline.tasks if baseline else None, settings.max_drop, settings.resamples
    )
    run = merge(parts, gates, str(settings.baseline) if settings.baseline else None)
    out = _output(str(out))
    results = write_results(run, out / "results.json")
    report = None if args.no_report else render_run(run, out)
    for line in summary_lines(run, str(results), str(report) if report else None):
        print(line)
    return run.exit_status


def _int_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None
    if not values or min(values) < 0:
        raise argparse.ArgumentTypeError(f"expected comma-separated whole numbers 0 or more, got {text!r}")
    return values


def _bounded(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low}..{high}, got {value}")
        return value

    return parse


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of days, got {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of days 0 or more, got {text!r}")
    return value


def _open_cache(name: str, create: bool = False) -> CallCache:
    from xpert_pytest.calls.cache import CacheError, CallCache

    if not create and not Path(name).is_file():
        raise CommandError(f"{name}: no cache file here (runs write .xpert_cache/calls.sqlite under the project root)")
    try:
        return CallCache(Path(name))
    except CacheError as exc:
        raise CommandError(str(exc)) from exc


def _cache(args: argparse.Namespace) -> int:
    """List or drop cached calls; dropping needs a filter or --all, so no one empties a paid cache by accident."""
    import datetime as dt

    cache = _open_cache(args.cache)
    try:
        if args.action == "drop":
            if args.model is None and args.task is None and args.older_than is None and not args.all:
                raise CommandError("drop needs --model, --task, --older-than or --all")
            dropped = cache.drop(args.model, args.task, args.older_than)
            print(f"dropped {dropped} cached call(s) from {args.cache}")
            return 0
        rows = cache.entries(args.model, args.task, args.older_than)
        print(f"{'model':<48} {'entries':>8}  {'oldest':<16}  {'newest':<16}")
        for model, count, oldest, newest in rows:
            first, last = (dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%d %H:%M") for t in (oldest, newest))
            print(f"{model:<48} {count:>8}  {first:<16}  {last:<16}")
        print(f"{sum(r[1] for r in rows)} cached call(s) in {args.cache}")
        return 0
    finally:
        cache.close()


def _judge_clients(args: argparse.Namespace) -> Callable[[str], ModelClient]:
    """Clients for the judges under test, their provider settings checked before any call."""
    from xpert_pytest.calls.concurrency import AdaptiveLimiter
    from xpert_pytest.calls.gateway import ModelClient
    from xpert_pytest.plugin.settings import SettingsError, check_provider_args, parse_assignments

    try:
        judge_args = parse_assignments(args.judge_arg or [], "--judge-arg")
    except SettingsError as exc:
        raise CommandError(str(exc)) from exc
    try:
        check_provider_args("--judge-arg", judge_args)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    _output(args.output)
    cache = None if args.no_cache else _open_cache(args.cache, create=True)
    limiter = AdaptiveLimiter(args.concurrency)  # as in a run: calls in flight, lowered on rate limits

    def make_client(model: str) -> ModelClient:
        return ModelClient(model, dict(judge_args), cache, limiter)

    return make_client


def _calibrate_labels(args: argparse.Namespace) -> int:
    """Judges against human-labelled grades (`--labels FORMAT:PATH`), beside the humans themselves."""
    from xpert_pytest.data.formats.labels import load as load_labels
    from xpert_pytest.data.formats.profbench_labels import NAME as PROFBENCH
    from xpert_pytest.grading.calibration import configurations
    from xpert_pytest.grading.fulfilment import calibrate_fulfilment
    from xpert_pytest.grading.human_labels import calibrate_labels
    from xpert_pytest.views.agreement_table import fulfilment_lines, labels_lines

    for given, option in ((args.path, "a dataset"), (args.leniency, "--leniency"), (args.injections, "--injections")):
        if given:
            raise CommandError(f"--labels brings its own graded answers: give it without {option}", USAGE_ERROR)
    if args.shots != [0]:
        raise CommandError("--labels: the labelled answers have no graded anchors to show as shots; give --shots 0", USAGE_ERROR)
    try:
        meta = load_labels(args.labels)
    except DataError as exc:
        raise CommandError("\n".join([*exc.problems, f"{len(exc.problems)} error(s): the labels do not load"])) from exc
    template = None
    if args.judge_template:
        from xpert_pytest.grading.template_judge import TemplateError, load_template

        try:
            template = load_template(args.judge_template)
        except TemplateError as exc:
            raise CommandError(str(exc), USAGE_ERROR) from exc
    make_client = _judge_clients(args)
    configs = configurations(args.judge, args.shots, args.batch)
    out = Path(args.output) / "calibration.json"
    if template is not None:
        print(f"judge prompt: {template.label} (not ShotJudge's)")
    if meta.bench.format == PROFBENCH:
        fulfilment = calibrate_fulfilment(args.labels, meta, configs, make_client, args.bootstrap, template=template)
        out.write_text(fulfilment.model_dump_json(indent=1), encoding="utf-8")
        lines = fulfilment_lines(fulfilment)
    else:
        report = calibrate_labels(args.labels, meta, configs, make_client, args.bootstrap, template=template)
        out.write_text(report.model_dump_json(indent=1), encoding="utf-8")
        lines = labels_lines(report)
    for line in lines:
        print(line)
    print(f"calibration written to {out}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from xpert_pytest.grading.calibration import calibrate, configurations, leniency
    from xpert_pytest.views.report import render_calibration

    if args.labels:
        return _calibrate_labels(args)
    if args.judge_template:
        raise CommandError("--judge-template: only with --labels (the anchors' calibration measures ShotJudge's own prompt)", USAGE_ERROR)
    bench = _load(args)
    if not bench.anchors and not args.leniency:
        raise CommandError(
            f"{describe(args.path)}: no graded anchors to calibrate the judge against "
            "(give --exemplars: answers graded per checkpoint, in XpertBench's exemplar format)"
        )
    make_client = _judge_clients(args)
    out = Path(args.output)
    if args.leniency:
        if len(args.judge) != 2:
            raise CommandError("--leniency compares exactly two judges: give --judge twice")
        run = _read_run(args.leniency)
        answers = {t.task_id: t.response for t in run.tasks if t.response}
        result = leniency(bench, answers, args.judge[0], args.judge[1], make_client, args.bootstrap)
        (out / "leniency.json").write_text(result.model_dump_json(indent=1), encoding="utf-8")
        d = result.difference
        if d is None:
            detail = "no shared task"
        elif d.low is None or d.high is None:
            detail = f"{d.value * 100:+.2f} pp (n={d.n}: too few tasks for a confidence interval)"
        else:
            detail = f"{d.value * 100:+.2f} pp (95% CI {d.low * 100:+.2f} to {d.high * 100:+.2f})"
        print(f"{result.judge} − {result.other} on {result.tasks} answers of {run.settings.model}: {detail}")
        return 0
    configs = configurations(args.judge, args.shots, args.batch)
    report = calibrate(bench, configs, make_client, args.injections, args.bootstrap)
    (out / "calibration.json").write_text(report.model_dump_json(indent=1), encoding="utf-8")
    render_calibration(report, out)
    for config in report.configs:
        o = config.overall
        line = f"{config.label}: {config.graded} graded, {config.errors} errors"
        if o is not None:
            line += (
                f"; accuracy {o.accuracy.value:.3f} [{o.accuracy.low:.3f}, {o.accuracy.high:.3f}]"
                f", kappa {o.kappa.value:.3f}, CDR {o.cdr.value:.3f} [{o.cdr.low:.3f}, {o.cdr.high:.3f}]"
                f", macro-F1 {o.macro_f1.value:.3f}"
            )
        if config.score_error_mean is not None and config.score_error_mae is not None:
            line += f"; score error {config.score_error_mean.value:+.3f}, MAE {config.score_error_mae.value:.3f}"
        for name, shift in config.injection_shift.items():
            line += f"; injection {name} {shift.value * 100:+.1f} pp"
        print(line)
    print(f"calibration written to {out / 'calibration.json'} and {out / 'index.html'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xpert", description="XpertBench dataset and report tooling.")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="lint a dataset folder and its exemplars")
    validate.add_argument("path", nargs="?", help=DATASET_HELP)
    validate.add_argument("--exemplars", help="exemplar folder (default: exemplars/ beside the dataset)")
    validate.set_defaults(run=_validate)
    stats = commands.add_parser("stats", help="counts per domain and category, checkpoints, weights, anchor and pilot scores")
    stats.add_argument("--json", action="store_true", help="print the statistics as JSON")
    card = commands.add_parser("card", help="regenerate the dataset card's front matter and statistics")
    publish = commands.add_parser("publish", help="push the dataset and its exemplars to the Hugging Face Hub")
    publish.add_argument("--repo-id", required=True, help="ORG/NAME of the Hub dataset")
    publish.add_argument("--private", action="store_true")
    report = commands.add_parser("report", help="HTML report of one run, or a comparison of several, from results JSON")
    report.add_argument("results", nargs="+", help="results.json files written by runs")
    report.add_argument("-o", "--output", required=True, help="folder to write index.html into")
    report.set_defaults(run=_report)
    calibrate = commands.add_parser("calibrate", help="agreement of judge configurations with the graded anchors")
    calibrate.add_argument("--judge", action="append", required=True, help="litellm judge model (repeatable)")
    calibrate.add_argument("--judge-arg", action="append", help="provider setting KEY=VALUE for the judges (repeatable)")
    calibrate.add_argument("--shots", type=_int_list, default=[0], help="extra same-category anchors, e.g. 0,2 (default 0)")
    calibrate.add_argument("--batch", type=_int_list, default=[0], help="checkpoints per judge call, 0 = all, e.g. 0,8")
    calibrate.add_argument("--injections", action="store_true", help="also grade anchors with injection suffixes appended")
    calibrate.add_argument(
        "--judge-template", metavar="PATH",
        help="with --labels: grade with your own copy of a published grader prompt (see --xpert-judge-template) instead of ShotJudge's",
    )
    calibrate.add_argument(
        "--labels", metavar="FORMAT:PATH",
        help="human-labelled grades to measure the judges against: healthbench:META_EVAL.jsonl (HealthBench's meta-evaluation) or profbench:PATH",
    )
    calibrate.add_argument("--leniency", metavar="RESULTS_JSON", help="grade a run's answers with two judges and compare")
    calibrate.add_argument("--concurrency", type=_bounded(1, MAX_CONCURRENCY), default=8, help="judge calls in flight (default 8)")
    calibrate.add_argument(
        "--bootstrap", type=_bounded(MIN_RESAMPLES, MAX_RESAMPLES), default=DEFAULT_RESAMPLES,
        help=f"bootstrap resamples, {MIN_RESAMPLES}..{MAX_RESAMPLES} (default {DEFAULT_RESAMPLES})",
    )
    calibrate.add_argument("--cache", default=".xpert_cache/calls.sqlite")
    calibrate.add_argument("--no-cache", action="store_true")
    calibrate.add_argument("-o", "--output", required=True, help="folder for calibration.json and index.html")
    merge = commands.add_parser(
        "merge", help="combine the runs of all shards (--xpert-shard K/N) into one run: results, report, gates and exit status"
    )
    merge.add_argument("runs", nargs="+", metavar="RUN_DIR", help="the run folder (or its results.json) of every shard")
    merge.add_argument("-o", "--output", help="folder for the merged results.json and index.html (default: reports/<time>-<model>-merged-<id>)")
    merge.add_argument("--fail-under", "--xpert-fail-under", help="overall gate, 0..1 (default: the shards' own)")
    merge.add_argument(
        "--fail-under-domain", "--xpert-fail-under-domain", action="append", metavar="DOMAIN=X",
        help="per-domain gate, repeatable (default: the shards' own)",
    )
    merge.add_argument("--baseline", "--xpert-baseline", metavar="RESULTS_JSON", help="results of an earlier run to gate a drop against (default: the shards' own)")
    merge.add_argument("--max-drop", "--xpert-max-drop", help="allowed drop from the baseline, 0..1 (default: the shards' own)")
    merge.add_argument("--allow-baseline-mismatch", "--xpert-allow-baseline-mismatch", action="store_true", help="compare with a baseline of other data, anchors or judge anyway")
    merge.add_argument("--bootstrap", "--xpert-bootstrap", help="bootstrap resamples for every 95%% CI (default: the shards' own)")
    merge.add_argument("--no-report", "--xpert-no-report", action="store_true", help="write results.json only")
    merge.set_defaults(run=_merge)
    cache = commands.add_parser("cache", help="list or drop cached model and judge calls")
    cache.add_argument("action", choices=["list", "drop"])
    cache.add_argument("--cache", default=".xpert_cache/calls.sqlite", help="cache file (default .xpert_cache/calls.sqlite)")
    cache.add_argument("--model", help="only calls to this litellm model, e.g. openai/gpt-4.1")
    cache.add_argument("--task", help="only calls made for this task id")
    cache.add_argument("--older-than", type=_days, metavar="DAYS", help="only calls cached more than DAYS days ago")
    cache.add_argument("--all", action="store_true", help="drop: every entry")
    cache.set_defaults(run=_cache)
    for command, run in ((stats, _stats), (card, _card), (publish, _publish), (calibrate, _calibrate)):
        command.add_argument("path", nargs="?", help=DATASET_HELP)
        command.add_argument("--exemplars", help="exemplar folder (default: exemplars/ beside the dataset)")
        command.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except CommandError as exc:
        print(f"xpert {args.command}: {exc}", file=sys.stderr)
        return exc.status


if __name__ == "__main__":
    sys.exit(main())
