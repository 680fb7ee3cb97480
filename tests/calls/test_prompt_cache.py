"""Providers' prompt caches through the real litellm path: what is marked, counted and priced."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests import factory
from xpert_pytest.calls.cache import CallCache
from xpert_pytest.calls.gateway import ModelClient, import_litellm
from xpert_pytest.calls.pricing import Price
from xpert_pytest.calls.prompt_cache import explicit_breakpoints
from xpert_pytest.data.dataset import Benchmark, load_benchmark
from xpert_pytest.data.schema import Task
from xpert_pytest.grading.prompts import judge_messages
from xpert_pytest.testing.loopback import LoopbackServer
from xpert_pytest.testing.prompt_cache import BLOCK_TOKENS, CHARS_PER_TOKEN


@pytest.mark.parametrize(
    ("model", "marked"),
    [
        ("anthropic/claude-sonnet-4-5", True),
        ("claude-3-5-sonnet-20241022", True),
        ("bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0", True),
        ("bedrock/converse/us.anthropic.claude-sonnet-4-20250514-v1:0", True),
        ("vertex_ai/claude-sonnet-4@20250514", True),
        ("openrouter/anthropic/claude-sonnet-4", True),
        ("openai/gpt-4.1", False),
        ("openai/claude-behind-a-compatible-server", False),  # an OpenAI-compatible server caches by itself
        ("bedrock/amazon.nova-pro-v1:0", False),
        ("vertex_ai/gemini-2.5-pro", False),
        ("gpt-4o", False),
    ],
)
def test_only_claude_gets_explicit_breakpoints(model: str, marked: bool) -> None:
    assert explicit_breakpoints(model) is marked


@pytest.fixture(scope="module")
def long_bench(tmp_path_factory: pytest.TempPathFactory) -> Benchmark:
    """One task whose judge prompt is past the providers' 1,024-token minimum for caching."""
    root = tmp_path_factory.mktemp("long")
    record = factory.task("fin-t-0009", "finance", "equity-research", [10, 7, 2] * 8,
                          reference_answer="Worked solution with every figure recomputed. " * 120)
    factory.write_dataset(root, [record])
    return load_benchmark(str(root / "benchmark"))


@pytest.fixture(scope="module")
def judge_view(long_bench: Benchmark) -> Callable[..., list[dict[str, Any]]]:
    """The judge's messages for an answer to the long task."""
    return lambda answer, **kw: judge_messages(long_bench.by_id["fin-t-0009"], answer, [], long_bench.taxonomy, **kw)


def _params(server: LoopbackServer, *, anthropic: bool = False) -> dict[str, object]:
    base = server.api_base.removesuffix("/v1") if anthropic else server.api_base
    return {"api_base": base, "api_key": "sk-x", "timeout": 5, "max_retries": 0}


def _text_tokens(messages: list[dict[str, object]]) -> int:
    return sum(len(str(m["content"])) for m in messages) // CHARS_PER_TOKEN


def test_openai_cached_tokens_are_recorded_and_priced_at_the_models_cache_rate(
    loopback: LoopbackServer, judge_view: Callable[..., list[dict[str, Any]]], tmp_path: Path
) -> None:
    client = ModelClient("openai/gpt-4o-mini", _params(loopback), cache=CallCache(tmp_path / "c.sqlite"))
    first_messages = judge_view("Memo of model A: c01.")
    first = asyncio.run(client.complete(first_messages))
    second_messages = judge_view("Model B's memo, longer: c02, c04.")
    second = asyncio.run(client.complete(second_messages))
    assert first.cached_tokens == 0 and first.cache_write_tokens is None
    system, user = second_messages
    common = os.path.commonprefix([first_messages[1]["content"], user["content"]])  # up to the answer's nonce
    shared = (len(system["content"]) + len(common)) // CHARS_PER_TOKEN
    assert second.cached_tokens == shared // BLOCK_TOKENS * BLOCK_TOKENS > 0.8 * _text_tokens(second_messages)
    assert second.prompt_tokens == loopback.stats.prompt_tokens["gpt-4o-mini"] - first.prompt_tokens
    prices = import_litellm().model_cost["gpt-4o-mini"]
    assert prices["cache_read_input_token_cost"] < prices["input_cost_per_token"]
    expected = (
        prices["input_cost_per_token"] * (second.prompt_tokens - second.cached_tokens)
        + prices["cache_read_input_token_cost"] * second.cached_tokens
        + prices["output_cost_per_token"] * second.completion_tokens
    )
    assert second.cost_usd == pytest.approx(expected)
    assert client.cache is not None
    replayed = asyncio.run(client.complete(second_messages))  # our own cache keeps the counts of the call it stored
    assert replayed.cached and (replayed.cached_tokens, replayed.prompt_tokens) == (second.cached_tokens, second.prompt_tokens)


