"""The gate never lies: each adversarial finding (F2-F25) replayed against the loopback server's
hostile modes, through pytest itself."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import latest_results, model_args, results_of
from xpert_pytest.testing.hostile import forged
from xpert_pytest.testing.loopback import Fault, LoopbackServer

ALL_IDS = [f"c{n:02d}" for n in range(1, 41)]


@pytest.mark.parametrize("stop", ["-x", "--maxfail=1"])
def test_a_run_stopped_by_x_or_maxfail_is_incomplete_not_gated(pytester: pytest.Pytester, bench_dir: Path, stop: str) -> None:
    full = pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-fail-under=0.5")
    assert full.ret == 6
    partial = pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-fail-under=0.5", stop)
    assert partial.ret == 7
    partial.stdout.fnmatch_lines(["RUN INCOMPLETE: *"])
    assert "gate met" not in partial.stdout.str()
    run = results_of(pytester.path)
    assert run["incomplete"] and run["exit_status"] == 7 and run["gates"] == []


@pytest.mark.parametrize("judge", ["openai/judge-quote", "openai/judge-fencequote"])
def test_a_forged_verdict_object_quoted_by_the_judge_scores_nothing(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer, judge: str
) -> None:
    loopback.respond = lambda body: (
        LoopbackServer.default_response(body) if "judge" in body["model"] else "No answer here. " + forged(ALL_IDS)
    )
    pytester.runpytest_subprocess(*model_args(loopback, judge=judge), "--xpert-no-cache")
    run = results_of(pytester.path)
    assert [t["score"] for t in run["tasks"]] == [0.0, 0.0, 0.0]
    assert run["summary"]["overall"]["errors"] == 0


@pytest.mark.parametrize(
    ("judge", "problem"),
    [
        ("openai/judge-strtrue", "breaks the contract (met: Input should be a valid boolean)"),
        ("openai/judge-norationale", "breaks the contract (rationale: Field required)"),
        ("openai/judge-extra", "verdicts for checkpoints this rubric does not have: c99"),
    ],
)
def test_judges_that_break_the_contract_grade_nothing(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer, judge: str, problem: str
) -> None:
    result = pytester.runpytest_subprocess(*model_args(loopback, judge=judge), "--xpert-no-cache", "-k", "law")
    result.assert_outcomes(errors=1)
    (task,) = results_of(pytester.path)["tasks"]
    assert task["score"] is None and problem in task["error"]
    assert loopback.stats.by_model[judge.split("/")[1]] == 3  # asked again, as for missing verdicts


def test_refusals_are_graded_and_flagged_truncation_is_flagged(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    loopback.script("stub-model", Fault(refusal="I can't help with that request."), Fault(finish_reason="length"), Fault(no_choices=True))
    result = pytester.runpytest_subprocess(*model_args(loopback), "--xpert-no-cache", "--xpert-concurrency=1")
    tasks = {t["task_id"]: t for t in results_of(pytester.path)["tasks"]}
    refused, cut, empty = tasks["fin-t-0001"], tasks["hc-t-0001"], tasks["law-t-0001"]
    assert refused["status"] == "scored" and refused["refusal"] and refused["score"] == 0.0
    assert refused["response"] == "I can't help with that request."
    assert cut["status"] == "scored" and cut["truncated"] and cut["score"] > 0
    assert empty["status"] == "error" and "no choices" in empty["error"]
    summary = results_of(pytester.path)["summary"]
    assert (summary["refusals"], summary["truncated"]) == (1, 1)
    result.stdout.fnmatch_lines([
        "*fin-t-0001 (finance/equity-research) scored 0.0% < pass score 50%; refusal (the model's refusal was graded)",
        "WARNING: 1 refusal(s), graded as answers; 1 answer(s) cut off at the length limit",
    ])
    html = next((pytester.path / "reports").glob("*/index.html")).read_text(encoding="utf-8")
    assert 'id="answer-flags"' in html and ">truncated</span>" in html


def test_a_lone_surrogate_costs_nothing_under_xdist(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    loopback.respond = lambda body: (
        LoopbackServer.default_response(body) if "judge" in body["model"] else "Points addressed: c01, c02 \ud800."
    )
    result = pytester.runpytest_subprocess(*model_args(loopback), "--xpert-no-cache", "-n", "2")
    result.assert_outcomes(failed=3)  # scored (below the pass score), not lost
    tasks = results_of(pytester.path)["tasks"]
    assert len(tasks) == 3 and all(t["repaired_chars"] == 1 and "\ufffd" in t["response"] for t in tasks)


def test_unusable_judge_replies_are_not_cached(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    loopback.script("stub-judge", *[Fault(content="The service is overloaded, please retry.")] * 3)
    first = pytester.runpytest_subprocess(*model_args(loopback), "-k", "law")
    first.assert_outcomes(errors=1)
    healthy = pytester.runpytest_subprocess(*model_args(loopback), "-k", "law")
    healthy.assert_outcomes(passed=1)
    assert loopback.stats.by_model == {"stub-model": 1, "stub-judge": 4}  # the answer replayed, the judge asked again


@pytest.mark.parametrize("kind", ["old-schema", "directory", "corrupt"])
def test_an_unusable_cache_is_a_usage_error_before_any_call(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer, kind: str
) -> None:
    path = pytester.path / "calls.sqlite"
    if kind == "old-schema":
        sqlite3.connect(path).execute("CREATE TABLE calls (key TEXT PRIMARY KEY, response TEXT)").connection.commit()
    elif kind == "directory":
        path.mkdir()
    else:
        path.write_bytes(b"not a database" * 100)
    result = pytester.runpytest_subprocess(*model_args(loopback), f"--xpert-cache={path}")
    assert result.ret == 4
    assert str(path) in result.stderr.str()
    assert loopback.stats.requests == 0


def test_dist_each_is_refused(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    result = pytester.runpytest_subprocess(*model_args(loopback), "-n", "2", "--dist", "each")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*--dist each*"])
    assert loopback.stats.requests == 0


def test_the_budget_carries_over_to_a_rerun_of_the_same_run(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    args = [*model_args(loopback), "--xpert-concurrency=1", "--xpert-no-cache", "--xpert-max-cost=2.0",
            "--xpert-price", "openai/stub-model=1000,1000", "--xpert-price", "openai/stub-judge=1000,1000"]
    assert pytester.runpytest_subprocess(*args).ret == 7
    spent = loopback.stats.requests
    rerun = pytester.runpytest_subprocess(*args)
    assert rerun.ret == 7
    assert loopback.stats.requests == spent  # the run's budget was already spent: no new call starts


def test_a_trickling_server_is_cut_at_the_call_deadline(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    loopback.script("stub-model", Fault(trickle=0.05, content="Points addressed: c01. " + "slowly " * 400))
    result = pytester.runpytest_subprocess(*model_args(loopback), "--xpert-no-cache", "-k", "law", "--xpert-call-deadline=1")
    result.assert_outcomes(errors=1)
    (task,) = results_of(pytester.path)["tasks"]
    assert "call deadline of 1 s" in task["error"]


def test_the_run_deadline_ends_the_run_incomplete(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    loopback.script("stub-model", Fault(hang=30))
    result = pytester.runpytest_subprocess(*model_args(loopback), "--xpert-no-cache", "--xpert-concurrency=1", "--xpert-run-deadline=2")
    assert result.ret == 7
    result.stdout.fnmatch_lines(["RUN INCOMPLETE: *"])
    run = results_of(pytester.path)
    assert run["incomplete"] and any(t["stopped"] for t in run["tasks"])


def test_explicit_exemplars_must_exist_and_are_recorded(pytester: pytest.Pytester, bench_dir: Path) -> None:
    missing = pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-exemplars=nowhere")
    assert missing.ret == 4
    missing.stderr.fnmatch_lines(["*nowhere*"])
    (pytester.path / "empty").mkdir()
    empty = pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-exemplars=empty")
    assert empty.ret == 4
    assert "empty" in empty.stderr.str()
    pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-exemplars=exemplars")
    run = results_of(pytester.path)
    assert run["exemplars_source"].endswith("exemplars") and run["anchors"] == 3


def test_node_ids_select_tasks_and_unknown_ones_are_errors(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    one = pytester.runpytest_subprocess(*model_args(loopback), "--xpert-no-cache", "xpert::law/contract-compliance/law-t-0001")
    one.assert_outcomes(passed=1)
    assert loopback.stats.by_model == {"stub-model": 1, "stub-judge": 1}
    unknown = pytester.runpytest_subprocess(*model_args(loopback), "xpert::law/contract-compliance/law-t-9999")
    assert unknown.ret == 4
    unknown.stderr.fnmatch_lines(["*law-t-9999*"])
    nowhere = pytester.runpytest_subprocess(*model_args(loopback), "no/such/path.py")
    assert nowhere.ret == 4
    assert loopback.stats.requests == 2


@pytest.mark.parametrize("flag", ["--setup-plan", "--setup-only"])
def test_setup_plan_and_setup_only_make_no_call(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer, flag: str) -> None:
    result = pytester.runpytest_subprocess(*model_args(loopback), flag)
    assert result.ret == 0
    assert loopback.stats.requests == 0
    assert not list(pytester.path.glob("reports/*/results.json"))


def test_secrets_never_reach_results_report_or_junit(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    secret = "sk-live-4f9d2c7a1b"
    loopback.script("stub-model", Fault(status=401, echo_auth=True))
    args = [a.replace("sk-loopback", secret) for a in model_args(loopback)]
    pytester.runpytest_subprocess(*args, "--xpert-no-cache", "-k", "law", "--junitxml=junit.xml")
    run_dir = latest_results(pytester.path / "reports").parent
    (task,) = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))["tasks"]
    assert task["status"] == "error" and "[redacted]" in task["error"]
    for path in (run_dir / "results.json", run_dir / "index.html", pytester.path / "junit.xml"):
        assert secret not in path.read_text(encoding="utf-8"), path


def test_control_characters_from_a_judge_cannot_forge_log_lines(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    result = pytester.runpytest_subprocess(*model_args(loopback, judge="openai/judge-ansi"), "--xpert-no-cache", "--xpert-pass-score=0.99")
    out = result.stdout.str()
    assert "\x1b" not in out
    assert not any(line.startswith("gate met") for line in result.stdout.lines)  # no gate is set: any such line is forged
    assert sum("XpertBench summary" in line and line.startswith("=") for line in result.stdout.lines) == 1
    assert "\\x0a" in out and "\\x1b[8m" in out  # shown, escaped, on the rationale's own line


def test_bad_data_files_are_located_errors_without_a_cascade(pytester: pytest.Pytester, bench_dir: Path) -> None:
    data = bench_dir / "data"
    (data / "law.jsonl").write_bytes("{\"id\": \"law-t-0001\", \"title\": \"caf\xe9\"}\n".encode("latin-1"))
    (data / "deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    (data / "folder.jsonl").mkdir()
    result = pytester.runpytest_subprocess("--xpert-model=xpert/anchor")
    assert result.ret == 4
    err = result.stderr.str()
    assert "law.jsonl:1: not UTF-8 text (byte 0xe9 at column 35)" in err
    assert "deep.jsonl:1: " in err and "nested too deeply" in err
    assert "folder.jsonl: is a directory, not a JSON Lines file" in err
    assert "law-t-0001" not in err.split("law.jsonl:1:")[1]  # its anchor is not reported as an orphan
    assert "Traceback" not in err


def test_a_bad_ini_value_names_its_key(pytester: pytest.Pytester, bench_dir: Path) -> None:
    pytester.makeini("[pytest]\nxpert_no_cache = maybe\n")
    result = pytester.runpytest_subprocess("--xpert-model=xpert/anchor")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*ini key xpert_no_cache: 'maybe' is not true or false"])
