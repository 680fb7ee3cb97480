"""The real litellm HTTP path against the loopback server: retries, Retry-After, cost, budget."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xpert_pytest.calls.budget import Budget, BudgetExceeded
from xpert_pytest.calls.cache import CallCache
from xpert_pytest.calls.concurrency import AdaptiveLimiter
from xpert_pytest.calls.gateway import ModelClient, ProviderError
from xpert_pytest.calls.pricing import Price
from xpert_pytest.testing.loopback import Fault, LoopbackServer

MESSAGES = [{"role": "user", "content": "Value the company."}]


def _client(server: LoopbackServer, **kwargs: object) -> ModelClient:
    params = {"api_base": server.api_base, "api_key": "sk-x", "max_retries": kwargs.pop("retries", 3), "timeout": 2}
    return ModelClient("openai/stub-model", params, **kwargs)  # type: ignore[arg-type]


def test_retry_after_is_honoured_and_the_throttle_hears_of_it(loopback: LoopbackServer) -> None:
    limiter = AdaptiveLimiter(8)
    loopback.script("stub-model", Fault(status=429, retry_after=1.2))
    started = time.monotonic()
    completion = asyncio.run(_client(loopback, cache=None, throttle=limiter).complete(MESSAGES))
    assert time.monotonic() - started >= 1.2
    assert completion.content.startswith("Working answer.")
    assert loopback.stats.requests == 2
    assert (limiter.rate_limited, limiter.lowest) == (1, 4)


def test_server_errors_timeouts_and_dropped_connections_are_retried(loopback: LoopbackServer) -> None:
    loopback.script("stub-model", Fault(status=500), Fault(hang=3), Fault(drop=True), Fault(status=502))
    completion = asyncio.run(_client(loopback, cache=None, retries=4).complete(MESSAGES))
    assert completion.content.startswith("Working answer.")
    assert loopback.stats.requests == 5


def test_what_still_fails_is_a_provider_error_naming_model_and_cause(loopback: LoopbackServer) -> None:
    loopback.script("stub-model", *[Fault(status=503)] * 3)
    with pytest.raises(ProviderError, match=r"openai/stub-model: ServiceUnavailableError after 3 attempts: .*scripted 503"):
        asyncio.run(_client(loopback, cache=None, retries=2).complete(MESSAGES))


def test_client_errors_are_not_retried(loopback: LoopbackServer) -> None:
    loopback.script("stub-model", Fault(status=400))
    with pytest.raises(ProviderError, match="BadRequestError"):
        asyncio.run(_client(loopback, cache=None).complete(MESSAGES))
    assert loopback.stats.requests == 1


def test_errors_are_never_cached(loopback: LoopbackServer, tmp_path: Path) -> None:
    cache = CallCache(tmp_path / "c.sqlite")
    loopback.script("stub-model", Fault(status=500))
    with pytest.raises(ProviderError):
        asyncio.run(_client(loopback, cache=cache, retries=0).complete(MESSAGES))
    assert len(cache) == 0
    asyncio.run(_client(loopback, cache=cache, retries=0).complete(MESSAGES))
    assert len(cache) == 1


def test_cost_comes_from_litellms_prices_when_it_knows_the_model(loopback: LoopbackServer) -> None:
    from xpert_pytest.calls.gateway import import_litellm

    params = {"api_base": loopback.api_base, "api_key": "sk-x", "timeout": 2}
    known = asyncio.run(ModelClient("openai/gpt-4o-mini", params, cache=None).complete(MESSAGES))
    assert known.prompt_tokens and known.completion_tokens
    prices = import_litellm().model_cost["gpt-4o-mini"]
    expected = prices["input_cost_per_token"] * known.prompt_tokens + prices["output_cost_per_token"] * known.completion_tokens
    assert known.cost_usd == pytest.approx(expected) and expected > 0
    unknown = asyncio.run(_client(loopback, cache=None).complete(MESSAGES))
    assert unknown.cost_usd is None  # no price: unknown, not zero


def test_configured_price_gives_a_cost_and_the_budget_stops_calls(loopback: LoopbackServer, tmp_path: Path) -> None:
    budget = Budget(tmp_path / "budget.sqlite", "key-1", "run-1", limit_usd=0.01)
    client = _client(loopback, cache=None, budget=budget, price=Price(10.0, 30.0))
    first = asyncio.run(client.complete(MESSAGES))
    expected = (10.0 * first.prompt_tokens + 30.0 * first.completion_tokens) / 1_000_000
    assert first.cost_usd == pytest.approx(expected)
    spent_calls = 1
    with pytest.raises(BudgetExceeded, match=r"cost budget \$0.0100 reached"):
        for _ in range(100):
            asyncio.run(client.complete([{"role": "user", "content": f"variant {spent_calls}"}]))
            spent_calls += 1
    spent, unpriced = budget.spent()
    assert spent <= 0.01 and unpriced == 0
    assert loopback.stats.requests == spent_calls
    rerun = Budget(tmp_path / "budget.sqlite", "key-1", "run-1b", limit_usd=0.01)
    with pytest.raises(BudgetExceeded):  # a rerun of the same run spends from the same budget
        rerun.start()
    other_run = Budget(tmp_path / "budget.sqlite", "key-2", "run-2", limit_usd=0.01)
    other_run.start()  # another run has its own budget
    assert other_run.in_flight == 1
    budget.close_account()  # a completed run closes its account: its next run starts afresh
    rerun.start()


def test_a_call_in_flight_when_its_process_died_is_counted_as_lost(tmp_path: Path) -> None:
    dead = Budget(tmp_path / "ledger.sqlite", "key-1", "run-1", limit_usd=None)
    dead.start()
    dead.finish(dead.start(), 0.002)
    dead.close()  # the process is gone with one call open
    survivor = Budget(tmp_path / "ledger.sqlite", "key-1", "run-1", limit_usd=None)
    assert survivor.lost() == 1
    assert survivor.spent() == (pytest.approx(0.002), 0)


def test_litellms_import_is_kept_out_of_the_collectors_way() -> None:
    code = "import gc; from xpert_pytest.calls.gateway import import_litellm; import_litellm(); print(gc.get_freeze_count())"
    frozen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert int(frozen) > 100_000  # litellm's modules, classes and cost map, frozen for good


def test_what_litellms_first_call_imports_is_imported_with_it(loopback: LoopbackServer) -> None:
    """In a fresh process: if litellm moves these modules, this fails, rather than the first burst
    of calls quietly waiting on their import again."""
    code = f"""
import asyncio, sys
from xpert_pytest.calls.gateway import FIRST_CALL_IMPORTS, ModelClient, import_litellm
import_litellm()
assert all(name in sys.modules for name in FIRST_CALL_IMPORTS), FIRST_CALL_IMPORTS
before = set(sys.modules)
client = ModelClient("openai/stub-model", {{"api_base": "{loopback.api_base}", "api_key": "sk-x"}}, cache=None)
asyncio.run(client.complete([{{"role": "user", "content": "Value the company."}}]))
print(sorted(name for name in set(sys.modules) - before if name.startswith("litellm.proxy")))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"  # the first call imported none of litellm's proxy modules
