"""Model calls through litellm, behind our own SQLite cache.

litellm is imported on first use, never at plugin import, and only after its offline switch
is set: it would otherwise download its model-cost map on import. Retries of 408/409/429/5xx,
timeouts and dropped connections are ours, with jittered backoff that honours Retry-After, so
that every rate limit reaches the throttle; what still fails is a `ProviderError`.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import random
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, nullcontext, suppress
from functools import cache
from typing import Any, Literal, Protocol

from xpert_pytest.calls.budget import Budget, StopRun
from xpert_pytest.calls.cache import CallCache, Completion, call_key
from xpert_pytest.calls.pricing import Price, configured_cost
from xpert_pytest.calls.prompt_cache import cache_usage
from xpert_pytest.long_lived import building_long_lived

OutputFormat = Literal["auto", "json-schema", "json-object", "off"]
DEFAULT_PARAMS: dict[str, Any] = {"temperature": 0, "timeout": 600}
DEFAULT_RETRIES = 4
DEFAULT_CALL_DEADLINE = 900.0
RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 120.0


class ProviderError(Exception):
    """A provider call that failed after its retries; the message names model and cause."""


class RunDeadline(StopRun):
    """The run's wall-clock deadline came before this call could start or finish."""


SECRET_NAMES = ("KEY", "TOKEN", "SECRET", "PASSWORD")


def known_secrets(params: dict[str, Any]) -> list[str]:
    """Every secret value this process knows: the call's api_key and the environment's keys and tokens."""
    values = [str(params["api_key"])] if params.get("api_key") else []
    values += [v for k, v in os.environ.items() if any(n in k.upper() for n in SECRET_NAMES)]
    return sorted({v for v in values if len(v) >= 8}, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    """Provider and proxy error bodies may echo the key they were sent; it never reaches a file or log."""
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return text


def safe_text(text: str) -> tuple[str, int]:
    """Provider text made encodable as UTF-8: lone surrogates become U+FFFD; the count says how many."""
    try:
        text.encode("utf-8")
        return text, 0
    except UnicodeEncodeError:
        fixed = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return fixed, fixed.count("\ufffd") - text.count("\ufffd")


class Throttle(Protocol):
    def slot(self) -> AbstractAsyncContextManager[None]: ...

    def on_rate_limited(self) -> None: ...

    def on_success(self) -> None: ...


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def retry_after(exc: BaseException) -> float | None:
    """Seconds the provider asked us to wait, from the Retry-After header of its error response."""
    headers = getattr(exc, "litellm_response_headers", None) or getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return min(RETRY_AFTER_CAP, max(0.0, float(value))) if value is not None else None
    except ValueError:
        return None


def retryable(exc: BaseException) -> bool:
    """Rate limits, server errors, timeouts and dropped connections; not bad requests or auth."""
    status = _status(exc)
    return status is None or status in RETRYABLE_STATUS or status >= 500


def backoff(attempt: int) -> float:
    return min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt) * (0.5 + random.random() / 2)


FIRST_CALL_IMPORTS = ("litellm.proxy.openai_files_endpoints.common_utils",)
"""What litellm imports inside its first completion call. Imported with litellm, it is not
imported by the first burst of calls, each thread of litellm's executor waiting on the import
lock of the same module while the replies of the first round are due."""


