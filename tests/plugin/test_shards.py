"""Sharded runs through pytest itself, and `xpert merge` of what they wrote.

Seven tasks in three domains, dealt in (domain, category, id) order:
finance fin-t-0001 -> 1, fin-t-0002 -> 2, fin-t-0003 -> 1; healthcare hc-t-0001 -> 2,
hc-t-0002 -> 1; law law-t-0001 -> 2, law-t-0002 -> 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import factory
from tests.conftest import latest_results, model_args
from xpert_pytest.cli import main
from xpert_pytest.testing.loopback import LoopbackServer

TASKS = [
    factory.task("fin-t-0001", "finance", "equity-research", [10, 7, 2] * 5 + [10]),
    factory.task("fin-t-0002", "finance", "equity-research", [9] * 15),
    factory.task("fin-t-0003", "finance", "macro-policy", [8, 4, 1] * 5 + [8]),
    factory.task("hc-t-0001", "healthcare", "clinical-diagnosis", [8, 4, 1] * 5 + [8]),
    factory.task("hc-t-0002", "healthcare", "medical-research", [7] * 16),
    factory.task("law-t-0001", "law", "contract-compliance", [9] * 15),
    factory.task("law-t-0002", "law", "legal-research", [10, 7, 2] * 5 + [10]),
]
FIRST = ["fin-t-0001", "fin-t-0003", "hc-t-0002", "law-t-0002"]
SECOND = ["fin-t-0002", "hc-t-0001", "law-t-0001"]


@pytest.fixture
def seven(pytester: pytest.Pytester) -> Path:
    return factory.write_dataset(pytester.path, TASKS)


def _read(folder: Path) -> dict[str, Any]:
    return json.loads(latest_results(folder).read_text(encoding="utf-8"))


def _merge(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    status = main(["merge", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


def test_shards_merge_into_the_unsharded_run(
    pytester: pytest.Pytester, seven: Path, loopback: LoopbackServer, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*model_args(loopback), "--xpert-no-cache"]
    pytester.runpytest_subprocess(*args, "--xpert-report-dir=whole", "--xpert-no-report").assert_outcomes(passed=7)
    first = pytester.runpytest_subprocess(*args, "--xpert-shard=1/2", "--xpert-report-dir=shard1")
    first.assert_outcomes(passed=4, deselected=3)
    first.stdout.fnmatch_lines(["shard 1/2: 4 of the 7 selected task(s); `xpert merge` of all 2 shard runs gives the run's verdict"])
    assert first.ret == 0
    second = pytester.runpytest_subprocess(*args, "--xpert-shard=2/2", "-n", "2", "--xpert-report-dir=shard2")
    second.assert_outcomes(passed=3)
    assert loopback.stats.by_model == {"stub-model": 14, "stub-judge": 14}  # each task graded once over the shards
    whole, one, two = (_read(pytester.path / name) for name in ("whole", "shard1", "shard2"))
    assert [t["task_id"] for t in one["tasks"]] == FIRST and one["shard"]["tasks"] == FIRST
    assert [t["task_id"] for t in two["tasks"]] == SECOND and two["shard"]["tasks"] == SECOND
    assert one["shard"]["selection"] == two["shard"]["selection"]  # the xdist controller learnt it from its workers
    assert one["shard"]["selected"] == two["shard"]["selected"] == 7
    assert latest_results(pytester.path / "shard1").parent.name.split("-shard-")[1].startswith("1-of-2-")

    shards = [latest_results(pytester.path / name).parent for name in ("shard2", "shard1")]
    status, out, _ = _merge(capsys, *shards, "-o", pytester.path / "merged")
    assert status == 0
    merged = json.loads((pytester.path / "merged" / "results.json").read_text(encoding="utf-8"))
    assert 'id="merged-from"' in (pytester.path / "merged" / "index.html").read_text(encoding="utf-8")
    assert 'id="shard-note"' in (shards[1] / "index.html").read_text(encoding="utf-8")
    assert {t["task_id"]: t["score"] for t in merged["tasks"]} == {t["task_id"]: t["score"] for t in whole["tasks"]}
    assert {t["id"]: factory.loopback_score(t) for t in TASKS} == pytest.approx({t["task_id"]: t["score"] for t in merged["tasks"]})
    provider_cache = ("judge_cached_tokens", "judge_cached_share")  # the server's prompt cache was warmer for the later runs
    assert {k: v for k, v in merged["summary"].items() if k not in provider_cache} == {
        k: v for k, v in whole["summary"].items() if k not in provider_cache
    }
    assert merged["statistics"] == whole["statistics"]  # the same tasks, the same bootstrap draws
    assert merged["merged_from"] == [str(shards[1]), str(shards[0])] and merged["shard"] is None
    assert f"merged from 2 shard run(s): {shards[1]}, {shards[0]}" in out

    mean = whole["summary"]["overall"]["mean"]
    status, out, _ = _merge(capsys, *shards, "-o", pytester.path / "gated", "--xpert-fail-under=0.9", "--fail-under-domain", "law=0.5")
    assert status == 6
    assert f"gate FAILED overall: {mean:.2%} is {(0.9 - mean) * 100:.2f} pp below the threshold 90.00%" in out
    assert "gate met domain law: " in out
    baseline = latest_results(pytester.path / "whole")
    status, out, _ = _merge(capsys, *shards, "-o", pytester.path / "paired", f"--baseline={baseline}", "--no-report")
    assert status == 0
    assert "gate met baseline: change +0.00 pp (95% CI +0.00 to +0.00 pp) on 7 shared task(s); allowed drop 2.00 pp" in out
    assert not (pytester.path / "paired" / "index.html").exists()

    status, _, err = _merge(capsys, shards[1], "-o", pytester.path / "half")
    assert (status, err.strip()) == (4, "xpert merge: shard 2/2 missing: a merge needs the runs of all 2 shards")
    assert not (pytester.path / "half").exists()  # nothing is written for a merge that cannot be made
    status, _, err = _merge(capsys, shards[1], shards[0], shards[1] / "results.json", "-o", pytester.path / "twice")
    assert status == 4
    assert f"shard 1/2 given 2 times ({shards[1]}, {shards[1] / 'results.json'}): give each shard's run once" in err
    unsharded = latest_results(pytester.path / "whole").parent
    status, _, err = _merge(capsys, *shards, unsharded)
    assert (status, err.strip()) == (4, f"xpert merge: {unsharded}: not a shard run (it ran without --xpert-shard): nothing to merge")
    status, _, err = _merge(capsys, *shards, "-o", shards[0])
    assert status == 4 and "is one of the shard runs being merged" in err
    status, _, err = _merge(capsys, *shards, "--fail-under=2")
    assert (status, err.strip()) == (4, "xpert merge: --xpert-fail-under='2': Input should be less than or equal to 1")

    lenient = pytester.runpytest_subprocess(
        *model_args(loopback, judge="openai/lenient-judge"), "--xpert-no-cache", "--xpert-shard=2/2", "--xpert-report-dir=lenient"
    )
    lenient.assert_outcomes(passed=3)
    other = latest_results(pytester.path / "lenient").parent
    status, _, err = _merge(capsys, shards[1], other)
    assert status == 4
    assert err.strip() == f"xpert merge: runs differ in judge: openai/stub-judge ({shards[1]}) vs openai/lenient-judge ({other})"


def test_shards_compose_with_k_and_an_incomplete_shard_makes_the_merge_incomplete(
    pytester: pytest.Pytester, seven: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The anchor replay: fin-t-0001, -0003 and hc-t-0001 score under the pass score, the others pass."""
    pytester.makeini("[pytest]\nxpert_model = xpert/anchor\nxpert_shard = 1/2\n")
    stopped = pytester.runpytest_subprocess("-k", "not law", "-x", "--xpert-report-dir=one")
    stopped.assert_outcomes(failed=1, deselected=4)  # 2 law tasks by -k, 2 of the other shard's
    assert stopped.ret == 7
    stopped.stdout.fnmatch_lines(["shard 1/2: 3 of the 5 selected task(s);*", "RUN INCOMPLETE: pytest stopped early *: 2 of 3 selected task(s) were not graded*"])
    rest = pytester.runpytest_subprocess("-k", "not law", "--xpert-shard=2/2", "--xpert-fail-under=0.99", "--xpert-report-dir=two")
    rest.assert_outcomes(passed=1, failed=1, deselected=5)
    assert rest.ret == 0  # its gate is the merge's to apply; it scored every task of its share
    rest.stdout.fnmatch_lines(["gates overall: applied by `xpert merge` over all shards, not to this shard's part"])
    one, two = (latest_results(pytester.path / name).parent for name in ("one", "two"))
    assert _read(pytester.path / "two")["shard"]["tasks"] == ["fin-t-0002", "hc-t-0001"]

    status, _, err = _merge(capsys, one, two, "-o", pytester.path / "undecided")
    assert (status, err.strip()) == (
        4, f"xpert merge: runs differ in --xpert-fail-under: None ({one}) vs 0.99 ({two}): give --fail-under to xpert merge"
    )
    status, out, _ = _merge(capsys, one, two, "--fail-under=0.1", "-o", pytester.path / "merged")
    assert status == 7
    assert (
        f"RUN INCOMPLETE: shard 1/2 ({one}): pytest stopped early (stopping after 1 failures): "
        "2 of 3 selected task(s) were not graded; the gates were not applied"
    ) in out.splitlines()
    merged = json.loads((pytester.path / "merged" / "results.json").read_text(encoding="utf-8"))
    assert (merged["exit_status"], merged["gates"]) == (7, [])
    assert [t["task_id"] for t in merged["tasks"]] == ["fin-t-0001", "fin-t-0002", "hc-t-0001"]

    refused = pytester.runpytest_subprocess("--xpert-shard=3/2")
    assert refused.ret == pytest.ExitCode.USAGE_ERROR
    refused.stderr.fnmatch_lines(["*XpertBench: --xpert-shard='3/2': shard 3 is out of range 1..2"])
