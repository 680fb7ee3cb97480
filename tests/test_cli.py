from __future__ import annotations

from pathlib import Path

import pytest

from tests import factory
from xpert_pytest.cli import main
from xpert_pytest.data.dataset import load_benchmark
from xpert_pytest.data.hub import render_card
from xpert_pytest.numbers.results import RESULTS_SCHEMA

REPO = Path(__file__).resolve().parent.parent


def test_validate_passes_on_the_shipped_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(REPO / "benchmark")]) == 0
    assert capsys.readouterr().err.strip().endswith(": ok")


def test_validate_reports_one_line_per_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = factory.standard_tasks()
    tasks[0]["rubric"][0]["weight"] = 3  # essential with an optional weight
    tasks[1]["rubric"] = tasks[1]["rubric"][:10]
    tasks[2]["provenance"]["canary"] = "nope"
    anchors = factory.standard_anchors(tasks)
    anchors[1]["verdicts"] = [dict(v, met=True) for v in anchors[1]["verdicts"]]
    factory.write_dataset(tmp_path, tasks, anchors)
    assert main(["validate", str(tmp_path / "benchmark")]) == 1
    out = capsys.readouterr().out
    assert "finance.jsonl:1: [fin-t-0001 c01] weight 3 does not fit importance 'essential' (8-10)" in out
    assert "law.jsonl:1: [law-t-0001] rubric has 10 checkpoints; expected 15-40" in out
    assert "law.jsonl:1: [law-t-0001] anchor from 'test anchor' scores 1.00; expected 0.2-0.95" in out
    assert "healthcare.jsonl:1: [hc-t-0001] provenance.canary is not the dataset canary" in out
    assert "README.md: the card's front matter or statistics are out of date" in out


def test_validate_flags_near_duplicate_prompts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = factory.standard_tasks()
    twin = factory.task("fin-t-0002", "finance", "macro-policy", [9] * 15, prompt=tasks[0]["prompt"] + " Also.")
    factory.write_dataset(tmp_path, [*tasks, twin])
    main(["validate", str(tmp_path / "benchmark")])
    assert "[fin-t-0002] prompt is a near duplicate of fin-t-0001" in capsys.readouterr().out


def test_validate_on_unloadable_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tasks = factory.standard_tasks()
    tasks[0]["domain"] = "astrology"
    factory.write_dataset(tmp_path, tasks)
    assert main(["validate", str(tmp_path / "benchmark")]) == 1
    err = capsys.readouterr().err
    assert "astrology.jsonl:1: [fin-t-0001] field domain: unknown domain 'astrology'; expected one of education," in err
    assert err.rstrip().endswith("1 error(s): the data does not load")


