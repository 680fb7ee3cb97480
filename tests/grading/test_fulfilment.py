"""`xpert calibrate --labels profbench:PATH` on an invented fixture; every metric computed by hand.

Two ProfBench tasks (Physics PhD: 3 criteria, Finance MBA: 2), each with the o3, grok4 and
r1-0528 reports. The loopback judge marks a criterion met when the report names its checkpoint
id. (judge, expert) per criterion:
Physics  o3 (T,T) (T,F) (F,T) | grok4 (T,T) (T,T) (T,F) | r1 (F,F) (F,F) (F,T)
Finance  o3 (T,T) (F,F)       | grok4 (T,F) (T,F)       | r1 (T,T) (F,F)
-> tp 5, fp 4, fn 2, tn 4: F1 met 10/16, not met 8/14, macro-F1 (5/8 + 4/7)/2 = 67/112.
Physics [3,2,2,2] -> (6/10 + 4/8)/2 = 11/20; Finance [2,2,0,2] -> 2/3.
Extraction (recall) [2,1,0,3] -> (4/5 + 6/7)/2 = 29/35; Reasoning [3,2,0,1] -> (6/8 + 2/4)/2 = 5/8;
Style [0,1,2,0] -> both classes occur, both F1 0 -> 0.
Bias (mean judge - expert): o3 (0+1-1+0+0)/5 = 0, grok4 (0+0+1+1+1)/5 = 0.6, r1 (0+0-1+0+0)/5 = -0.2;
bias index 0.8; MF1 - BI = 67/112 - 0.8.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xpert_pytest.cli import main
from xpert_pytest.data.dataset import DataError
from xpert_pytest.data.formats.labels import load
from xpert_pytest.grading.fulfilment import macro_f1
from xpert_pytest.testing.loopback import LoopbackServer

LABELS = Path(__file__).resolve().parents[1] / "fixtures" / "profbench" / "profbench.jsonl"


def test_macro_f1_averages_the_classes_that_occur() -> None:
    assert float(macro_f1([5, 4, 2, 4])) == pytest.approx(67 / 112)
    assert float(macro_f1([7, 8, 0, 0])) == pytest.approx(7 / 11 / 2)  # "not met" occurs (as truth), its F1 is 0
    assert float(macro_f1([3, 0, 0, 0])) == pytest.approx(1.0)  # only "met" occurs


def test_calibrate_profbench_labels(tmp_path: Path, loopback: LoopbackServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = main([
        "calibrate", "--labels", f"profbench:{LABELS}", "--judge", "openai/stub-judge", "--judge", "openai/lenient-judge",
        "--judge-arg", f"api_base={loopback.api_base}", "--judge-arg", "api_key=sk-x", "--no-cache", "-o", str(tmp_path),
    ])
    assert code == 0
    report = json.loads((tmp_path / "calibration.json").read_text(encoding="utf-8"))
    assert (report["lines"], report["completions"], report["tasks"]) == (15, 6, 2)
    stub, lenient = report["configs"]
    assert (stub["graded"], stub["errors"]) == (6, 0)
    assert stub["overall"]["macro_f1"]["value"] == pytest.approx(67 / 112)
    assert stub["overall"]["macro_f1"]["low"] is None  # two tasks: too few for an interval
    assert {d: a["macro_f1"]["value"] for d, a in stub["by_domain"].items()} == pytest.approx({"Physics PhD": 11 / 20, "Finance MBA": 2 / 3})
    assert {t: a["macro_f1"]["value"] for t, a in stub["by_criterion_type"].items()} == pytest.approx(
        {"Extraction (recall)": 29 / 35, "Reasoning": 5 / 8, "Style": 0.0}
    )
    assert {m: b["value"] for m, b in stub["bias"].items()} == pytest.approx({"o3": 0.0, "grok4": 0.6, "r1-0528": -0.2})
    assert stub["bias_index"]["value"] == pytest.approx(0.8)
    assert stub["mf1_minus_bi"]["value"] == pytest.approx(67 / 112 - 0.8)
    assert lenient["overall"]["macro_f1"]["value"] == pytest.approx(7 / 22)  # 7 of 15 criteria met by the experts: F1 met 14/22, not met 0
    assert {m: b["value"] for m, b in lenient["bias"].items()} == pytest.approx({"o3": 2 / 5, "grok4": 3 / 5, "r1-0528": 3 / 5})
    printed = capsys.readouterr().out
    assert "15 labelled criteria, 6 reports, 2 tasks" in printed
    assert "bias index (max - min)" in printed and "0.800 (n=2)" in printed


def test_a_record_not_in_the_published_shape_is_named(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    rows[1]["rubrics"][0]["grok4_fulfilment"] = "no"
    rows[1]["rubrics"][1]["criterion_weight"] = "Huge"
    bad = tmp_path / "pb.jsonl"
    bad.write_text("".join(json.dumps(r) + "\n" for r in [rows[0], rows[1], rows[0]]), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(f"profbench:{bad}")
    assert caught.value.problems == [
        f"{bad}:2: [Finance-MBA-0] field rubrics.0.grok4_fulfilment: Input should be a valid boolean",
        f"{bad}:2: [Finance-MBA-0] field rubrics.1.criterion_weight: 'Huge' is not one of Critical, Major, Minor, Additional",
        f"{bad}:3: [Physics-PhD-0] field task_id: already used at {bad}:1",
    ]
