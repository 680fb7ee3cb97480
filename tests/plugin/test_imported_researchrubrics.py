"""An imported ResearchRubrics set through pytest itself, against the loopback server.

The fixture (tests/fixtures/researchrubrics, the published schema with our own invented tasks)
is graded in three levels by the loopback judge: a checkpoint the candidate names (every one
whose number is not a multiple of 3) is "satisfied"; c03 is "partially" satisfied for the
`partial` judge and "not" for the plain one. The expected scores follow the released
`calculate_compliance_score.py`, by hand: Σ credit × weight / Σ positive weights, unclipped,
and a plain mean over tasks.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path

import pytest

from tests.conftest import latest_results, model_args, results_of, scores_of
from xpert_pytest.testing.loopback import Fault, LoopbackServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "researchrubrics"
SURVEY, SUPPLY, FASTING = "6a1f3c9e20b7d4e6f8a9b0c1", "6a1f3c9e20b7d4e6f8a9b0c2", "6a1f3c9e20b7d4e6f8a9b0c3"
PARTIAL_JUDGE = "openai/stub-partial-judge"

# survey: c01 4.0, c02 0.5, c03 3.0 (partially: 1.5), c04 -2.0 (a satisfied penalty), c05 2.0
SURVEY_SCORE = (4 + 0.5 + 0.5 * 3 - 2 + 2) / (4 + 0.5 + 3 + 2)
# supply: c01 5.0, c02 1.0, c03 -4.0 (a penalty partially incurred: -2), c04 1.5
SUPPLY_SCORE = (5 + 1 - 0.5 * 4 + 1.5) / (5 + 1 + 1.5)
# fasting: c01 1.0, c02 -5.0 (satisfied), c03 4.0 (partially: 2): below zero, not clipped
FASTING_SCORE = (1 - 5 + 0.5 * 4) / (1 + 4)
SCORES = {SURVEY: SURVEY_SCORE, SUPPLY: SUPPLY_SCORE, FASTING: FASTING_SCORE}
RUN = (SURVEY_SCORE + SUPPLY_SCORE + FASTING_SCORE) / 3


def _args(loopback: LoopbackServer, dataset: Path = FIXTURES, judge: str = PARTIAL_JUDGE) -> list[str]:
    return [*model_args(loopback, judge=judge), f"--xpert-dataset=researchrubrics:{dataset}", "--xpert-no-cache"]


def test_partial_credit_and_penalties_score_as_published(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    assert (SURVEY_SCORE, SUPPLY_SCORE, FASTING_SCORE, RUN) == pytest.approx((0.631579, 0.733333, -0.4, 0.321637), abs=1e-6)
    result = pytester.runpytest_subprocess(*_args(loopback), "-v", "--xpert-judge-format=json-schema")
    result.assert_outcomes(passed=2, failed=1)  # -0.4 is under the pass score 0.5
    assert scores_of(pytester.path) == pytest.approx(SCORES)
    run = results_of(pytester.path)
    assert (run["dataset_format"], run["scoring"]) == ("researchrubrics", "researchrubrics")
    assert run["summary"]["overall"]["mean"] == pytest.approx(RUN)  # a plain mean: nothing clipped
    assert run["summary"]["by_domain"]["health"]["mean"] == pytest.approx(-0.4)
    [survey] = [t for t in run["tasks"] if t["task_id"] == SURVEY]
    assert [(v["checkpoint_id"], v["weight"], v["met"], v["credit"]) for v in survey["verdicts"]] == [
        ("c01", 4, True, 1.0), ("c02", 0.5, True, 1.0), ("c03", 3, False, 0.5), ("c04", -2, True, 1.0), ("c05", 2, True, 1.0),
    ]
    [judged] = [b for b in loopback.bodies if b["model"] == "stub-partial-judge" and SURVEY in b["messages"][1]["content"]]
    assert '"verdict": "satisfied" or "partially" or "not"' in judged["messages"][0]["content"]
    assert "There is no partial credit" not in judged["messages"][0]["content"]
    assert "- c02 [optional, weight 0.5, communication_quality]:" in judged["messages"][1]["content"]
    schema = judged["response_format"]["json_schema"]["schema"]
    assert "verdict" in json.dumps(schema) and '"met"' not in json.dumps(schema)
    page = (latest_results(pytester.path / "reports").parent / "index.html").read_text(encoding="utf-8")
    packed = re.search(r'<script type="application/octet-stream" id="task-data">(.*?)</script>', page, re.DOTALL)
    assert packed is not None
    details = json.loads(gzip.decompress(base64.b64decode(packed.group(1))))
    assert [row[5:] for row in details[SURVEY]["checkpoints"]][2] == [False, "c03: graded by name.", 0.5]  # the credit, for the page
    result.stdout.fnmatch_lines(
        [
            f"*xpert::health/report/{FASTING} FAILED*",
            f"{FASTING} (health/report) scored -40.0% < pass score 50%",
            "missed 2 of 3 checkpoints, weight 7 of 5:",  # the penalty's 5, half of c03's 4
            "  c03 ?essential, weight 4, communication_quality, credit 0.5? Explains in plain words*",  # ? for fnmatch's [
            "*XpertBench summary*",
            "overall score 32.2%*",
        ]
    )


def test_the_plain_judge_gives_no_credit_where_it_says_not(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    result = pytester.runpytest_subprocess(*_args(loopback, judge="openai/stub-judge"), "-k", SURVEY)
    result.assert_outcomes(passed=0, failed=1)
    assert scores_of(pytester.path) == pytest.approx({SURVEY: (4 + 0.5 - 2 + 2) / 9.5})
    [survey] = results_of(pytester.path)["tasks"]
    assert [v["credit"] for v in survey["verdicts"]] == [1.0, 1.0, 0.0, 1.0, 1.0]


def test_a_binary_reply_to_a_graded_task_is_asked_again_then_an_error(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    """`met` booleans are not the three-level contract: each reply is refused and the task becomes
    an error that names the broken field, with the replies kept."""
    binary = json.dumps({"verdicts": [{"checkpoint_id": f"c0{n}", "met": True, "rationale": "fine"} for n in range(1, 4)]})
    loopback.script("partial-judge", *[Fault(content=binary) for _ in range(3)])
    result = pytester.runpytest_subprocess(*_args(loopback), "-k", FASTING)
    result.assert_outcomes(errors=1)
    [fasting] = results_of(pytester.path)["tasks"]
    assert fasting["status"] == "error" and len(fasting["judge_raw"]) == 3
    assert "verdict for c01 breaks the contract (verdict: Field required)" in fasting["error"]
    repair = [b for b in loopback.bodies if b["model"] == "stub-partial-judge"][-1]["messages"][-1]["content"]
    assert '"verdict": "satisfied" or "partially" or "not"' in repair


def test_a_record_not_in_the_published_shape_names_file_line_and_field(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    rows = [json.loads(line) for line in (FIXTURES / "processed_data.jsonl").read_text(encoding="utf-8").splitlines()]
    rows[0]["rubrics"][1]["weight"] = 0
    rows[1]["rubrics"][2]["axis"] = "  "
    rows[2]["rubrics"] = [{"criterion": "Only a penalty.", "weight": -1.0, "axis": "Explicit Criteria"}]
    bad = pytester.path / "bad.jsonl"
    bad.write_text("".join(json.dumps(row) + "\n" for row in rows) + '{"prompt": "x", "sample_id": "Not A Slug"}\n', encoding="utf-8")
    broken = pytester.runpytest_subprocess(*_args(loopback, bad))
    assert broken.ret == 4
    err = broken.stderr.str()
    assert f"{bad}:1: [{SURVEY}] field rubrics.1.weight: 0 is not a non-zero weight in -10..10" in err
    assert f"{bad}:2: [{SUPPLY}] field rubrics.2.axis: '  ' names no axis" in err
    assert f"{bad}:3: [{FASTING}] field rubrics: no criterion has a positive weight, so no score can be computed" in err
    assert f"{bad}:4: [Not A Slug] field sample_id:" in err and f"{bad}:4: [Not A Slug] field domain: Field required" in err
    assert loopback.stats.requests == 0
