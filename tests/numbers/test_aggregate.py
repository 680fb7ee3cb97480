from __future__ import annotations

import pytest

from xpert_pytest.numbers.aggregate import summarize
from xpert_pytest.numbers.results import CallRecord, TaskResult


def _result(task_id: str, domain: str, score: float | None, cost: float | None = 0.01) -> TaskResult:
    calls = [CallRecord(role="model", model="m", prompt_tokens=10, completion_tokens=5, cost_usd=cost),
             CallRecord(role="judge", model="j", prompt_tokens=100, completion_tokens=20, cost_usd=0.02, cached=True)]
    return TaskResult(
        task_id=task_id, domain=domain, category="c", title="t", language="en",
        status="error" if score is None else "scored", score=score,
        passed=None if score is None else score >= 0.5, calls=calls,
    )


def test_means_are_over_scored_tasks_and_errors_are_counted() -> None:
    summary = summarize([_result("a", "law", 0.2), _result("b", "law", 0.8), _result("c", "finance", None), _result("d", "finance", 0.6)])
    assert summary.overall.mean == pytest.approx((0.2 + 0.8 + 0.6) / 3)
    assert (summary.overall.tasks, summary.overall.scored, summary.overall.errors, summary.overall.passed) == (4, 3, 1, 2)
    assert summary.by_domain["law"].mean == pytest.approx(0.5)
    assert summary.by_domain["finance"].errors == 1
    assert summary.by_category == {"finance/c": summary.by_domain["finance"], "law/c": summary.by_domain["law"]}
    assert summary.model_tokens == 60 and summary.judge_tokens == 480
    assert summary.model_cost_usd == pytest.approx(0.04)
    assert summary.judge_cost_usd == 0  # cache hits cost nothing
    assert (summary.calls, summary.cached_calls) == (4, 4)


def test_cost_is_unknown_when_any_call_has_no_price() -> None:
    summary = summarize([_result("a", "law", 0.2), _result("b", "law", 0.3, cost=None)])
    assert summary.model_cost_usd is None


def test_nothing_scored_has_no_mean() -> None:
    assert summarize([_result("a", "law", None)]).overall.mean is None


def _judged(*calls: CallRecord) -> TaskResult:
    return TaskResult(task_id="a", domain="law", category="c", title="t", language="en", status="scored", score=1.0,
                      passed=True, calls=list(calls))


def test_the_judges_cached_share_is_over_the_judge_calls_made() -> None:
    summary = summarize([
        _judged(
            CallRecord(role="model", model="m", prompt_tokens=5000, cached_tokens=5000),  # the model's are not the judge's
            CallRecord(role="judge", model="j", prompt_tokens=3000, cached_tokens=0),
            CallRecord(role="judge", model="j", prompt_tokens=3000, cached_tokens=2816),
            CallRecord(role="judge", model="j", prompt_tokens=3000, cached_tokens=2944, cached=True),  # no call: our cache
            CallRecord(role="judge", model="j", prompt_tokens=1000, cached_tokens=None),  # this reply did not say
        )
    ])
    assert (summary.judge_input_tokens, summary.judge_cached_tokens) == (7000, 2816)
    assert summary.judge_cached_share == pytest.approx(2816 / 7000)


def test_no_share_when_no_judge_call_reported_cached_tokens() -> None:
    silent = summarize([_judged(CallRecord(role="judge", model="j", prompt_tokens=3000))])
    assert (silent.judge_input_tokens, silent.judge_cached_share) == (3000, None)
    warm = summarize([_judged(CallRecord(role="judge", model="j", prompt_tokens=3000, cached_tokens=0, cached=True))])
    assert (warm.judge_input_tokens, warm.judge_cached_share) == (0, None)


def test_healthbench_means_are_clipped_after_averaging_unclipped_task_scores() -> None:
    results = [_result("a", "hedging", -0.5), _result("b", "hedging", 0.3), _result("c", "global_health", 1.0)]
    healthbench = summarize(results, scoring="healthbench")
    assert healthbench.overall.mean == pytest.approx((-0.5 + 0.3 + 1.0) / 3)  # 0.2667: inside [0, 1], as is
    assert healthbench.by_domain["hedging"].mean == 0.0  # mean -0.1, clipped
    assert summarize(results).by_domain["hedging"].mean == pytest.approx(-0.1)  # the xpertbench rule clips tasks, not means
