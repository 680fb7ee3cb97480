"""An imported ProfBench set through pytest itself, against the loopback server.

The fixture (tests/fixtures/profbench_run, the published schema with our own invented tasks) is
answered by the loopback candidate, which covers every checkpoint whose number is not a multiple
of 3 (c03 is missed), and graded by the loopback judge. The expected scores follow the released
ProfBench scoring by hand: weights Critical 4, Major 3, Minor 2, Additional 1, and a response
scores Σ weights fulfilled / Σ weights.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import model_args, results_of, scores_of
from xpert_pytest.testing.loopback import LoopbackServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "profbench_run"
ROUTE, SHELF, BEDS = "chemistry-phd-0", "chemistry-phd-1", "consulting-mba-0"

# route: c01 Critical 4, c02 Major 3, c03 Minor 2 (missed), c04 Additional 1
# shelf: c01 Critical 4, c02 Major 3, c03 Major 3 (missed)
# beds: c01 Critical 4, c02 Major 3, c03 Minor 2 (missed), c04 Minor 2, c05 Additional 1
SCORES = {ROUTE: (4 + 3 + 1) / (4 + 3 + 2 + 1), SHELF: (4 + 3) / (4 + 3 + 3), BEDS: (4 + 3 + 2 + 1) / (4 + 3 + 2 + 2 + 1)}


def _args(loopback: LoopbackServer, dataset: Path = FIXTURES) -> list[str]:
    return [*model_args(loopback), f"--xpert-dataset=profbench:{dataset}", "--xpert-no-cache"]


def test_profbench_run_scores_with_the_published_weights(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    assert SCORES == pytest.approx({ROUTE: 0.8, SHELF: 0.7, BEDS: 10 / 12})  # the hand computation
    result = pytester.runpytest_subprocess(*_args(loopback), "-v")
    result.assert_outcomes(passed=3)
    assert result.ret == 0
    assert scores_of(pytester.path) == pytest.approx(SCORES)
    run = results_of(pytester.path)
    assert (run["dataset_format"], run["scoring"]) == ("profbench", "profbench")
    assert run["summary"]["overall"]["mean"] == pytest.approx(sum(SCORES.values()) / 3)
    assert run["summary"]["by_domain"]["chemistry-phd"]["mean"] == pytest.approx((0.8 + 0.7) / 2)
    assert run["summary"]["by_domain"]["consulting-mba"]["mean"] == pytest.approx(10 / 12)
    assert list(run["taxonomy"]["domains"]) == ["chemistry-phd", "consulting-mba"]
    result.stdout.fnmatch_lines([f"*xpert::chemistry-phd/report/{ROUTE} PASSED*", "*XpertBench summary*"])


def test_the_judge_is_shown_the_expert_labelled_reports_as_graded_examples(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    pytester.runpytest_subprocess(*_args(loopback), "-k", ROUTE).assert_outcomes(passed=1)
    [answer] = [b for b in loopback.bodies if b["model"] == "stub-model"]
    assert answer["messages"][-1]["content"].startswith("From the two attached syntheses, recommend a route")
    [judged] = [b for b in loopback.bodies if b["model"] == "stub-judge"]
    prompt = judged["messages"][1]["content"]
    assert prompt.count("## Graded example") == 3
    grok = prompt.split("## Graded example 2")[1].split("## Graded example 3")[0]
    assert "Route A, because palladium coupling is always cleaner." in grok
    assert "- c01: not met: expert label grok4_fulfilment: no" in grok
    r1 = prompt.split("## Graded example 3")[1].split("## Candidate answer")[0]
    assert "- c04: met: expert label r1_0528_fulfilment: yes" in r1
    assert "- c01 [essential, weight 4, reasoning]: Recommends route B." in prompt


def test_a_record_not_in_the_published_shape_names_file_line_and_field(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    rows = [json.loads(line) for line in (FIXTURES / "profbench.jsonl").read_text(encoding="utf-8").splitlines()]
    rows[0]["rubrics"][1]["criterion_weight"] = "Moderate"
    rows[2]["rubrics"][0]["o3_fulfilment"] = "yes"
    del rows[1]["grok4_response"]
    bad = pytester.path / "bad.jsonl"
    bad.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    broken = pytester.runpytest_subprocess(*_args(loopback, bad))
    assert broken.ret == 4
    err = broken.stderr.str()
    assert f"{bad}:1: [Chemistry-PhD-0] field rubrics.1.criterion_weight: " in err and "'Moderate' is not one of Critical, Major, Minor, Additional" in err
    assert f"{bad}:2: [Chemistry-PhD-1] field grok4_response: " in err
    assert f"{bad}:3: [Consulting-MBA-0] field rubrics.0.o3_fulfilment: " in err
    assert loopback.stats.requests == 0

