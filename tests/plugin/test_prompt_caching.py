"""Judge prompt caching measured end to end: two models graded on the shipped task set by one judge.

The loopback server counts cached tokens as OpenAI does (the longest prefix it saw before, in
128-token blocks, from 1,024 tokens on). Each run has a fresh answer cache, so the judge is really
called; only the provider's prompt cache carries over from the first model's run to the second's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import latest_results, model_args
from xpert_pytest.data.locate import packaged_dataset
from xpert_pytest.testing.loopback import LoopbackServer

JUDGE = "stub-judge"


def _signed(body: dict[str, Any]) -> str:
    """The loopback's answers, each model's worded a little differently, so no two judge prompts are the same."""
    text = LoopbackServer.default_response(body)
    model = str(body.get("model", ""))
    return text if "judge" in model else f"{text} Written by {model}."


def _run(pytester: pytest.Pytester, server: LoopbackServer, model: str) -> tuple[pytest.RunResult, dict[str, Any], int, int]:
    """One run of the plugin; with what the server counted for the judge during it."""
    before = server.stats.prompt_tokens.get(JUDGE, 0), server.stats.cached_tokens.get(JUDGE, 0)
    result = pytester.runpytest_subprocess(
        *model_args(server, model=f"openai/{model}", judge=f"openai/{JUDGE}"),
        f"--xpert-dataset={packaged_dataset()}",
        f"--xpert-cache={pytester.path / model / 'calls.sqlite'}",
        f"--xpert-report-dir={pytester.path / model / 'reports'}",
        "-q",
    )
    run = json.loads(latest_results(pytester.path / model / "reports").read_text(encoding="utf-8"))
    prompt = server.stats.prompt_tokens.get(JUDGE, 0) - before[0]
    cached = server.stats.cached_tokens.get(JUDGE, 0) - before[1]
    return result, run, prompt, cached


def test_grading_a_second_model_reads_most_judge_input_from_the_providers_cache(
    pytester: pytest.Pytester, loopback: LoopbackServer
) -> None:
    loopback.respond = _signed
    first, run_a, prompt_a, cached_a = _run(pytester, loopback, "model-a")
    second, run_b, prompt_b, cached_b = _run(pytester, loopback, "model-b")
    tasks = len(run_b["tasks"])
    assert tasks == len(run_a["tasks"]) >= 50 and run_b["summary"]["overall"]["errors"] == 0
    judge_calls = [c for t in run_b["tasks"] for c in t["calls"] if c["role"] == "judge"]
    assert len(judge_calls) == tasks and not any(c["cached"] for c in judge_calls)  # every verdict a fresh call

    a, b = run_a["summary"], run_b["summary"]
    assert (a["judge_input_tokens"], a["judge_cached_tokens"]) == (prompt_a, cached_a)  # results say what the server counted
    assert (b["judge_input_tokens"], b["judge_cached_tokens"]) == (prompt_b, cached_b)
    # the first model's judge prompts share only the system message, between tasks of one domain
    assert a["judge_cached_share"] == pytest.approx(cached_a / prompt_a) and a["judge_cached_share"] < 0.2
    assert b["judge_cached_share"] == pytest.approx(cached_b / prompt_b) and b["judge_cached_share"] >= 0.80
    assert sum(c["cached_tokens"] for c in judge_calls) == cached_b
    assert {t["task_id"]: t["score"] for t in run_a["tasks"]} == {t["task_id"]: t["score"] for t in run_b["tasks"]}

    second.stdout.fnmatch_lines(
        [f"judge prompt cache: {b['judge_cached_share']:.1%} of the judge's input tokens read from the provider's cache "
         f"({cached_b:,} of {prompt_b:,})"]
    )
    report = (latest_results(pytester.path / "model-b" / "reports").parent / "index.html").read_text(encoding="utf-8")
    assert 'id="judge-prompt-cache"' in report and f"{b['judge_cached_share'] * 100:.1f}%" in report
    print(f"judge cached share: model A {a['judge_cached_share']:.1%}, model B {b['judge_cached_share']:.1%} over {tasks} tasks")
