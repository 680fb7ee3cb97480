"""The plugin driven through pytest itself, against the loopback OpenAI-compatible server.

Expected scores are computed by hand from the rubric weights in tests/factory.py: the loopback
candidate covers every checkpoint whose number is not a multiple of 3.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import factory
from tests.conftest import latest_results, model_args, results_of, scores_of
from xpert_pytest.testing.loopback import Fault, LoopbackServer

# fin: weights (10,7,2)*5+10 = 105, misses the five 2s -> 95/105; law: 15 x 9, misses 5 -> 90/135;
# hc: (8,4,1)*5+8 = 73, misses the five 1s -> 68/73.
LOOPBACK_SCORES = {"fin-t-0001": 95 / 105, "law-t-0001": 90 / 135, "hc-t-0001": 68 / 73}
# anchors meet the odd-numbered checkpoints: fin 50/105, law 72/135, hc 35/73.
ANCHOR_SCORES = {"fin-t-0001": 50 / 105, "law-t-0001": 72 / 135, "hc-t-0001": 35 / 73}


def test_hand_computed_scores_match_the_factory() -> None:
    tasks = factory.standard_tasks()
    anchors = factory.standard_anchors(tasks)
    assert {t["id"]: factory.loopback_score(t) for t in tasks} == pytest.approx(LOOPBACK_SCORES)
    assert {t["id"]: factory.anchor_score(t, a) for t, a in zip(tasks, anchors, strict=True)} == pytest.approx(ANCHOR_SCORES)


def test_without_model_only_the_projects_own_tests_run(pytester: pytest.Pytester, bench_dir: Path) -> None:
    pytester.makepyfile(test_own="def test_own():\n    assert True\n")
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(passed=1)
    assert "XpertBench summary" not in result.stdout.str()


def test_loopback_run_scores_every_task(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    result = pytester.runpytest_subprocess(*model_args(loopback), "-v", "--xpert-no-cache")
    result.assert_outcomes(passed=3)
    assert result.ret == 0
    assert scores_of(pytester.path) == pytest.approx(LOOPBACK_SCORES)
    result.stdout.fnmatch_lines(
        [
            "*xpert::finance/equity-research/fin-t-0001 PASSED*",
            "*XpertBench summary*",
            "Finance *1 *90.5% *n<5: no CI *1 *0",  # one task: a score, never a confident interval
            "Law *1 *66.7% *n<5: no CI *1 *0",
            "overall score 83.4% n<5: no CI over 3 scored task(s)*",
            "dimension (share of rubric weight met) *tasks *score *95% CI",
            "Accuracy & Factual Correctness *3 *77.1% *",  # pooled: 121/157 of the odd checkpoints' weight
            "Linguistic Quality *3 *84.6% *",  # 132/156
            "category *tasks *score *95% CI",  # with -v
            "Finance · Equity Research & Corporate Analysis *1 *90.5% *",
            "skills: quantitative reasoning * linguistic synthesis *",
            "tokens: model *, judge *",
            "results written to *results.json",
        ]
    )
    assert loopback.stats.by_model == {"stub-model": 3, "stub-judge": 3}
    run = results_of(pytester.path)
    assert run["settings"]["model"] == "openai/stub-model"
    assert run["summary"]["overall"]["mean"] == pytest.approx(sum(LOOPBACK_SCORES.values()) / 3)
    fin = next(t for t in run["tasks"] if t["task_id"] == "fin-t-0001")
    assert [v["met"] for v in fin["verdicts"]] == [n % 3 != 0 for n in range(1, 17)]
    assert fin["calls"][0]["prompt_tokens"] > 0


def test_xdist_gives_the_same_scores(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    result = pytester.runpytest_subprocess(*model_args(loopback), "-n", "2", "-v", "--xpert-no-cache")
    result.assert_outcomes(passed=3)
    assert scores_of(pytester.path) == pytest.approx(LOOPBACK_SCORES)
    assert "scheduling tests via PartitionScheduling" in result.stdout.str()
    assert loopback.stats.by_model == {"stub-model": 3, "stub-judge": 3}


def test_selection_by_keyword_marker_and_id(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    args = [*model_args(loopback), "--xpert-no-cache"]
    pytester.runpytest_subprocess(*args, "-k", "finance").assert_outcomes(passed=1)
    pytester.runpytest_subprocess(*args, "-m", "law").assert_outcomes(passed=1)
    pytester.runpytest_subprocess(*args, "-k", "hc-t-0001 or law").assert_outcomes(passed=2)
    pytester.runpytest_subprocess(*args, "-k", "healthcare and clinical").assert_outcomes(passed=1)
    assert loopback.stats.by_model["stub-model"] == 5


def test_anchor_replay_runs_offline_and_says_so(pytester: pytest.Pytester, bench_dir: Path) -> None:
    result = pytester.runpytest_subprocess("--xpert-model=xpert/anchor")
    result.assert_outcomes(passed=1, failed=2)
    assert result.ret == 1
    assert scores_of(pytester.path) == pytest.approx(ANCHOR_SCORES)
    out = result.stdout.str()
    assert "Replay of graded anchors" in out
    assert results_of(pytester.path)["note"].startswith("Replay of graded anchors")
    result.stdout.fnmatch_lines(
        [
            "*fin-t-0001 (finance/equity-research) scored 47.6% < pass score 50%",
            "*missed 8 of 16 checkpoints, weight 55 of 105:",
            "  c04 [essential, weight 10, Linguistic Quality] Requirement 4 of fin-t-0001",
            "      judge: c04 missed",
            "  c10 [essential, weight 10, *",
        ]
    )


def test_failing_gate_exits_6_even_when_tasks_pass(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    result = pytester.runpytest_subprocess(*model_args(loopback), "--xpert-fail-under=0.9")
    result.assert_outcomes(passed=3)
    assert result.ret == 6
    result.stdout.fnmatch_lines(["gate FAILED overall: 83.43% is 6.57 pp below the threshold 90.00%"])
    assert results_of(pytester.path)["exit_status"] == 6


def test_domain_gate_and_met_gate_decide_over_task_failures(pytester: pytest.Pytester, bench_dir: Path) -> None:
    met = pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-fail-under=0.45")
    met.assert_outcomes(passed=1, failed=2)
    assert met.ret == 0
    met.stdout.fnmatch_lines(["gate met overall: 49.63% is 4.63 pp above the threshold 45.00%"])
    failed = pytester.runpytest_subprocess(
        "--xpert-model=xpert/anchor", "--xpert-fail-under=0.45", "--xpert-fail-under-domain", "law=0.6"
    )
    assert failed.ret == 6
    failed.stdout.fnmatch_lines(["gate FAILED domain law: 53.33% is 6.67 pp below the threshold 60.00%"])


def test_ini_settings(pytester: pytest.Pytester, bench_dir: Path) -> None:
    pytester.makeini("[pytest]\nxpert_model = xpert/anchor\nxpert_pass_score = 0.4\nxpert_fail_under_domain =\n    law=0.5\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=3)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["gate met domain law: *"])


def test_provider_failure_is_an_error_not_a_zero(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    loopback.script("stub-model", *[Fault(status=500)] * 3)
    result = pytester.runpytest_subprocess(*model_args(loopback), "--xpert-concurrency=1", "--xpert-no-cache")
    result.assert_outcomes(passed=2, errors=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*fin-t-0001: not scored: openai/stub-model: InternalServerError*"])
    run = results_of(pytester.path)
    fin = next(t for t in run["tasks"] if t["task_id"] == "fin-t-0001")
    assert fin["status"] == "error" and fin["score"] is None
    assert run["summary"]["overall"] == {"tasks": 3, "scored": 2, "errors": 1, "passed": 2, "mean": pytest.approx((90 / 135 + 68 / 73) / 2), "normalized": None}


def test_rate_limits_and_bad_judge_json_are_recovered(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    loopback.script("stub-model", Fault(status=429, retry_after=0.2), Fault(status=503))
    loopback.script("stub-judge", Fault(content="I think it is good."), Fault(content='```json\n{"verdicts": []}\n```'))
    result = pytester.runpytest_subprocess(*model_args(loopback), "--xpert-no-cache")
    result.assert_outcomes(passed=3)
    assert scores_of(pytester.path) == pytest.approx(LOOPBACK_SCORES)
    assert loopback.stats.by_model["stub-model"] == 5


def test_judge_that_never_answers_properly_makes_an_error_with_raw_kept(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    loopback.script("stub-judge", *[Fault(content="All checkpoints are met!")] * 3)
    result = pytester.runpytest_subprocess(*model_args(loopback), "-k", "law", "--xpert-no-cache")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*law-t-0001: not scored: judge openai/stub-judge gave no usable verdict for c01*"])
    law = results_of(pytester.path)["tasks"][0]
    assert law["judge_raw"] == ["All checkpoints are met!"] * 3
    assert law["response"].startswith("Working answer.")


def test_cache_makes_a_rerun_free_and_identical(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    first = pytester.runpytest_subprocess(*model_args(loopback))
    first.assert_outcomes(passed=3)
    calls = loopback.stats.requests
    second = pytester.runpytest_subprocess(*model_args(loopback), "-n", "2")
    second.assert_outcomes(passed=3)
    assert loopback.stats.requests == calls
    second.stdout.fnmatch_lines(["*calls 0, cache hits 6 (3 of 3 answers)"])
    assert scores_of(pytester.path) == pytest.approx(LOOPBACK_SCORES)


def test_last_failed_reruns_only_failed_tasks(pytester: pytest.Pytester, bench_dir: Path) -> None:
    pytester.runpytest_subprocess("--xpert-model=xpert/anchor").assert_outcomes(passed=1, failed=2)
    rerun = pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--lf", "-v")
    rerun.assert_outcomes(failed=2, deselected=1)
    exitfirst = pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "-x")
    exitfirst.assert_outcomes(failed=1)


def test_junit_xml_carries_each_task_score(pytester: pytest.Pytester, bench_dir: Path) -> None:
    pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--junitxml=junit.xml")
    xml = (pytester.path / "junit.xml").read_text(encoding="utf-8")
    assert '<property name="xpert_score" value="0.5333" />' in xml


def test_malformed_dataset_stops_before_any_call(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    tasks = factory.standard_tasks()
    tasks[1]["rubric"][3]["weight"] = 12
    del tasks[2]["title"]
    factory.write_dataset(pytester.path, tasks)
    result = pytester.runpytest_subprocess(*model_args(loopback))
    assert result.ret == 4
    err = result.stderr.str()
    assert "XpertBench input does not load:" in err
    assert "benchmark/data/healthcare.jsonl:1: [hc-t-0001] field title: Field required" in err
    assert "benchmark/data/law.jsonl:1: [law-t-0001] field rubric.c04.weight: 12 must be in 1..10" in err
    assert "exemplars" not in err  # anchors of broken tasks are not reported twice
    assert loopback.stats.requests == 0


def test_a_model_may_not_judge_itself(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    args = model_args(loopback, model="openai/stub-judge", judge="openai/stub-judge")
    refused = pytester.runpytest_subprocess(*args)
    assert refused.ret == 4
    refused.stderr.fnmatch_lines(["*a model must not grade itself*--xpert-allow-self-judge*"])
    allowed = pytester.runpytest_subprocess(*args, "--xpert-allow-self-judge", "--xpert-no-cache")
    allowed.assert_outcomes(errors=0, passed=0, failed=3)  # the judge answers its own prompt with verdicts, not an answer


def test_report_is_written_by_default_and_can_be_moved_or_turned_off(pytester: pytest.Pytester, bench_dir: Path) -> None:
    result = pytester.runpytest_subprocess("--xpert-model=xpert/anchor")
    result.stdout.fnmatch_lines(["report written to *reports/*/index.html"])
    assert len(list((pytester.path / "reports").glob("*/index.html"))) == 1
    pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-report-dir=elsewhere", "--xpert-no-report")
    assert list((pytester.path / "elsewhere").glob("*/results.json"))
    assert not list((pytester.path / "elsewhere").glob("*/index.html"))


def test_results_json_is_valid_run_result(pytester: pytest.Pytester, bench_dir: Path) -> None:
    from xpert_pytest.numbers.results import RunResult

    pytester.runpytest_subprocess("--xpert-model=xpert/anchor")
    path = latest_results(pytester.path / "reports")
    run = RunResult.model_validate(json.loads(path.read_text(encoding="utf-8")))
    assert run.dataset_fingerprint and run.package_version
    assert run.settings.replay is True


def test_baseline_gate_compares_paired_tasks(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    pytester.runpytest_subprocess(*model_args(loopback), "--xpert-report-dir=strong")
    strong = latest_results(pytester.path / "strong")
    same = pytester.runpytest_subprocess(*model_args(loopback), f"--xpert-baseline={strong}")
    assert same.ret == 0
    same.stdout.fnmatch_lines(["gate met baseline: change +0.00 pp *on 3 shared task(s); allowed drop 2.00 pp"])
    anchor = ["--xpert-model=xpert/anchor", f"--xpert-baseline={strong}", "--xpert-max-drop=0.05"]
    refused = pytester.runpytest_subprocess(*anchor)
    assert refused.ret == 4
    refused.stderr.fnmatch_lines([
        "*was run on another benchmark: judge openai/stub-judge (baseline) vs xpert/expert (this run)."
        " Its scores are not comparable; rerun the baseline, or pass --xpert-allow-baseline-mismatch"
    ])
    worse = pytester.runpytest_subprocess(*anchor, "--xpert-allow-baseline-mismatch")
    assert worse.ret == 6
    worse.stdout.fnmatch_lines(["gate FAILED baseline: change -33.80 pp (95% CI * pp) on 3 shared task(s); allowed drop 5.00 pp: *"])
    replay = latest_results(pytester.path / "reports")
    better = pytester.runpytest_subprocess(*model_args(loopback), f"--xpert-baseline={replay}", "--xpert-allow-baseline-mismatch")
    assert better.ret == 0
    better.stdout.fnmatch_lines(["gate met baseline: change +33.80 pp *on 3 shared task(s); allowed drop 2.00 pp"])
    data = bench_dir / "data" / "law.jsonl"
    data.write_text(data.read_text(encoding="utf-8").replace('"title": "', '"title": "Revised: ', 1), encoding="utf-8")
    changed = pytester.runpytest_subprocess(*model_args(loopback), f"--xpert-baseline={strong}")
    assert changed.ret == 4
    changed.stderr.fnmatch_lines(["*was run on another benchmark: dataset and anchors fingerprint * (baseline) vs * (this run)*"])
    missing = pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-baseline=nope.json")
    assert missing.ret == 4
    assert "nope.json: --xpert-baseline is not a readable results file" in missing.stderr.str()


def test_epochs_answer_each_task_k_times_and_report_the_spread(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    answers = iter(["Points addressed: c01.", "Points addressed: c01, c02.", "Points addressed: c01, c02, c03."])
    loopback.respond = lambda body: (
        LoopbackServer.default_response(body) if "judge" in body["model"] else next(answers)
    )
    result = pytester.runpytest_subprocess(*model_args(loopback), "-k", "law", "--xpert-epochs=3", "--xpert-concurrency=1")
    result.assert_outcomes(failed=1)
    assert loopback.stats.by_model == {"stub-model": 3, "stub-judge": 3}
    law = results_of(pytester.path)["tasks"][0]
    assert law["epoch_scores"] == pytest.approx([1 / 15, 2 / 15, 3 / 15])
    assert law["score"] == pytest.approx(2 / 15)
    result.stdout.fnmatch_lines(["epochs 3: means 6.7%, 13.3%, 20.0%; SD of epoch means 5.44 pp; mean within-task SD 5.44 pp"])
    again = pytester.runpytest_subprocess(*model_args(loopback), "-k", "law", "--xpert-epochs=3")
    again.assert_outcomes(failed=1)
    assert loopback.stats.requests == 6  # every epoch came from the cache


def test_judge_ensemble_votes_and_reports_disagreement(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    # stub-judge grades by the contract; lenient-judge marks everything met; a third stub-judge breaks ties.
    result = pytester.runpytest_subprocess(*model_args(loopback, judge="openai/stub-judge+openai/lenient-judge"), "-k", "law")
    result.assert_outcomes(passed=1)
    # two judges split on c03, c06, ..., c15: ties count as not met, so the score equals stub-judge's.
    assert scores_of(pytester.path) == pytest.approx({"law-t-0001": 90 / 135})
    result.stdout.fnmatch_lines(["judge ensemble (2 judges, majority vote, ties not met): judges disagreed on 33.3% of checkpoint verdicts"])
    law = results_of(pytester.path)["tasks"][0]
    assert law["judge_disagreements"] == 5
    assert {c["model"] for c in law["calls"] if c["role"] == "judge"} == {"openai/stub-judge", "openai/lenient-judge"}
    html = next((pytester.path / "reports").glob("*/index.html")).read_text(encoding="utf-8")
    assert 'id="disagreement"' in html and "33.3%" in html


def test_rejudging_an_old_run_costs_only_judge_calls(pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer) -> None:
    pytester.runpytest_subprocess(*model_args(loopback)).assert_outcomes(passed=3)
    rejudged = pytester.runpytest_subprocess(*model_args(loopback, judge="openai/lenient-judge"))
    rejudged.assert_outcomes(passed=3)
    assert loopback.stats.by_model == {"stub-model": 3, "stub-judge": 3, "lenient-judge": 3}
    assert set(scores_of(pytester.path).values()) == {1.0}


def test_a_hub_id_that_cannot_be_reached_is_a_clear_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-dataset=xpertbench/not-here")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*xpertbench/not-here: cannot load dataset: *Hub (OfflineModeIsEnabled)*"])


def test_help_lists_the_options(pytester: pytest.Pytester) -> None:
    """A `%` in a help text used to crash `pytest --help` for everyone with the package installed."""
    result = pytester.runpytest_subprocess("--help")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*--xpert-model=XPERT_MODEL*", "*--xpert-bootstrap=XPERT_BOOTSTRAP*", "*95% confidence*"])


@pytest.mark.parametrize("option", ["dataset", "exemplars", "report-dir", "cache", "baseline", "responses"])
def test_a_path_option_given_as_two_words_is_a_usage_error(pytester: pytest.Pytester, bench_dir: Path, option: str) -> None:
    """pytest would take the path for a test path while choosing the rootdir, and lose the ini file."""
    result = pytester.runpytest_subprocess("--xpert-model=xpert/anchor", f"--xpert-{option}", str(pytester.path / "out"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*write --xpert-{option}=PATH, with '='*"])
    assert not (pytester.path / "reports").exists()


def test_domain_markers_are_registered_only_with_the_benchmark_on(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_own="import pytest\n\n@pytest.mark.finance\ndef test_own():\n    pass\n")
    result = pytester.runpytest_subprocess("--strict-markers", "-q")
    result.stdout.fnmatch_lines(["*'finance' not found in `markers` configuration option*"])


def test_cached_answers_belong_to_one_endpoint_and_revision(pytester: pytest.Pytester, bench_dir: Path) -> None:
    """Two servers of one model name, or a new checkpoint under one name and URL, are new calls."""
    with LoopbackServer() as first, LoopbackServer() as second:
        pytester.runpytest_subprocess(*model_args(first)).assert_outcomes(passed=3)
        assert first.stats.by_model == {"stub-model": 3, "stub-judge": 3}
        pytester.runpytest_subprocess(*model_args(second)).assert_outcomes(passed=3)
        assert second.stats.by_model == {"stub-model": 3, "stub-judge": 3}  # another api_base: not served from the cache
        revised = pytester.runpytest_subprocess(*model_args(first), "--xpert-model-revision=ckpt-2")
        revised.assert_outcomes(passed=3)
        assert first.stats.by_model == {"stub-model": 6, "stub-judge": 3}  # new answers; the judge's grading is cached
        again = pytester.runpytest_subprocess(*model_args(first), "--xpert-model-revision=ckpt-2", "--xpert-fail-under=0.1")
        again.assert_outcomes(passed=3)
        assert first.stats.by_model == {"stub-model": 6, "stub-judge": 3}  # same everything: zero calls
        again.stdout.fnmatch_lines(["model openai/stub-model (revision ckpt-2) *", "note: 3 of 3 answers the gates judged came from the cache*"])
    assert results_of(pytester.path)["settings"]["model_revision"] == "ckpt-2"


@pytest.mark.parametrize(("fmt", "wanted"), [("json-schema", "json_schema"), ("json-object", "json_object"), ("off", None)])
def test_a_self_hosted_judge_can_ask_for_structured_output(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer, fmt: str, wanted: str | None
) -> None:
    """litellm cannot know that an OpenAI-compatible server takes response_format; the user says so."""
    result = pytester.runpytest_subprocess(*model_args(loopback), "--xpert-no-cache", f"--xpert-judge-format={fmt}")
    result.assert_outcomes(passed=3)
    judged = [b for b in loopback.bodies if b.get("model") == "stub-judge"]
    answered = [b for b in loopback.bodies if b.get("model") == "stub-model"]
    assert len(judged) == 3 and all((b.get("response_format") or {}).get("type") == wanted for b in judged)
    assert all("response_format" not in b for b in answered)


def test_an_unusable_report_dir_stops_the_run_before_any_call(
    pytester: pytest.Pytester, bench_dir: Path, loopback: LoopbackServer
) -> None:
    blocker = pytester.path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    result = pytester.runpytest_subprocess(*model_args(loopback), f"--xpert-report-dir={blocker}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*--xpert-report-dir: {blocker} cannot hold the results*"])
    assert loopback.stats.requests == 0
