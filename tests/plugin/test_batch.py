"""Batch mode driven through pytest against the loopback's files and batches endpoints.

A batch run spans invocations: the first submits the answers, the next collects them and submits
the judge requests, the last collects those and grades. Scores must equal an online run's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import factory
from tests.conftest import latest_results, model_args, results_of, scores_of
from xpert_pytest.plugin.session import BatchSetupError, XpertSession
from xpert_pytest.plugin.settings import build_settings
from xpert_pytest.testing.loopback import BatchFault, Fault, LoopbackServer

PRICES = ["--xpert-price=openai/stub-model=1,2", "--xpert-price=openai/stub-judge=1,2"]
LOOPBACK_SCORES = {t["id"]: factory.loopback_score(t) for t in factory.standard_tasks()}


def _batch_args(loopback: LoopbackServer, *extra: str, judge: str = "openai/stub-judge") -> list[str]:
    return [*model_args(loopback, judge=judge), *PRICES, "--xpert-batch", "--xpert-batch-poll=0.01", *extra]


def _state(root: Path) -> tuple[Path, dict[str, Any]]:
    [path] = list((root / "reports").glob("*/batches.json"))
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_submit_then_collect_in_later_invocations_scores_and_costs_as_online(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    online = pytester.runpytest_subprocess(*model_args(loopback), *PRICES, "--xpert-no-cache", "--xpert-report-dir=online")
    online.assert_outcomes(passed=3)
    online_run = json.loads(latest_results(pytester.path / "online").read_text(encoding="utf-8"))
    online_cost = online_run["summary"]["model_cost_usd"] + online_run["summary"]["judge_cost_usd"]
    online_calls = loopback.stats.requests
    args = _batch_args(loopback, "--xpert-fail-under=0.5")

    first = pytester.runpytest_subprocess(*args)
    assert first.ret == 8
    first.assert_outcomes(skipped=3)
    first.stdout.fnmatch_lines([
        "XpertBench batch: submitted batch batch-* to openai/stub-model (3 answers)",
        "batch run *batches.json: submitted 1 batch(es) (3 answers); 1 still at the provider",
        "BATCH PENDING: 3 task(s) wait for 3 request(s) in 1 batch(es) (*batches.json); run the same command again "
        "to collect; the gates were not applied",
    ])
    assert "gate met" not in first.stdout.str() and "GATE FAILED" not in first.stdout.str()
    path, state = _state(pytester.path)
    assert [(b["model"], len(b["requests"]), b["status"]) for b in state["batches"]] == [("openai/stub-model", 3, "validating")]
    assert results_of(pytester.path)["exit_status"] == 8 and results_of(pytester.path)["gates"] == []

    running = pytester.runpytest_subprocess(*args)  # the provider is still at it: nothing new goes out
    assert running.ret == 8
    running.assert_outcomes(skipped=3)
    assert "submitted batch" not in running.stdout.str() and len(loopback.batches) == 1
    assert json.loads(path.read_text())["batches"][0]["status"] == "in_progress"

    loopback.batch_polls = 1  # from here each invocation finds the batches of the one before finished
    second = pytester.runpytest_subprocess(*args)
    assert second.ret == 8
    second.stdout.fnmatch_lines([
        "XpertBench batch: collected batch batch-* (openai/stub-model, 3 answers)",
        "XpertBench batch: submitted batch batch-* to openai/stub-judge (3 judge requests)",
    ])
    assert len(loopback.batches) == 2  # the answers were not submitted again

    third = pytester.runpytest_subprocess(*args)
    assert third.ret == 0
    third.assert_outcomes(passed=3)
    third.stdout.fnmatch_lines(["batch calls 6: batch $* (online would be $*)", "gate met overall: *"])
    assert "submitted batch" not in third.stdout.str() and len(loopback.batches) == 2
    assert loopback.stats.requests == online_calls  # not one online call in batch mode
    assert loopback.stats.batch_lines == {"stub-model": 3, "stub-judge": 3}
    assert scores_of(pytester.path) == pytest.approx(LOOPBACK_SCORES)
    run = results_of(pytester.path)
    assert [(t["task_id"], t["verdicts"]) for t in run["tasks"]] == [(t["task_id"], t["verdicts"]) for t in online_run["tasks"]]
    summary = run["summary"]
    assert summary["batch_online_cost_usd"] == pytest.approx(online_cost)
    assert summary["batch_cost_usd"] == pytest.approx(online_cost / 2)
    assert len(list((pytester.path / "reports").glob("*/results.json"))) == 1  # one run folder for the batch run
    assert json.loads(path.read_text())["closed"] is not None  # the next command starts a new batch run
    html = (path.parent / "index.html").read_text(encoding="utf-8")
    assert 'id="batch-cost"' in html and "6 calls at batch prices; online would be $" in html


def test_waiting_with_xdist_polls_to_the_end_and_retries_failed_lines_online(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    loopback.script_batch(BatchFault(failed_lines=1))
    result = pytester.runpytest_subprocess(*_batch_args(loopback, "--xpert-batch-wait", "-n", "2"))
    assert result.ret == 0
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines([
        "XpertBench batch: waiting for batch-* (openai/stub-model) in_progress 1/3",
        "XpertBench batch: collected batch batch-* (openai/stub-model, 3 answers; 1 failed line(s), retried online)",
        "XpertBench batch: collected batch batch-* (openai/stub-judge, 3 judge requests)",
    ])
    assert scores_of(pytester.path) == pytest.approx(LOOPBACK_SCORES)
    assert loopback.stats.by_model == {"stub-model": 1}  # the failed line, asked again as a normal call
    calls = [c for t in results_of(pytester.path)["tasks"] for c in t["calls"]]
    assert sorted((c["role"], c["batch"]) for c in calls) == [("judge", True)] * 3 + [("model", False)] + [("model", True)] * 2


def test_an_expired_batch_keeps_what_it_answered_and_the_rerun_submits_only_the_rest(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    loopback.script_batch(BatchFault(expire_after=1))
    args = _batch_args(loopback, "--xpert-batch-wait")
    first = pytester.runpytest_subprocess(*args)
    assert first.ret == 1
    first.assert_outcomes(passed=1, errors=2)
    first.stdout.fnmatch_lines([
        "*: not scored: openai/stub-model: batch batch-* expired before answering this request; the next run of this "
        "command submits it again",
        "WARNING: batch batch-* (openai/stub-model) expired (its 24 h window ran out) before answering every request: "
        "2 of 3 request(s) lost (submitted again by the next run of this command)",
    ])
    second = pytester.runpytest_subprocess(*args)
    assert second.ret == 0
    second.assert_outcomes(passed=3)
    assert scores_of(pytester.path) == pytest.approx(LOOPBACK_SCORES)
    _, state = _state(pytester.path)
    assert [b["kinds"] for b in state["batches"]] == [{"answer": 3}, {"judge request": 1}, {"answer": 2}, {"judge request": 2}]


def test_batches_of_another_run_are_refused_naming_what_differs(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    ours = pytester.runpytest_subprocess(*_batch_args(loopback))
    assert ours.ret == 8
    ours_path, ours_state = _state(pytester.path)
    changed = pytester.runpytest_subprocess(*_batch_args(loopback, f"--xpert-batch-run={ours_path.parent}", judge="openai/lenient-judge"))
    assert changed.ret == 4
    changed.stderr.fnmatch_lines([
        "*batches.json belongs to another run: judges openai/stub-judge (batch run) vs openai/lenient-judge (this run)*"
    ])
    theirs = pytester.runpytest_subprocess(*_batch_args(loopback, "--xpert-report-dir=theirs", judge="openai/lenient-judge"))
    assert theirs.ret == 8
    [their_path] = list((pytester.path / "theirs").glob("*/batches.json"))
    foreign = json.loads(their_path.read_text())["batches"][0]
    ours_state["batches"].append(foreign)  # a batch id copied in from another run's state file
    ours_path.write_text(json.dumps(ours_state), encoding="utf-8")
    refused = pytester.runpytest_subprocess(*_batch_args(loopback))
    assert refused.ret == 4
    refused.stderr.fnmatch_lines([f"*batch {foreign['id']} recorded in *batches.json was submitted by another run (run key *"])
    assert len(loopback.batches) == 2  # nothing submitted, and the pending run's results stay as they were
    assert json.loads((ours_path.parent / "results.json").read_text(encoding="utf-8"))["exit_status"] == 8


def test_a_failed_upload_makes_errors_naming_it_and_never_turns_into_online_calls(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    loopback.script_upload(Fault(status=400))
    result = pytester.runpytest_subprocess(*_batch_args(loopback))
    assert result.ret == 1
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines([
        "XpertBench batch: FAILED: openai/stub-model: uploading a batch input file failed: BadRequestError: *scripted 400*",
        "*: not scored: openai/stub-model: this model request was never submitted in a batch of this run: openai/stub-model: "
        "uploading a batch input file failed*",
        "WARNING: the batch phase stopped: openai/stub-model: uploading a batch input file failed*",
    ])
    assert loopback.stats.requests == 0 and not loopback.batches


def test_a_provider_litellm_cannot_batch_is_refused_before_any_call(tmp_path: Path) -> None:
    # No pytester here: litellm imported inside a pytester test is dropped from sys.modules after it.
    factory.write_dataset(tmp_path)
    options = {"model": "openai/gpt-5", "judge": ["anthropic/claude-opus-4"], "batch": True, "report_dir": str(tmp_path / "reports")}
    settings = build_settings(options.get, tmp_path, tmp_path)
    with pytest.raises(BatchSetupError, match="--xpert-batch: anthropic/claude-opus-4: litellm cannot create batches for provider 'anthropic'"):
        XpertSession(settings).prepare()
