"""Batch input lines, result lines and batch prices."""

from __future__ import annotations

import json

import pytest

from xpert_pytest.calls.batch_api import BatchUnsupported, batch_price, parse_lines, provider_of, request_line, split_params
from xpert_pytest.calls.gateway import import_litellm


def test_provider_settings_stay_out_of_the_request_body() -> None:
    params = {"api_base": "http://x/v1", "api_key": "sk-1", "timeout": 600, "max_retries": 2, "temperature": 0, "max_tokens": 512}
    transport, body = split_params(params)
    assert transport == {"api_base": "http://x/v1", "api_key": "sk-1", "timeout": 600, "max_retries": 2}
    assert body == {"temperature": 0, "max_tokens": 512}
    assert split_params({"base_url": "http://y/v1"})[0] == {"api_base": "http://y/v1"}


def test_a_request_line_is_an_openai_batch_line_keyed_by_its_cache_key() -> None:
    line = json.loads(request_line("abc123", {"model": "gpt-5", "messages": [{"role": "user", "content": "Größe"}]}))
    assert line == {
        "custom_id": "abc123", "method": "POST", "url": "/v1/chat/completions",
        "body": {"model": "gpt-5", "messages": [{"role": "user", "content": "Größe"}]},
    }


def test_result_lines_answers_errors_and_expired_requests() -> None:
    body = {"choices": [{"message": {"content": "hi"}}]}
    data = b"\n".join(
        json.dumps(line).encode()
        for line in [
            {"custom_id": "a", "response": {"status_code": 200, "body": body}, "error": None},
            {"custom_id": "b", "response": {"status_code": 400, "body": {"error": {"message": "bad max_tokens", "type": "invalid_request_error"}}}, "error": None},
            {"custom_id": "c", "response": None, "error": {"code": "batch_expired", "message": "window expired"}},
            {"custom_id": "d", "response": None, "error": {"code": "server_error", "message": "boom"}},
            {"no": "custom id"},
        ]
    ) + b"\nnot json\n"
    lines = parse_lines(data)
    assert [(line.custom_id, line.body, line.error, line.expired) for line in lines] == [
        ("a", body, None, False),
        ("b", None, "HTTP 400: invalid_request_error: bad max_tokens", False),
        ("c", None, "batch_expired: window expired", True),
        ("d", None, "server_error: boom", False),
    ]


def test_providers_without_batches_are_refused_by_name() -> None:
    assert provider_of("openai/gpt-5", {}) == ("openai", "gpt-5")
    assert provider_of("hosted_vllm/org/model", {"api_base": "http://127.0.0.1:1/v1"}) == ("hosted_vllm", "org/model")
    with pytest.raises(BatchUnsupported, match="anthropic/claude-opus-4: litellm cannot create batches for provider 'anthropic'"):
        provider_of("anthropic/claude-opus-4", {})


def test_batch_prices_given_halved_from_litellm_or_unknown() -> None:
    litellm = import_litellm()
    usage = litellm.Usage(prompt_tokens=1_000_000, completion_tokens=2_000_000, total_tokens=3_000_000)
    assert batch_price(litellm, "openai/stub", usage, (1.0, 2.0), (0.1, 0.2)) == pytest.approx(0.1 + 0.4)
    assert batch_price(litellm, "openai/stub", usage, (1.0, 2.0), None) == pytest.approx(0.5 + 2.0)
    info = litellm.get_model_info(model="openai/gpt-4o-mini")
    expected = info["input_cost_per_token_batches"] * 1_000_000 + info["output_cost_per_token_batches"] * 2_000_000
    assert batch_price(litellm, "openai/gpt-4o-mini", usage, None, None) == pytest.approx(expected)
    assert expected < info["input_cost_per_token"] * 1_000_000 + info["output_cost_per_token"] * 2_000_000
    assert batch_price(litellm, "openai/no-such-model-xyz", usage, None, None) is None
