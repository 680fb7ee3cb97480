"""An imported PRBench set through pytest itself, against the loopback server.

The fixture (tests/fixtures/prbench, the published schema with our own invented tasks) is graded
by the loopback judge, which marks met every checkpoint whose number is not a multiple of 3
(c03 and c06 are missed). The expected scores follow the published PRBench formulas, by hand:
clipped = max(0, Σ weights met) / Σ positive weights (a met detrimental item subtracts), and
normalized = (Σ weights met - Σ negative weights) / (Σ positive weights - Σ negative weights).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import latest_results, model_args, results_of, scores_of
from xpert_pytest.testing.loopback import LoopbackServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "prbench"
REFINANCE, SHARES, SUPPLIER, RECORDS = "fin-7c2e01", "fin-7c2e02", "leg-4b9d01", "leg-4b9d02"

# weights (met: every one but c03 and c06)
# refinance: c01 9, c02 5, c03 3 (missed), c04 -7 (a met penalty), c05 2
REFINANCE_CLIPPED, REFINANCE_NORMALIZED = (9 + 5 - 7 + 2) / (9 + 5 + 3 + 2), (9 + 5 - 7 + 2 + 7) / (19 + 7)
# shares: c01 -8 (met), c02 4, c03 10 (missed), c04 2: earned -2, floored at 0
SHARES_CLIPPED, SHARES_NORMALIZED = 0.0, (-8 + 4 + 2 + 8) / (16 + 8)
# supplier: c01 6, c02 3, c03 -9 (avoided): everything earned, no penalty
SUPPLIER_CLIPPED, SUPPLIER_NORMALIZED = 1.0, (6 + 3 + 9) / (9 + 9)
# records: c01 8, c02 8, c03 4 (missed), c04 -3 (met), c05 5, c06 -6 (avoided)
RECORDS_CLIPPED, RECORDS_NORMALIZED = (8 + 8 - 3 + 5) / (8 + 8 + 4 + 5), (8 + 8 - 3 + 5 + 9) / (25 + 9)
CLIPPED = {REFINANCE: REFINANCE_CLIPPED, SHARES: SHARES_CLIPPED, SUPPLIER: SUPPLIER_CLIPPED, RECORDS: RECORDS_CLIPPED}
RUN_CLIPPED = sum(CLIPPED.values()) / 4
RUN_NORMALIZED = (REFINANCE_NORMALIZED + SHARES_NORMALIZED + SUPPLIER_NORMALIZED + RECORDS_NORMALIZED) / 4


def _args(loopback: LoopbackServer, dataset: Path = FIXTURES) -> list[str]:
    return [*model_args(loopback), f"--xpert-dataset=prbench:{dataset}", "--xpert-no-cache"]


def test_prbench_run_reports_both_published_scores(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    assert (RUN_CLIPPED, RUN_NORMALIZED) == pytest.approx((0.548421, 0.664876), abs=1e-6)  # the hand computation
    result = pytester.runpytest_subprocess(*_args(loopback), "-v")
    result.assert_outcomes(passed=2, failed=2)  # 9/19 and 0 are under the pass score 0.5
    assert result.ret == 1
    assert scores_of(pytester.path) == pytest.approx(CLIPPED)
    run = results_of(pytester.path)
    assert (run["dataset_format"], run["scoring"]) == ("prbench", "prbench")
    overall = run["summary"]["overall"]
    assert (overall["mean"], overall["normalized"]) == pytest.approx((RUN_CLIPPED, RUN_NORMALIZED))
    finance, legal = run["summary"]["by_domain"]["finance"], run["summary"]["by_domain"]["legal"]
    assert (finance["mean"], finance["normalized"]) == pytest.approx(
        ((REFINANCE_CLIPPED + SHARES_CLIPPED) / 2, (REFINANCE_NORMALIZED + SHARES_NORMALIZED) / 2)
    )
    assert (legal["mean"], legal["normalized"]) == pytest.approx(
        ((SUPPLIER_CLIPPED + RECORDS_CLIPPED) / 2, (SUPPLIER_NORMALIZED + RECORDS_NORMALIZED) / 2)
    )
    assert run["summary"]["by_category"]["legal/data_protection"]["normalized"] == pytest.approx(RECORDS_NORMALIZED)
    assert list(run["taxonomy"]["domains"]) == ["finance", "legal"]
    result.stdout.fnmatch_lines(
        [
            f"*xpert::finance/uncategorized/{SHARES} FAILED*",
            "*XpertBench summary*",
            "overall score 54.8% n<5: no CI over 4 scored task(s)*",
            "normalized score 66.5% (PRBench's second published score)",
        ]
    )
    report = (latest_results(pytester.path / "reports").parent / "index.html").read_text(encoding="utf-8")
    assert 'id="normalized-score"><div class="k">normalized score</div><div class="v">66.5%</div>' in report


def test_the_conversation_is_sent_as_messages_with_reference_texts_first(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    pytester.runpytest_subprocess(*_args(loopback), "-k", RECORDS).assert_outcomes(passed=1)
    [answer] = [b for b in loopback.bodies if b["model"] == "stub-model"]
    roles = [m["role"] for m in answer["messages"]]
    assert roles == ["user", "assistant", "user", "assistant", "user"]
    assert answer["messages"][1]["content"].startswith("Which jurisdiction is the clinic in")
    assert answer["messages"][4]["content"].startswith(
        "Reference Text 0:\nClinic records policy, section 4: third-party information is withheld"
    )
    assert answer["messages"][4]["content"].endswith("\n\nYes, some notes mention his sister. Using the policy extract above, what do we redact and by when?")
    [judged] = [b for b in loopback.bodies if b["model"] == "stub-judge"]
    assert "Refers to a statute by a name that does not exist" in judged["messages"][1]["content"]


def test_a_record_not_in_the_published_shape_names_file_line_and_field(pytester: pytest.Pytester, loopback: LoopbackServer) -> None:
    rows = [json.loads(line) for line in (FIXTURES / "legal.jsonl").read_text(encoding="utf-8").splitlines()]
    rows[1]["rubric"][3]["annotations"]["weight_class"] = "mildly detrimental"
    rows[0]["response_0"] = "an answer after the last prompt"
    bad = pytester.path / "bad.jsonl"
    bad.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    broken = pytester.runpytest_subprocess(*_args(loopback, bad))
    assert broken.ret == 4
    err = broken.stderr.str()
    assert f"{bad}:1: [{SUPPLIER}] the last turn is a response; the model under test answers a prompt" in err
    assert (
        f"{bad}:2: [{RECORDS}] field rubric.3.annotations: weight_class 'mildly detrimental' needs a number in "
        "mildly_detrimental_weight, found None"
    ) in err
    assert loopback.stats.requests == 0
