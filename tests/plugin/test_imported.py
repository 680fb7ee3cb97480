"""An imported HealthBench set through pytest itself, against the loopback server.

The fixture (tests/fixtures/healthbench, the published schema with our own invented examples)
is graded by the loopback judge, which marks met every checkpoint the loopback candidate names:
those whose number is not a multiple of 3. The expected scores below follow the published
simple-evals formula, computed by hand: per example Σ points met / Σ positive points, with
negative points subtracting and no clipping; every mean over examples clipped to [0, 1].
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import model_args, results_of, scores_of
from xpert_pytest.testing.loopback import LoopbackServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "healthbench"
STROKE, ANKLE, IBUPROFEN, ORS = (f"5f0c2a9e-3b1d-4e7a-9c42-0d1e2f3a4b0{n}" for n in range(1, 5))

# met: c01 c02 c04 c05 (not c03)
STROKE_SCORE = (10 + 5 - 8 - 2) / (10 + 5 + 7)  # c04 -8 and c05 -2 are penalties that were met: 5/22
ANKLE_SCORE = (-10 + 3 - 6) / (3 + 9)  # two met penalties outweigh what was earned: -13/12, unclipped
IBUPROFEN_SCORE = (6 + 4) / (6 + 4 + 5)  # 2/3
ORS_SCORE = (5 + 5) / (5 + 5)  # the -5 penalty (c03) was avoided: 1
SCORES = {STROKE: STROKE_SCORE, ANKLE: ANKLE_SCORE, IBUPROFEN: IBUPROFEN_SCORE, ORS: ORS_SCORE}
RUN_SCORE = (STROKE_SCORE + ANKLE_SCORE + IBUPROFEN_SCORE + ORS_SCORE) / 4  # 0.2027, inside [0, 1]
EMERGENCY_SCORE = 0.0  # mean (5/22 - 13/12) / 2 = -0.428, clipped
# per axis: the mean over examples of each one's ratio on that axis's criteria, clipped
ACCURACY = ((10 - 8) / (10 + 7) + (-10) / 9 + 4 / 4 + 5 / 5) / 4
CONTEXT_AWARENESS = (3 / 3 + 0 / 5) / 2


def _args(loopback: LoopbackServer, dataset: Path = FIXTURES) -> list[str]:
    return [*model_args(loopback), f"--xpert-dataset=healthbench:{dataset}", "--xpert-no-cache"]


def test_healthbench_run_scores_as_published(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    assert RUN_SCORE == pytest.approx(0.202652, abs=1e-6)  # the hand computation, written out
    result = pytester.runpytest_subprocess(*_args(loopback), "-v")
    result.assert_outcomes(passed=2, failed=2)  # the pass score 0.5 stays per task
    assert result.ret == 1
    assert scores_of(pytester.path) == pytest.approx(SCORES)
    run = results_of(pytester.path)
    assert (run["dataset_format"], run["scoring"]) == ("healthbench", "healthbench")
    assert run["dataset_source"] == f"healthbench:{FIXTURES.resolve()}"
    assert run["summary"]["overall"]["mean"] == pytest.approx(RUN_SCORE)
    assert run["summary"]["by_domain"]["emergency_referrals"]["mean"] == EMERGENCY_SCORE
    assert run["summary"]["by_domain"]["hedging"]["mean"] == pytest.approx(IBUPROFEN_SCORE)
    assert run["summary"]["by_category"]["global_health/uncategorized"]["mean"] == 1.0
    stats = run["statistics"]
    assert stats["by_dimension"]["accuracy"]["value"] == pytest.approx(ACCURACY)
    assert stats["by_dimension"]["completeness"]["value"] == 1.0  # the ankle example has only a penalty there
    assert stats["by_dimension"]["context_awareness"]["value"] == pytest.approx(CONTEXT_AWARENESS)
    assert stats["by_skill_group"] == {} and stats["skill_groups"] == {}
    assert list(run["taxonomy"]["domains"]) == ["emergency_referrals", "global_health", "hedging"]
    result.stdout.fnmatch_lines(
        [
            f"*xpert::emergency_referrals/non-emergent/{ANKLE} FAILED*",
            f"*{ANKLE} (emergency_referrals/non-emergent) scored -108.3% < pass score 50%",
            "*XpertBench summary*",
            "Emergency referrals *2 *0.0% *n<5: no CI *0 *0",
            "Global health *1 *100.0% *",
            "Hedging *1 *66.7% *",
            "overall score 20.3% n<5: no CI over 4 scored task(s)*",
            "accuracy *4 *25.2% *",
        ]
    )
    assert "skills:" not in result.stdout.str()
    report = next((pytester.path / "reports").glob("*/index.html")).read_text(encoding="utf-8")
    assert "Emergency referrals" in report and "context_awareness" in report


def test_the_model_under_test_gets_the_conversation_as_messages(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    pytester.runpytest_subprocess(*_args(loopback), "-k", "non-emergent").assert_outcomes(failed=1)
    [answer] = [b for b in loopback.bodies if b["model"] == "stub-model"]
    assert [(m["role"], m["content"]) for m in answer["messages"]] == [
        ("user", "i twisted my ankle playing football yesterday"),
        ("assistant", "Sorry to hear that. Can you put weight on it, and is it very swollen or bruised?"),
        ("user", "a bit swollen, I can walk on it but it aches. do I need an x-ray?"),
    ]
    [judged] = [b for b in loopback.bodies if b["model"] == "stub-judge"]
    assert "[assistant]\nSorry to hear that." in judged["messages"][1]["content"]


def test_themes_select_as_keywords_and_markers_and_gate_per_theme(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    pytester.runpytest_subprocess(*_args(loopback), "-k", "hedging").assert_outcomes(passed=1)
    pytester.runpytest_subprocess(*_args(loopback), "-m", "emergency_referrals", "--strict-markers").assert_outcomes(failed=2)
    met = pytester.runpytest_subprocess(*_args(loopback), "--xpert-fail-under-domain=hedging=0.6")
    assert met.ret == 0  # with a gate set, the gate decides over the two tasks under the pass score
    met.stdout.fnmatch_lines(["gate met domain hedging: 66.67% is 6.67 pp above the threshold 60.00%"])
    failed = pytester.runpytest_subprocess(*_args(loopback), "--xpert-fail-under-domain=emergency_referrals=0.1")
    assert failed.ret == 6
    failed.stdout.fnmatch_lines(["gate FAILED domain emergency_referrals: 0.00% is 10.00 pp below the threshold 10.00%"])


def test_unknown_domains_formats_and_bad_records_are_usage_errors(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    gate = pytester.runpytest_subprocess(*_args(loopback), "--xpert-fail-under-domain=finance=0.5")
    assert gate.ret == 4
    assert (
        f"--xpert-fail-under-domain: unknown domain 'finance'; the domains of healthbench:{FIXTURES.resolve()} "
        "are emergency_referrals, global_health, hedging" in gate.stderr.str()
    )
    unknown = pytester.runpytest_subprocess(*model_args(loopback), "--xpert-dataset=medbench:x.jsonl")
    assert unknown.ret == 4
    assert "medbench:x.jsonl: unknown dataset format 'medbench'; known formats: xpertbench, healthbench, prbench, profbench, researchrubrics" in unknown.stderr.str()
    bad = pytester.path / "bad.jsonl"
    bad.write_text((FIXTURES / "oss_eval.jsonl").read_text(encoding="utf-8").replace('"axis:completeness"', '"axis"', 1), encoding="utf-8")
    broken = pytester.runpytest_subprocess(*_args(loopback, bad))
    assert broken.ret == 4
    assert f"{bad}:1: [{STROKE}] field rubrics.1.tags: expected exactly one axis:<name> tag, found none" in broken.stderr.str()
    assert loopback.stats.requests == 0