def test_anthropic_gets_the_breakpoint_on_the_wire_and_its_cache_reads_and_writes_are_priced(
    loopback: LoopbackServer, judge_view: Callable[..., list[dict[str, Any]]]
) -> None:
    model = "anthropic/claude-sonnet-4-5"
    client = ModelClient(model, _params(loopback, anthropic=True), cache=None)
    first_messages = judge_view("Memo of model A: c01.", breakpoint=explicit_breakpoints(model))
    first = asyncio.run(client.complete(first_messages))
    second = asyncio.run(client.complete(judge_view("Model B: c02.", breakpoint=True)))
    wire = loopback.bodies[-1]
    assert wire["messages"][0]["content"][0]["cache_control"] == {"type": "ephemeral"}
    assert "cache_control" not in wire["messages"][0]["content"][1]
    system, user = first_messages
    shared = (len(system["content"]) + len(user["content"][0]["text"])) // CHARS_PER_TOKEN
    assert (first.cached_tokens, first.cache_write_tokens) == (0, shared)
    assert (second.cached_tokens, second.cache_write_tokens) == (shared, 0)
    assert second.prompt_tokens == (len(system["content"]) + len(user["content"][0]["text"]) + len(
        wire["messages"][0]["content"][1]["text"])) // CHARS_PER_TOKEN  # litellm adds cache reads back into the input
    prices = import_litellm().model_cost["claude-sonnet-4-5"]
    for call in (first, second):
        fresh = call.prompt_tokens - call.cached_tokens - call.cache_write_tokens
        expected = (
            prices["input_cost_per_token"] * fresh
            + prices["cache_read_input_token_cost"] * call.cached_tokens
            + prices["cache_creation_input_token_cost"] * call.cache_write_tokens
            + prices["output_cost_per_token"] * call.completion_tokens
        )
        assert call.cost_usd == pytest.approx(expected)
    assert second.cost_usd < first.cost_usd


def test_a_configured_price_charges_cache_reads_and_writes_at_their_own_rates(
    loopback: LoopbackServer, judge_view: Callable[..., list[dict[str, Any]]]
) -> None:
    discounted = Price(10.0, 30.0, cached_input=1.0, cache_write=12.5)
    client = ModelClient("anthropic/claude-house-model", _params(loopback, anthropic=True), cache=None, price=discounted)
    first = asyncio.run(client.complete(judge_view("A: c01.", breakpoint=True)))
    second = asyncio.run(client.complete(judge_view("B: c02.", breakpoint=True)))
    assert first.cache_write_tokens and second.cached_tokens
    for call in (first, second):
        fresh = call.prompt_tokens - call.cached_tokens - call.cache_write_tokens
        expected = (10.0 * fresh + 1.0 * call.cached_tokens + 12.5 * call.cache_write_tokens + 30.0 * call.completion_tokens) / 1e6
        assert call.cost_usd == pytest.approx(expected)
    full = ModelClient("openai/house-model", _params(loopback), cache=None, price=Price(10.0, 30.0))
    asyncio.run(full.complete(judge_view("A: c01.")))
    again = asyncio.run(full.complete(judge_view("B: c02.")))
    assert again.cached_tokens  # no cached-input price given: cached input costs the input price
    assert again.cost_usd == pytest.approx((10.0 * again.prompt_tokens + 30.0 * again.completion_tokens) / 1e6)