def test_stats_and_card(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = factory.write_dataset(tmp_path)
    assert main(["stats", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "| Finance | Equity Research & Corporate Analysis | 1 |" in out
    assert "| **All** | | **3** |" in out
    assert "Languages: en 2, zh 1." in out
    (folder / "README.md").write_text(factory.CANARY_CARD, encoding="utf-8")
    assert main(["card", str(folder)]) == 0
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert card == render_card(card, load_benchmark(str(folder)))
    assert "| Law | Contract Compliance & Regulatory Response | 1 |" in card


HEALTHBENCH = Path(__file__).resolve().parent / "fixtures" / "healthbench"


def test_validate_stats_and_calibrate_take_an_imported_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = f"healthbench:{HEALTHBENCH}"
    assert main(["validate", spec]) == 0
    assert f"healthbench:{HEALTHBENCH.resolve()}: 4 tasks, 0 anchors: ok (read as healthbench;" in capsys.readouterr().err
    assert main(["stats", spec]) == 0
    out = capsys.readouterr().out
    assert "| Emergency referrals | Non emergent | 1 |" in out and "| **Emergency referrals** | **all** | **2** |" in out
    assert "| accuracy | 35 | 59.3% |" in out  # positive points on that axis: 10 + 7 (stroke), 9 (ankle), 4, 5
    assert "No graded anchors." in out
    assert main(["calibrate", spec, "--judge", "openai/j", "-o", str(tmp_path / "cal")]) == 1
    assert "no graded anchors to calibrate the judge against" in capsys.readouterr().err
    assert main(["card", spec]) == 1
    assert "xpert card works on XpertBench dataset folders" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": []}\n', encoding="utf-8")
    assert main(["validate", f"healthbench:{bad}"]) == 1
    assert f"{bad}:1: field prompt: List should have at least 1 item" in capsys.readouterr().err
    assert main(["stats", "nope:x"]) == 1
    assert "unknown dataset format 'nope'; known formats: xpertbench, healthbench, prbench, profbench, researchrubrics" in capsys.readouterr().err


PROFBENCH_RUN = Path(__file__).resolve().parent / "fixtures" / "profbench_run"


def test_validate_and_stats_read_a_profbench_set_with_its_labelled_reports_as_anchors(capsys: pytest.CaptureFixture[str]) -> None:
    spec = f"profbench:{PROFBENCH_RUN}"
    assert main(["validate", spec]) == 0
    assert f"profbench:{PROFBENCH_RUN.resolve()}: 3 tasks, 9 anchors: ok (read as profbench;" in capsys.readouterr().err
    assert main(["stats", spec]) == 0
    out = capsys.readouterr().out
    assert "No graded anchors." not in out and "Chemistry PhD" in out


def test_publish_fails_clearly_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = factory.write_dataset(tmp_path)
    assert main(["publish", str(folder), "--repo-id", "xpertbench/test"]) == 1
    assert "offline mode is on (HF_HUB_OFFLINE=1)" in capsys.readouterr().err


def test_report_command_builds_run_and_comparison_pages(pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]) -> None:
    factory.write_dataset(pytester.path)
    pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-no-report")
    pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-no-report", "--xpert-pass-score=0.2")
    runs = sorted(str(p) for p in (pytester.path / "reports").glob("*/results.json"))
    assert len(runs) == 2
    assert main(["report", runs[0], "-o", str(pytester.path / "one")]) == 0
    assert "Headline" in (pytester.path / "one" / "index.html").read_text(encoding="utf-8")
    assert main(["report", *runs, "-o", str(pytester.path / "both")]) == 0
    assert "expert-gap comparison" in (pytester.path / "both" / "index.html").read_text(encoding="utf-8")
    (pytester.path / "bad.json").write_text("{}", encoding="utf-8")
    assert main(["report", str(pytester.path / "bad.json"), "-o", str(pytester.path / "x")]) == 1
    assert "bad.json: not a readable results file" in capsys.readouterr().err


def test_report_command_errors_are_messages(pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    factory.write_dataset(pytester.path)
    pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-no-report")
    (run,) = (pytester.path / "reports").glob("*/results.json")
    data = json.loads(run.read_text(encoding="utf-8"))
    data["tasks"][0]["domain"] = "astrology"  # a taxonomy this version does not know: shown as is
    foreign = pytester.path / "foreign.json"
    foreign.write_text(json.dumps(data), encoding="utf-8")
    assert main(["report", str(foreign), "-o", str(pytester.path / "out")]) == 0
    assert "astrology" in (pytester.path / "out" / "index.html").read_text(encoding="utf-8")
    del data["taxonomy"]  # as written before results recorded the taxonomy: our packaged card's titles
    data["schema_version"] = 2
    foreign.write_text(json.dumps(data), encoding="utf-8")
    assert main(["report", str(foreign), "-o", str(pytester.path / "old")]) == 0
    assert "Law · Contract Compliance &amp; Regulatory Response" in (pytester.path / "old" / "index.html").read_text(encoding="utf-8")
    (pytester.path / "afile").write_text("", encoding="utf-8")
    assert main(["report", str(run), "-o", str(pytester.path / "afile")]) == 1
    assert "-o " + str(pytester.path / "afile") + ": cannot be used as the output folder" in capsys.readouterr().err
    data["schema_version"] = 99
    future = pytester.path / "future.json"
    future.write_text(json.dumps(data), encoding="utf-8")
    assert main(["report", str(future), "-o", str(pytester.path / "out2")]) == 1
    assert f"results schema 99 is newer than this xpertbench reads ({RESULTS_SCHEMA}); upgrade xpertbench" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--bootstrap", "0"], "argument --bootstrap: expected 100..100000, got 0"),
        (["--batch=-2"], "argument --batch: expected comma-separated whole numbers 0 or more, got '-2'"),
        (["--shots=-3"], "argument --shots: expected comma-separated whole numbers 0 or more, got '-3'"),
        (["--concurrency", "0"], "argument --concurrency: expected 1..4096, got 0"),
    ],
)
def test_calibrate_numbers_are_checked_before_any_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as excinfo:
        main(["calibrate", "--judge", "openai/j", *option, "-o", str(tmp_path / "out")])
    assert excinfo.value.code == 2
    assert message in capsys.readouterr().err


def test_calibrate_provider_settings_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bench = factory.write_dataset(tmp_path)
    args = ["calibrate", str(bench), "--judge", "openai/j", "--judge-arg", "max_retries=-1", "-o", str(tmp_path / "out")]
    assert main(args) == 1
    assert "--judge-arg max_retries=-1: expected a whole number 0..20" in capsys.readouterr().err


def test_calibrate_labels_input_is_checked_before_any_call(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels = Path(__file__).resolve().parent / "fixtures" / "healthbench_meta"
    out = ["--judge", "openai/j", "-o", str(tmp_path / "out")]
    assert main(["calibrate", "--labels", f"nope:{labels}", *out]) == 1
    assert "unknown label format 'nope'; known label formats: healthbench, profbench" in capsys.readouterr().err
    bad = tmp_path / "meta.jsonl"
    bad.write_text('{"prompt": [{"role": "user", "content": "Hi"}], "completion": "Hello"}\n', encoding="utf-8")
    assert main(["calibrate", "--labels", f"healthbench:{bad}", *out]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:1: field rubric: Field required" in err and "error(s): the labels do not load" in err
    assert main(["calibrate", str(tmp_path), "--labels", f"healthbench:{labels}", *out]) == 4
    assert "--labels brings its own graded answers: give it without a dataset" in capsys.readouterr().err
    assert main(["calibrate", "--labels", f"healthbench:{labels}", "--shots", "0,2", *out]) == 4
    assert "no graded anchors to show as shots" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cache_lists_and_drops_entries_by_model_task_and_age(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xpert_pytest.calls.cache import CallCache, Completion

    path = tmp_path / "calls.sqlite"
    cache = CallCache(path)
    for n, (model, task) in enumerate([("openai/a", "t1"), ("openai/a", "t2"), ("openai/judge", "t1")]):
        cache.put(f"k{n}", model, Completion(content="x"), task)
    cache.close()
    assert main(["cache", "list", "--cache", str(path)]) == 0
    listing = capsys.readouterr().out
    assert "openai/a" in listing and "openai/judge" in listing and "3 cached call(s)" in listing
    assert main(["cache", "list", "--cache", str(path), "--task", "t1"]) == 0
    assert "2 cached call(s)" in capsys.readouterr().out
    assert main(["cache", "drop", "--cache", str(path), "--older-than", "1"]) == 0
    assert "dropped 0 cached call(s)" in capsys.readouterr().out  # all are fresh
    assert main(["cache", "drop", "--cache", str(path)]) == 1
    assert "drop needs --model, --task, --older-than or --all" in capsys.readouterr().err
    assert main(["cache", "drop", "--cache", str(path), "--model", "openai/judge"]) == 0
    assert "dropped 1 cached call(s)" in capsys.readouterr().out
    assert main(["cache", "drop", "--cache", str(path), "--all"]) == 0
    assert "dropped 2 cached call(s)" in capsys.readouterr().out
    assert main(["cache", "list", "--cache", str(tmp_path / "none.sqlite")]) == 1
    assert "no cache file here" in capsys.readouterr().err


def test_cache_of_another_schema_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    path = tmp_path / "calls.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE calls (key TEXT PRIMARY KEY, model TEXT, response TEXT)").connection.commit()
    assert main(["cache", "list", "--cache", str(path)]) == 1
    assert str(path) in capsys.readouterr().err
