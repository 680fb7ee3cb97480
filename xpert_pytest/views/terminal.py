"""Plain-text renderings for the terminal: the run summary and a task's failure report."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

from xpert_pytest.numbers.results import MIN_INTERVAL_TASKS, Aggregate, BatchInfo, BatchReport, Interval, RunResult, TaskResult
from xpert_pytest.data.schema import Task
from xpert_pytest.numbers.scoring import missed


BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def printable(text: str) -> str:
    """`text` as one inert line: control characters (newlines, ANSI escapes, bidi overrides)
    are shown escaped, so text from a dataset, a model or a judge cannot start a line of its
    own in a CI log ("gate met ...") or hide what follows it."""
    if text.isprintable():
        return text
    return "".join(
        (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        if unicodedata.category(ch) in ("Cc", "Cs") or ch in BIDI_CONTROLS
        else ch
        for ch in text
    )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _ci(interval: Interval | None) -> str:
    if interval is None:
        return ""
    if interval.low is None or interval.high is None:
        return f"n<{MIN_INTERVAL_TASKS}: no CI"
    return f"[{interval.low:.1%}, {interval.high:.1%}]"


def _row(name: str, group: Aggregate, interval: Interval | None) -> str:
    return f"{name:<34} {group.tasks:>6} {_pct(group.mean):>8} {_ci(interval):>16} {group.passed:>7} {group.errors:>7}"


def _interval_rows(title: str, intervals: dict[str, Interval], label: Callable[[str], str] = str) -> list[str]:
    rows = [f"{title:<48} {'tasks':>6} {'score':>8} {'95% CI':>16}"]
    rows += [f"{label(k):<48} {i.n:>6} {i.value:>8.1%} {_ci(i):>16}" for k, i in intervals.items()]
    return rows


def summary_lines(
    run: RunResult, results_path: str | None, report_path: str | None = None, verbose: bool = False
) -> list[str]:
    summary = run.summary
    revision = f" (revision {run.settings.model_revision})" if run.settings.model_revision else ""
    lines = [
        f"model {run.settings.model}{revision}  judge {run.settings.judge}  "
        f"dataset {run.dataset_source or run.dataset_name} ({run.dataset_fingerprint})",
    ]
    if run.note:
        lines.append(run.note)
    if run.shard:
        lines.append(
            f"shard {run.shard.index}/{run.shard.count}: {len(run.shard.tasks)} of the {run.shard.selected} selected task(s); "
            f"`xpert merge` of all {run.shard.count} shard runs gives the run's verdict"
        )
    if run.merged_from:
        lines.append(f"merged from {len(run.merged_from)} shard run(s): {', '.join(run.merged_from)}")
    stats = run.statistics
    taxonomy = run.vocabulary()
    lines.append(f"{'domain':<34} {'tasks':>6} {'mean':>8} {'95% CI':>16} {'passed':>7} {'errors':>7}")
    for domain in taxonomy.domain_order(summary.by_domain):
        interval = stats.by_domain.get(domain) if stats else None
        lines.append(_row(taxonomy.domain_title(domain), summary.by_domain[domain], interval))
    overall = stats.overall if stats else None
    lines.append(_row("overall", summary.overall, overall))
    lines.append(
        f"overall score {_pct(summary.overall.mean)} {_ci(overall)} over {summary.overall.scored} scored task(s); "
        f"pass score {run.settings.pass_score:.0%}; {summary.overall.errors} error(s)"
    )
    if summary.overall.normalized is not None:
        lines.append(f"normalized score {_pct(summary.overall.normalized)} (PRBench's second published score)")
    if stats and stats.by_dimension:
        lines += _interval_rows("dimension (share of rubric weight met)", stats.by_dimension)
    if stats and verbose and stats.by_category:
        lines += _interval_rows("category", stats.by_category, taxonomy.category_label)
    if stats and stats.by_skill_group:
        lines.append(
            "skills: " + "; ".join(f"{group} {i.value:.1%} {_ci(i)}" for group, i in stats.by_skill_group.items())
        )
    if stats and stats.epochs:
        e = stats.epochs
        lines.append(
            f"epochs {e.count}: means " + ", ".join(f"{m:.1%}" for m in e.means)
            + f"; SD of epoch means {e.sd_of_means * 100:.2f} pp; mean within-task SD {e.mean_within_task_sd * 100:.2f} pp"
        )
    if summary.judge_disagreement_rate is not None:
        lines.append(
            f"judge ensemble ({len(run.settings.judges)} judges, majority vote, ties not met): "
            f"judges disagreed on {summary.judge_disagreement_rate:.1%} of checkpoint verdicts"
        )
    if run.self_preference:
        lines.append(f"WARNING: {run.self_preference}")
    usage = f"tokens: model {summary.model_tokens:,}, judge {summary.judge_tokens:,}"
    if summary.model_cost_usd is not None or summary.judge_cost_usd is not None:
        usage += f"; cost: model {_money(summary.model_cost_usd)}, judge {_money(summary.judge_cost_usd)}"
    usage += f"; calls {summary.calls}, cache hits {summary.cached_calls} ({summary.cached_answers} of {summary.answers} answers)"
    lines.append(usage)
    if summary.judge_cached_share is not None:
        lines.append(
            f"judge prompt cache: {summary.judge_cached_share:.1%} of the judge's input tokens read from the provider's "
            f"cache ({summary.judge_cached_tokens:,} of {summary.judge_input_tokens:,})"
        )
    if summary.batch_calls:
        lines.append(
            f"batch calls {summary.batch_calls:,}: batch {_money(summary.batch_cost_usd)} "
            f"(online would be {_money(summary.batch_online_cost_usd)})"
        )
    if run.batch is not None and (run.batch.submitted or run.batch.collected or run.batch.live or run.batch.error):
        lines += _batch_lines(run.batch)
    flagged = [
        f"{count} {what}" for count, what in (
            (summary.refusals, "refusal(s), graded as answers"),
            (summary.truncated, "answer(s) cut off at the length limit"),
            (summary.lost_calls, "paid call(s) lost with a worker that died"),
        ) if count
    ]
    if flagged:
        lines.append("WARNING: " + "; ".join(flagged))
    lines += run.verdict
    if results_path:
        lines.append(f"results written to {results_path}")
    if report_path:
        lines.append(f"report written to {report_path}")
    return [printable(line) for line in lines]


def counted(kinds: Iterable[dict[str, int]]) -> str:
    """Requests by kind, added up: "3 answers, 1 judge request"."""
    totals: dict[str, int] = {}
    for part in kinds:
        for kind, count in part.items():
            totals[kind] = totals.get(kind, 0) + count
    return ", ".join(f"{count:,} {kind}{'' if count == 1 else 's'}" for kind, count in totals.items()) or "no requests"


def _batch_lines(batch: BatchReport) -> list[str]:
    def kinds(infos: list[BatchInfo]) -> str:
        return counted(info.kinds for info in infos)

    parts = [f"submitted {len(batch.submitted)} batch(es) ({kinds(batch.submitted)})"] if batch.submitted else []
    parts += [f"collected {len(batch.collected)} ({kinds(batch.collected)})"] if batch.collected else []
    if failed := sum(info.failed for info in batch.collected):
        parts.append(f"{failed:,} failed line(s) retried online")
    parts.append(f"{len(batch.live)} still at the provider" if batch.live else "none still at the provider")
    lines = [f"batch run {batch.state_file}: " + "; ".join(parts)]
    lines += [f"WARNING: batch {info.id} ({info.model}) {info.note}" for info in batch.collected if info.note]
    if batch.error:
        lines.append(f"WARNING: the batch phase stopped: {batch.error}")
    return lines


def _money(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.4f}"


def _weight(value: float) -> str:
    """Whole weights as they always read (9, not 9.0); fractional ones (ResearchRubrics) as short decimals."""
    return str(value) if isinstance(value, int) else f"{value:g}"


def failure_report(task: Task, result: TaskResult, pass_score: float) -> str:
    """Reads like an assertion report: the score against the line, then each missed checkpoint."""
    met = {v.checkpoint_id: v.earned for v in result.verdicts}
    rationales = {v.checkpoint_id: v.rationale for v in result.verdicts}
    misses = missed(task, met, rationales)
    total = _weight(sum(c.weight for c in task.rubric if c.weight > 0))
    lost = _weight(sum(m.lost for m in misses))
    lines = [
        f"{task.id} ({task.domain}/{task.category}) scored {_pct(result.score)} < pass score {pass_score:.0%}"
        + "".join(f"; {flag}" for flag in result.flags()),
        f"missed {len(misses)} of {len(task.rubric)} checkpoints, weight {lost} of {total}:",
    ]
    for miss in misses:
        c = miss.checkpoint
        partly = f", credit {miss.earned:g}" if 0 < miss.earned < 1 else ""
        lines.append(f"  {c.id} [{c.importance}, weight {c.weight}, {c.dimension}{partly}] {c.text}")
        if miss.rationale:
            lines.append(f"      judge: {miss.rationale}")
    return "\n".join(printable(line) for line in lines)
