"""Providers' prompt caches: which ones need explicit breakpoints, and what a reply says was cached.

OpenAI and the OpenAI-compatible servers cache a repeated prompt prefix on their own; Claude
(Anthropic's API, and Claude on Bedrock, Vertex AI or OpenRouter) caches only up to a content
block marked with `cache_control`. The rule is by model name, so a warm answer cache never has
to import litellm to build the messages it looks up.
"""

from __future__ import annotations

from typing import Any

EPHEMERAL: dict[str, str] = {"type": "ephemeral"}  # Anthropic's only breakpoint type (5-minute lifetime)
CLAUDE_HOSTS = ("bedrock", "vertex_ai", "vertex_ai_beta", "openrouter")


def explicit_breakpoints(model: str) -> bool:
    """True for Claude behind a provider that caches only at `cache_control` breakpoints."""
    provider, _, name = model.lower().partition("/")
    if not name:
        return provider.startswith("claude")
    if provider == "anthropic":
        return True
    return provider in CLAUDE_HOSTS and ("claude" in name or "anthropic" in name)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def cache_usage(usage: Any) -> tuple[int | None, int | None]:
    """(input tokens read from the provider's prompt cache, input tokens written to it), from a
    litellm usage object; None where the provider did not say.

    litellm puts both into the OpenAI shape: `prompt_tokens_details.cached_tokens` for reads
    (OpenAI's own field; Anthropic's `cache_read_input_tokens`), and Anthropic's
    `cache_creation_input_tokens` for writes, which only Anthropic charges for. Both are part of
    `prompt_tokens`.
    """
    details = getattr(usage, "prompt_tokens_details", None)
    read = _count(getattr(details, "cached_tokens", None))
    if read is None:
        read = _count(getattr(usage, "cache_read_input_tokens", None))
    written = _count(getattr(usage, "cache_creation_input_tokens", None))
    if written is None:
        written = _count(getattr(details, "cache_creation_tokens", None))
    return read, written
