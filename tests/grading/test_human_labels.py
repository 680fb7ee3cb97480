"""`xpert calibrate --labels` on the HealthBench meta-evaluation fixture; every metric computed by hand.

The fixture (tests/fixtures/healthbench_meta, invented content in the published schema) has 9
labelled criteria on 6 completions of 5 prompts, by physicians A, B, C. The loopback judge marks a
criterion met when the completion names its checkpoint id, so its labels are, line by line:
T F | F T | T | F F | T | T. Pairs (rater's label, other physician's label as truth) tallied
as [tp, fp, fn, tn]:

judge, each line against each physician: L1 [2,0,0,0] L2 [0,0,1,1] L3 [0,0,0,3] L4 [2,0,0,0]
L5 [1,1,0,0] L6 [0,0,0,2] L7 [0,0,1,1] L8 [1,1,0,0] L9 [1,2,0,0] -> [7,4,2,7]: F1 met 14/20,
F1 not met 14/20, macro-F1 0.7. Emergency lines (1,2,5,7,9) [4,3,2,2]: (8/13 + 4/9)/2 = 62/117;
hedging lines (3,4,6,8) [3,1,0,5]: (6/7 + 10/11)/2 = 68/77.

physicians leave-one-out against each other physician on the line: A [2,1,2,4] -> (4/7 + 8/11)/2
= 50/77; B [1,3,1,4] -> (2/6 + 8/12)/2 = 1/2; C [1,2,3,2] -> (2/7 + 4/9)/2 = 23/63.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xpert_pytest.cli import main
from xpert_pytest.grading.human_labels import balanced_f1, pair_counts
from xpert_pytest.testing.loopback import LoopbackServer

LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "healthbench_meta"
EMERGENCY = "cluster:emergency_referrals_emergent_emergency_behavior"
HEDGING = "cluster:hedging_any_reducible_uncertainty"
A, B, C = "5d0e9c1a", "a71f3b22", "e4c8806d"
PHYSICIANS = {A: 50 / 77, B: 1 / 2, C: 23 / 63}


def test_pairwise_counts_and_balanced_f1() -> None:
    assert pair_counts(True, [True, False, False]) == [1, 2, 0, 0]
    assert pair_counts(False, [True, False]) == [0, 0, 1, 1]
    macro, met, not_met = balanced_f1([7, 4, 2, 7])
    assert (float(met), float(not_met), float(macro)) == (pytest.approx(0.7), pytest.approx(0.7), pytest.approx(0.7))
    undefined = balanced_f1([3, 2, 0, 0])  # never "not met": that class's precision has no pairs, as published
    assert float(undefined[1]) == pytest.approx(6 / 8)
    assert all(value != value for value in (float(undefined[0]), float(undefined[2])))  # NaN


def test_calibrate_labels_measures_judges_beside_physicians(
    tmp_path: Path, loopback: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "labels"
    code = main([
        "calibrate", "--labels", f"healthbench:{LABELS}", "--judge", "openai/stub-judge", "--judge", "openai/lenient-judge",
        "--batch", "0,1", "--judge-arg", f"api_base={loopback.api_base}", "--judge-arg", "api_key=sk-x", "--no-cache",
        "--concurrency", "2", "-o", str(out),
    ])
    assert code == 0
    report = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert (report["lines"], report["completions"], report["prompts"], report["physicians"]) == (9, 6, 5, 3)
    # one call per completion, or one per criterion: 6 + 9 calls per judge
    assert sum(b["model"] == "stub-judge" for b in loopback.bodies) == 6 + 9
    for config in report["configs"][:2]:
        overall = config["overall"]
        assert (overall["pairs"], overall["prompts"]) == (20, 5)
        assert overall["macro_f1"]["value"] == pytest.approx(0.7)
        assert overall["macro_f1"]["low"] <= 0.7 <= overall["macro_f1"]["high"]
        assert config["by_category"][EMERGENCY]["macro_f1"]["value"] == pytest.approx(62 / 117)
        assert config["by_category"][HEDGING]["macro_f1"]["value"] == pytest.approx(68 / 77)
        assert config["by_category"][HEDGING]["macro_f1"]["low"] is None  # 3 prompts: too few for an interval
    lenient = report["configs"][2]["overall"]  # all met: "not met" is never predicted, so macro-F1 is undefined
    assert (lenient["macro_f1"], lenient["f1_met"]) == (None, pytest.approx(2 * 9 / (2 * 9 + 11)))
    panel = report["panel"]
    assert {name: a["macro_f1"]["value"] for name, a in panel["each"].items()} == pytest.approx(PHYSICIANS)
    assert panel["mean"]["value"] == pytest.approx(sum(PHYSICIANS.values()) / 3)
    assert (panel["low"], panel["high"], panel["physicians"]) == (pytest.approx(23 / 63), pytest.approx(50 / 77), 3)
    # hedging lines: A [1,0,0,1] (L3 tn 2 counted once per other: [0,0,0,2] + L4 [1,0,0,0] + L6 [0,0,0,1]) -> 1.0;
    # C [1,0,0,2] + L8 [0,0,1,0] -> (2/3 + 4/5)/2; B: L3 [0,0,0,2], L6 [0,0,0,1], L8 [0,1,0,0] -> "met" undefined
    hedging = report["panel_by_category"][HEDGING]
    assert {name: a["macro_f1"] and a["macro_f1"]["value"] for name, a in hedging["each"].items()} == {
        A: pytest.approx(1.0), B: None, C: pytest.approx((2 / 3 + 4 / 5) / 2)
    }
    printed = capsys.readouterr().out
    assert "9 labelled criteria, 6 completions, 5 prompts, 3 physicians" in printed
    assert "openai/stub-judge · 0-shot · one call per task: 6 graded, 0 errors" in printed
    overall_row = next(line for line in printed.splitlines() if line.startswith("overall "))
    assert "0.700 [" in overall_row and "range 0.365–0.649 (3)" in overall_row


def test_a_judge_failure_is_counted_not_scored(tmp_path: Path, loopback: LoopbackServer) -> None:
    def respond(body: dict[str, Any]) -> str:  # the judge never answers properly on the first completion
        prompt = json.dumps(body["messages"])
        return "All criteria are met!" if "may be a stroke" in prompt else LoopbackServer.default_response(body)

    loopback.respond = respond
    code = main([
        "calibrate", "--labels", f"healthbench:{LABELS}", "--judge", "openai/stub-judge", "--concurrency", "1",
        "--judge-arg", f"api_base={loopback.api_base}", "--judge-arg", "api_key=sk-x", "--no-cache", "-o", str(tmp_path),
    ])
    assert code == 0
    config = json.loads((tmp_path / "calibration.json").read_text(encoding="utf-8"))["configs"][0]
    assert (config["graded"], config["errors"]) == (5, 1)
    assert list(config["failures"]) == ["m00001"]
    assert "gave no usable verdict for c01, c02 after 3 attempt(s)" in config["failures"]["m00001"]
    assert config["overall"]["pairs"] == 20 - 4  # the first completion's two lines, two physicians each


def test_a_users_grader_prompt_is_measured_with_its_own_words(tmp_path: Path, loopback: LoopbackServer) -> None:
    """`--judge-template`: the same labels graded through a prompt the user supplies (their copy
    of a published grader's); the stub judge reads the rubric it lists, so the agreement is the
    one ShotJudge's prompt gets above, and every call carries the user's words."""
    template = tmp_path / "grader.j2"
    template.write_text(
        '{# xpert-judge: per=task reply=verdicts #}\nOWN GRADER\n{{ conversation_text }}\n'
        '{% for c in rubric %}- {{ c.id }} [weight {{ c.weight }}]: {{ c.text }}\n{% endfor %}'
        '<candidate_answer nonce="n1">\n{{ answer }}\n</candidate_answer nonce="n1">\n'
        'Reply with {"verdicts": [{"checkpoint_id", "met", "rationale"}]}.\n',
        encoding="utf-8",
    )
    code = main([
        "calibrate", "--labels", f"healthbench:{LABELS}", "--judge", "openai/stub-judge", "--judge-template", str(template),
        "--judge-arg", f"api_base={loopback.api_base}", "--judge-arg", "api_key=sk-x", "--no-cache", "-o", str(tmp_path / "out"),
    ])
    assert code == 0
    report = json.loads((tmp_path / "out" / "calibration.json").read_text(encoding="utf-8"))
    assert report["judge_template"].startswith(f"{template} (sha256 ")
    assert report["configs"][0]["overall"]["macro_f1"]["value"] == pytest.approx(0.7)
    judged = [b for b in loopback.bodies if b["model"] == "stub-judge"]
    assert len(judged) == 6 and all(b["messages"][0]["content"].startswith("\nOWN GRADER") for b in judged)
    missing = main(["calibrate", "--labels", f"healthbench:{LABELS}", "--judge", "openai/stub-judge",
                    "--judge-template", str(tmp_path / "absent.j2"), "-o", str(tmp_path / "o2")])
    assert missing == 4
