"""Providers' batch APIs through litellm: files in, a batch created, its output and error files out.

A request goes in as one OpenAI-format JSON line, `{"custom_id", "method", "url", "body"}`, with
the request's cache key as its custom id; results come back joined on it. litellm creates batches
for the providers in `BATCH_PROVIDERS` (it turns the lines into the native format where one
differs); the provider is the one litellm reads from the model string, as for online calls.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from xpert_pytest.calls.gateway import import_litellm
from xpert_pytest.calls.pricing import Price

ENDPOINT = "/v1/chat/completions"
COMPLETION_WINDOW = "24h"
BATCH_PROVIDERS = ("openai", "azure", "vertex_ai", "bedrock", "hosted_vllm", "litellm_proxy", "mistral", "xai")
EXPIRED_CODE = "batch_expired"
RUN_METADATA = "xpert_run"  # the run key, set on every batch: a batch of another run is recognised on retrieval
TRANSPORT = {"base_url", "extra_headers"}  # provider settings litellm reads but does not list in its params model


class BatchUnsupported(ValueError):
    """litellm cannot create batches for this model's provider."""


@cache
def provider_settings() -> frozenset[str]:
    """Settings that go to litellm and the provider's client, never into a request body."""
    from litellm.types.router import GenericLiteLLMParams

    return frozenset(GenericLiteLLMParams.model_fields) | TRANSPORT


def provider_of(model: str, params: dict[str, Any]) -> tuple[str, str]:
    """(litellm provider, model name as the provider knows it) for a model string."""
    litellm = import_litellm()
    try:
        name, provider, _, _ = litellm.get_llm_provider(model=model, api_base=params.get("api_base"))
    except Exception as exc:  # litellm cannot tell the provider: no batch either
        raise BatchUnsupported(f"{model}: litellm cannot tell its provider ({exc})") from exc
    if provider not in BATCH_PROVIDERS:
        raise BatchUnsupported(
            f"{model}: litellm cannot create batches for provider {provider!r}; batch mode supports {', '.join(BATCH_PROVIDERS)}"
        )
    return provider, name


def split_params(params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A call's settings, split into (provider settings for litellm, request-body parameters)."""
    settings = provider_settings()
    transport = {k: v for k, v in params.items() if k in settings}
    if "base_url" in transport:
        transport.setdefault("api_base", transport.pop("base_url"))
    return transport, {k: v for k, v in params.items() if k not in settings}


def request_line(key: str, body: dict[str, Any]) -> bytes:
    line = {"custom_id": key, "method": "POST", "url": ENDPOINT, "body": body}
    return (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Line:
    """One result line: a chat completion body, or the provider's error for the request."""

    custom_id: str
    body: dict[str, Any] | None
    error: str | None
    expired: bool = False


def _error_text(value: Any) -> str:
    if isinstance(value, dict):
        inner = value.get("error", value)
        if isinstance(inner, dict):
            message = inner.get("message") or json.dumps(inner, ensure_ascii=False)
            code = inner.get("code") or inner.get("type")
            return f"{code}: {message}" if code else str(message)
        return str(inner)
    return str(value)


def parse_lines(data: bytes) -> list[Line]:
    """Output or error file lines; a line that is not JSON or names no request is skipped, not guessed at."""
    lines = []
    for raw in data.splitlines():
        try:
            record = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if not isinstance(record, dict) or not isinstance(record.get("custom_id"), str):
            continue
        custom_id = record["custom_id"]
        error = record.get("error")
        response = record.get("response") if isinstance(record.get("response"), dict) else {}
        status = response.get("status_code")
        body = response.get("body")
        if error:
            expired = isinstance(error, dict) and error.get("code") == EXPIRED_CODE
            lines.append(Line(custom_id, None, _error_text(error), expired))
        elif status == 200 and isinstance(body, dict):
            lines.append(Line(custom_id, body, None))
        else:
            lines.append(Line(custom_id, None, f"HTTP {status}: {_error_text(body)}"))
    return lines


def batch_price(
    litellm: Any, model: str, usage: Any, online_price: Price | None, given: Price | None
) -> float | None:
    """USD for one batch answer: a --xpert-batch-price wins; an --xpert-price is halved; else
    litellm's batch price for the model (where it has none but an online price, litellm halves
    that); None when no price is known."""
    prompt, completion = usage.prompt_tokens or 0, usage.completion_tokens or 0
    price = given or (None if online_price is None else (online_price[0] / 2, online_price[1] / 2))
    if price is not None:
        return (price[0] * prompt + price[1] * completion) / 1_000_000
    try:
        litellm.get_model_info(model=model)
    except Exception:  # litellm has no price for this model
        return None
    from litellm.cost_calculator import batch_cost_calculator

    return float(sum(batch_cost_calculator(usage, model)))


class BatchAPI:
    """The files and batches endpoints of one model's provider, with its settings."""

    def __init__(self, model: str, params: dict[str, Any], retries: int) -> None:
        self.model = model
        self.provider, self.name = provider_of(model, params)
        self.settings, _ = split_params(params)
        self.settings["max_retries"] = retries

    def _kwargs(self) -> dict[str, Any]:
        """Every call names the model too: litellm needs it to route some providers' calls (Bedrock)."""
        return {"custom_llm_provider": self.provider, "model": self.model, **self.settings}

    async def upload(self, data: bytes) -> str:
        litellm = import_litellm()
        uploaded = await litellm.acreate_file(
            file=("xpert-batch.jsonl", data, "application/jsonl"), purpose="batch", **self._kwargs()
        )
        return str(uploaded.id)

    async def create(self, input_file_id: str, run_key: str) -> Any:
        litellm = import_litellm()
        return await litellm.acreate_batch(
            completion_window=COMPLETION_WINDOW, endpoint=ENDPOINT, input_file_id=input_file_id,
            metadata={RUN_METADATA: run_key}, **self._kwargs(),
        )

    async def retrieve(self, batch_id: str) -> Any:
        """The batch's status; litellm is told not to price it (that downloads the whole output
        file once more on every poll of a finished batch: we price each answer as we read it)."""
        litellm = import_litellm()
        quiet = {"litellm_metadata": {"batch_ignore_default_logging": True}}
        return await litellm.aretrieve_batch(batch_id=batch_id, **quiet, **self._kwargs())

    async def find(self, input_file_id: str) -> Any | None:
        """The batch created from this input file, if the provider lists one (after a crash between
        creating a batch and recording it); None when it lists none or cannot list."""
        litellm = import_litellm()
        try:
            listed = await litellm.alist_batches(limit=100, **self._kwargs())
        except Exception:  # a provider that cannot list batches: the file is submitted as a new batch
            return None
        return next((b for b in getattr(listed, "data", []) or [] if b.input_file_id == input_file_id), None)

    async def content(self, file_id: str) -> bytes:
        litellm = import_litellm()
        response = await litellm.afile_content(file_id=file_id, **self._kwargs())
        return bytes(response.content)
