"""Model calls through litellm, behind our own SQLite cache.

litellm is imported on first use, never at plugin import, and only after its offline switch
is set: it would otherwise download its model-cost map on import. Retries of 408/409/429/5xx,
timeouts and dropped connections (with backoff that honours Retry-After) are done by the
OpenAI-compatible client through `max_retries`; what still fails is a `ProviderError`.
"""

from __future__ import annotations

import os
import time
from functools import lru_cache
from typing import Any

from xpert_pytest.cache import CallCache, Completion, call_key

DEFAULT_PARAMS: dict[str, Any] = {"temperature": 0, "max_retries": 4, "timeout": 600}


class ProviderError(Exception):
    """A provider call that failed after its retries; the message names model and cause."""


def import_litellm() -> Any:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.telemetry = False
    litellm.suppress_debug_info = True
    return litellm


@lru_cache(maxsize=None)
def supports_structured_output(model: str) -> bool:
    litellm = import_litellm()
    try:
        return bool(litellm.supports_response_schema(model=model))
    except Exception:  # unknown model or provider: fall back to plain JSON
        return False


def _cost(litellm: Any, response: Any) -> float | None:
    hidden = getattr(response, "_hidden_params", None) or {}
    cost = hidden.get("response_cost")
    if cost is not None:
        return float(cost)
    try:
        return float(litellm.completion_cost(completion_response=response))
    except Exception:  # litellm has no price for this model
        return None


class ModelClient:
    """One model with its provider settings; `complete` checks the cache before calling."""

    def __init__(self, model: str, params: dict[str, Any], cache: CallCache | None) -> None:
        self.model = model
        self.params = {**DEFAULT_PARAMS, **params}
        self.cache = cache

    async def complete(self, messages: list[dict[str, Any]], schema: dict[str, Any] | None = None) -> Completion:
        """`schema` asks for structured output where the provider supports it.

        It stays out of the cache key: it enforces the reply format the prompt already demands,
        and leaving it out lets a warm cache answer without importing litellm to ask.
        """
        params = dict(self.params)
        key = call_key(self.model, params, messages)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return hit
        litellm = import_litellm()
        if schema is not None and "response_format" not in params and supports_structured_output(self.model):
            params["response_format"] = schema
        started = time.perf_counter()
        try:
            response = await litellm.acompletion(model=self.model, messages=messages, **params)
        except Exception as exc:  # litellm maps every provider failure to its own exception types
            raise ProviderError(f"{self.model}: {type(exc).__name__}: {exc}") from exc
        latency = time.perf_counter() - started
        content = response.choices[0].message.content or ""
        usage = getattr(response, "usage", None)
        completion = Completion(
            content=content,
            prompt_tokens=getattr(usage, "prompt_tokens", None),
            completion_tokens=getattr(usage, "completion_tokens", None),
            cost_usd=_cost(litellm, response),
            latency_s=latency,
        )
        if self.cache is not None and content.strip():
            self.cache.put(key, self.model, completion)
        return completion
