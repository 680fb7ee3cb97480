from __future__ import annotations

from pathlib import Path

import pytest

from tests import factory
from xpert_pytest.cli import main
from xpert_pytest.data.dataset import load_benchmark
from xpert_pytest.data.hub import render_card

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
