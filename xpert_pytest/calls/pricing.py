"""Prices users give (`--xpert-price`) for models litellm has no price for, and a call's cost at them."""

from __future__ import annotations

from typing import NamedTuple


class Price(NamedTuple):
    """USD per million tokens. Input read from the provider's prompt cache and input written to it
    cost the input price unless given: never less than the provider could charge, so a budget
    computed with them is never overrun by the cache."""

    input: float
    output: float
    cached_input: float | None = None
    cache_write: float | None = None


def configured_cost(
    price: Price, prompt_tokens: int, completion_tokens: int, cached_tokens: int = 0, cache_write_tokens: int = 0
) -> float:
    """`prompt_tokens` counts every input token, cache reads and writes included, as litellm reports them."""
    fresh = max(0, prompt_tokens - cached_tokens - cache_write_tokens)
    cached = price.input if price.cached_input is None else price.cached_input
    write = price.input if price.cache_write is None else price.cache_write
    total = price.input * fresh + cached * cached_tokens + write * cache_write_tokens + price.output * completion_tokens
    return total / 1_000_000