@cache
def import_litellm() -> Any:
    """Import litellm once per process, as a long-lived part of it (see `long_lived`)."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    with building_long_lived():
        import litellm

        for name in FIRST_CALL_IMPORTS:
            with suppress(ImportError):
                importlib.import_module(name)
    litellm.telemetry = False
    litellm.suppress_debug_info = True
    return litellm


@cache
def supports_structured_output(model: str) -> bool:
    litellm = import_litellm()
    try:
        return bool(litellm.supports_response_schema(model=model))
    except Exception:  # unknown model or provider: fall back to plain JSON
        return False


def call_cost(litellm: Any, response: Any, price: Price | None) -> float | None:
    """A configured price wins; else litellm's cost data, which prices the tokens the provider's
    prompt cache read (and, for Anthropic, wrote) at the model's own rates for them."""
    usage = getattr(response, "usage", None)
    if price is not None and usage is not None:
        read, written = cache_usage(usage)
        return configured_cost(price, usage.prompt_tokens or 0, usage.completion_tokens or 0, read or 0, written or 0)
    hidden = getattr(response, "_hidden_params", None) or {}
    if "response_cost" in hidden:  # litellm has priced the call already, or found no price for it
        cost = hidden["response_cost"]
        return None if cost is None else float(cost)
    try:
        return float(litellm.completion_cost(completion_response=response))
    except Exception:  # litellm has no price for this model
        return None


def cacheable(content: str, accept: Callable[[str], bool] | None) -> bool:
    """Only a reply that `accept` takes (by default, any non-blank one) is kept: a judge reply
    that broke the verdict contract must be asked again, not replayed."""
    return accept(content) if accept is not None else bool(content.strip())


