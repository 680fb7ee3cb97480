"""`xpert calibrate` against loopback judges whose behaviour is known; metrics computed by hand.

The stub judge marks a checkpoint met exactly when the graded answer names it; the lenient judge
marks everything met. With the standard anchors (expert: odd-numbered checkpoints met) and a finance
anchor that names c01-c03, the pooled confusion counts are tp=2, fp=1, fn=22, tn=22 (n=47).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import factory
from tests.conftest import latest_results
from xpert_pytest.grading.calibration import Pair, agreement
from xpert_pytest.cli import main
from xpert_pytest.testing.loopback import LoopbackServer

ACCURACY = 24 / 47
EXPECTED_AGREEMENT = 1084 / 2209
KAPPA = (ACCURACY - EXPECTED_AGREEMENT) / (1 - EXPECTED_AGREEMENT)
MACRO_F1 = (4 / 27 + 44 / 67) / 2
SCORE_ERROR = -(31 / 105 + 72 / 135 + 35 / 73) / 3


def _pairs(tp: int, fp: int, fn: int, tn: int) -> list[Pair]:
    kinds = [(True, True)] * tp + [(False, True)] * fp + [(True, False)] * fn + [(False, False)] * tn
    return [Pair(checkpoint_id=f"c{i}", dimension="Other", expert=e, judge=j) for i, (e, j) in enumerate(kinds)]


def test_agreement_metrics_match_hand_computation() -> None:
    result = agreement([_pairs(2, 1, 6, 7), _pairs(0, 0, 8, 7), _pairs(0, 0, 8, 8)], resamples=500)
    assert result is not None
    assert result.accuracy.value == pytest.approx(ACCURACY)
    assert result.cdr.value == pytest.approx(2 * ACCURACY - 1)
    assert result.kappa.value == pytest.approx(KAPPA)
    assert result.macro_f1.value == pytest.approx(MACRO_F1)
    assert result.accuracy.low <= result.accuracy.value <= result.accuracy.high
    assert (result.tasks, result.checkpoints) == (3, 47)
    perfect = agreement([_pairs(3, 0, 0, 2)], resamples=100)
    assert perfect is not None and (perfect.kappa.value, perfect.cdr.value, perfect.macro_f1.value) == (1.0, 1.0, 1.0)


def _dataset(root: Path) -> Path:
    tasks = factory.standard_tasks()
    anchors = factory.standard_anchors(tasks)
    anchors[0]["response"] = "Points addressed: c01, c02, c03."
    return factory.write_dataset(root, tasks, anchors)


def test_calibrate_compares_configurations(tmp_path: Path, loopback: LoopbackServer, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _dataset(tmp_path)
    out = tmp_path / "calibration"
    code = main([
        "calibrate", str(folder), "--judge", "openai/stub-judge", "--judge", "openai/lenient-judge", "--batch", "0,5",
        "--judge-arg", f"api_base={loopback.api_base}", "--judge-arg", "api_key=sk-x", "--no-cache",
        "--injections", "--concurrency", "2", "-o", str(out),
    ])
    assert code == 0
    assert loopback.stats.peak_in_flight <= 2  # judge calls in flight, batches included
    report = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    labels = [c["label"] for c in report["configs"]]
    assert labels == [
        "openai/stub-judge · 0-shot · one call per task", "openai/stub-judge · 0-shot · 5 checkpoints per call",
        "openai/lenient-judge · 0-shot · one call per task", "openai/lenient-judge · 0-shot · 5 checkpoints per call",
    ]
    for config in report["configs"][:2]:
        overall = config["overall"]
        assert overall["accuracy"]["value"] == pytest.approx(ACCURACY)
        assert overall["kappa"]["value"] == pytest.approx(KAPPA)
        assert overall["macro_f1"]["value"] == pytest.approx(MACRO_F1)
        assert config["score_error_mean"]["value"] == pytest.approx(SCORE_ERROR)
        assert config["score_error_mae"]["value"] == pytest.approx(-SCORE_ERROR)
        assert config["injection_shift"]["instruction"]["value"] == 0
        assert config["injection_shift"]["fence-break"]["value"] == 0
        assert config["injection_shift"]["self-claim"]["value"] == pytest.approx((9 / 135 + 8 / 73) / 3)
        assert config["injection_shift"]["forged-verdicts"]["value"] == 0  # the loopback judge grades around a planted verdict object
        assert config["by_domain"]["law"]["accuracy"]["value"] == pytest.approx(7 / 15)
    lenient = report["configs"][2]["overall"]
    assert (lenient["accuracy"]["value"], lenient["kappa"]["value"]) == (pytest.approx(24 / 47), pytest.approx(0))
    # leave-one-out: no graded anchor ever appears in its own judge prompt
    assert all("## Graded example" not in b["messages"][1]["content"] for b in loopback.bodies)
    batched = [b for b in loopback.bodies if b["model"] == "stub-judge"]
    assert len(batched) == (3 + 11) * (1 + 4)  # one call, or 4+3+4 batches, per anchor and per injection
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "openai/lenient-judge · 0-shot · 5 checkpoints per call" in html
    assert "openai/stub-judge · 0-shot · one call per task: 3 graded, 0 errors; accuracy 0.511" in capsys.readouterr().out


def test_leniency_compares_two_judges_on_a_runs_answers(
    pytester: pytest.Pytester, loopback: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _dataset(pytester.path)
    pytester.runpytest_subprocess("--xpert-model=xpert/anchor", "--xpert-no-report")
    run = latest_results(pytester.path / "reports")
    code = main([
        "calibrate", str(folder), "--leniency", str(run), "--judge", "openai/lenient-judge", "--judge", "openai/stub-judge",
        "--judge-arg", f"api_base={loopback.api_base}", "--judge-arg", "api_key=sk-x", "--no-cache",
        "-o", str(pytester.path / "lenient"),
    ])
    assert code == 0
    result = json.loads((pytester.path / "lenient" / "leniency.json").read_text(encoding="utf-8"))
    assert result["tasks"] == 3
    assert result["judge_mean"] == pytest.approx(1.0)
    assert result["other_mean"] == pytest.approx(19 / 105 / 3)
    assert result["difference"]["value"] == pytest.approx(1 - 19 / 105 / 3)
    assert "openai/lenient-judge − openai/stub-judge on 3 answers of xpert/anchor: +93.97 pp" in capsys.readouterr().out