class ModelClient:
    """One model with its provider settings; `complete` checks the cache before calling.

    `max_retries` in the provider settings is our retry budget: litellm itself is called with
    no retries, so that every rate limit reaches the throttle and Retry-After is honoured here.
    """

    def __init__(
        self,
        model: str,
        params: dict[str, Any],
        cache: CallCache | None,
        throttle: Throttle | None = None,
        budget: Budget | None = None,
        price: Price | None = None,
        revision: str | None = None,
        output: OutputFormat = "auto",
        deadline: float = DEFAULT_CALL_DEADLINE,
        stop_at: float | None = None,
    ) -> None:
        """`deadline` bounds one call, retries included, in seconds; `stop_at` (a `time.time()`)
        is the run's deadline, after which no call starts and calls in flight are cut."""
        self.model = model
        self.revision = revision
        self.output = output
        self.deadline = deadline
        self.stop_at = stop_at
        params = {**DEFAULT_PARAMS, **params}
        self.retries = int(params.pop("max_retries", DEFAULT_RETRIES))
        self.params = params
        self.secrets = known_secrets(params)
        self.cache = cache
        self.throttle = throttle
        self.budget = budget
        self.price = price

    async def complete(
        self,
        messages: list[dict[str, Any]],
        schema: dict[str, Any] | None = None,
        sample: int = 0,
        accept: Callable[[str], bool] | None = None,
        task: str | None = None,
    ) -> Completion:
        """`schema` asks for structured output where the provider supports it; `sample` numbers
        repeated answers to the same messages (epochs), so each has its own cache entry; only a
        reply that `accept` takes is cached (a judge reply that broke the verdict contract must
        be asked again after the provider recovers, not replayed); `task` labels the entry.

        The schema stays out of the cache key: it enforces the reply format the prompt already
        demands, and leaving it out lets a warm cache answer without importing litellm to ask.
        """
        key = self.key(messages, sample)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return hit
        litellm = import_litellm()
        params = self.request_params(schema)
        async with self.throttle.slot() if self.throttle is not None else nullcontext():
            if self.stop_at is not None and time.time() >= self.stop_at:
                raise RunDeadline("the run deadline was reached before this call started")
            ticket = self.budget.start() if self.budget is not None else None
            started = time.perf_counter()
            try:
                response = await self._call(litellm, messages, params)
            except BaseException:
                if self.budget is not None and ticket is not None:
                    self.budget.finish(ticket, None, completed=False)
                raise
            latency = time.perf_counter() - started
        cost = call_cost(litellm, response, self.price)
        if self.budget is not None and ticket is not None:
            self.budget.finish(ticket, cost)  # a reply came back: paid, whether it holds an answer or not
        completion = self._completion(response, latency, cost)
        if self.cache is not None and cacheable(completion.content, accept):
            self.cache.put(key, self.model, completion, task)
        return completion

    def key(self, messages: list[dict[str, Any]], sample: int = 0) -> str:
        """The cache key of one request: also its id inside a provider batch."""
        params = self.params
        return call_key(self.model, {**params, "xpert_sample": sample} if sample else params, messages, self.revision)

    def request_params(self, schema: dict[str, Any] | None) -> dict[str, Any]:
        """What the call is sent with: the provider settings, plus structured output when asked for."""
        params = dict(self.params)
        if schema is not None and "response_format" not in params:
            params.update(self._structured(schema))
        return params

    def _completion(self, response: Any, latency: float, cost: float | None) -> Completion:
        """The reply's text: its content, or the refusal a provider gives instead (the model's
        answer too, flagged); made safe to store, with what was changed counted."""
        choices = getattr(response, "choices", None) or []
        if not choices:
            raise ProviderError(f"{self.model}: the reply has no choices (no answer at all)")
        message = choices[0].message
        content = message.content or ""
        refusal = getattr(message, "refusal", None)
        refused = not content.strip() and isinstance(refusal, str) and bool(refusal.strip())
        text, repaired = safe_text(str(refusal) if refused else content)
        usage = getattr(response, "usage", None)
        read, written = cache_usage(usage)
        return Completion(
            content=text,
            prompt_tokens=getattr(usage, "prompt_tokens", None),
            completion_tokens=getattr(usage, "completion_tokens", None),
            cached_tokens=read,
            cache_write_tokens=written,
            cost_usd=cost,
            latency_s=latency,
            finish_reason=getattr(choices[0], "finish_reason", None),
            refusal=refused,
            repaired_chars=repaired,
        )

    def _structured(self, schema: dict[str, Any]) -> dict[str, Any]:
        """`auto` asks litellm whether the provider takes a JSON schema; self-hosted servers
        (vLLM, SGLang, llama.cpp, Ollama) do, but litellm cannot know, so users say so."""
        if self.output == "json-schema" or (self.output == "auto" and supports_structured_output(self.model)):
            return {"response_format": schema}
        if self.output == "json-object":
            return {"response_format": {"type": "json_object"}}
        return {}

    async def _call(self, litellm: Any, messages: list[dict[str, Any]], params: dict[str, Any]) -> Any:
        """Every attempt and every wait fit in the call's deadline and the run's: a server that
        trickles bytes keeps each read alive, so the per-read `timeout` alone bounds nothing."""
        left = None if self.stop_at is None else self.stop_at - time.time()
        cut_by_run = left is not None and left < self.deadline
        limit = max(0.0, left) if left is not None and cut_by_run else self.deadline
        try:
            async with asyncio.timeout(limit):
                return await self._attempts(litellm, messages, params)
        except TimeoutError:
            if cut_by_run:
                raise RunDeadline("the run deadline was reached while this call was in flight") from None
            raise ProviderError(f"{self.model}: no complete reply within the call deadline of {self.deadline:g} s") from None

    async def _attempts(self, litellm: Any, messages: list[dict[str, Any]], params: dict[str, Any]) -> Any:
        attempt = 0
        while True:
            try:
                response = await litellm.acompletion(model=self.model, messages=messages, max_retries=0, **params)
            except Exception as exc:  # litellm maps every provider failure to its own exception types
                if _status(exc) == 429 and self.throttle is not None:
                    self.throttle.on_rate_limited()
                if attempt == self.retries or not retryable(exc):
                    tried = f" after {attempt + 1} attempts" if attempt else ""
                    raise ProviderError(redact(f"{self.model}: {type(exc).__name__}{tried}: {exc}", self.secrets)) from exc
                wait = retry_after(exc)
                await asyncio.sleep(backoff(attempt) if wait is None else wait)
                attempt += 1
                continue
            if self.throttle is not None:
                self.throttle.on_success()
            return response
