from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from xpert_pytest.calls.cache import CallCache, Completion, call_key


def test_key_ignores_secrets_and_transport_but_not_content() -> None:
    messages = [{"role": "user", "content": "q"}]
    base = call_key("m", {"temperature": 0, "api_key": "a", "api_base": "http://x"}, messages)
    assert base == call_key("m", {"temperature": 0, "api_key": "b", "timeout": 5, "api_base": "http://x/"}, messages)
    assert base != call_key("m", {"temperature": 0.7, "api_base": "http://x"}, messages)
    assert base != call_key("m2", {"temperature": 0}, messages)
    assert base != call_key("m", {"temperature": 0}, [{"role": "user", "content": "q2"}])


def test_key_names_the_endpoint_and_the_revision(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two servers of one model name, or two checkpoints under one name and URL, never share answers."""
    messages = [{"role": "user", "content": "q"}]
    here = call_key("openai/m", {"api_base": "http://127.0.0.1:1/v1"}, messages)
    assert here != call_key("openai/m", {"api_base": "http://127.0.0.1:2/v1"}, messages)
    assert here != call_key("openai/m", {"api_base": "http://127.0.0.1:1/v1"}, messages, revision="ckpt-2")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:3/v1")
    assert call_key("openai/m", {}, messages) != call_key("openai/m", {"api_base": "http://127.0.0.1:1/v1"}, messages)
    assert call_key("openai/m", {}, messages) == call_key("openai/m", {"base_url": "http://127.0.0.1:3/v1"}, messages)


def test_round_trip_marks_hits(tmp_path: Path) -> None:
    cache = CallCache(tmp_path / "c.sqlite")
    assert cache.get("k") is None
    cache.put("k", "m", Completion(content="answer", prompt_tokens=3, completion_tokens=4, cost_usd=0.5, latency_s=1.5))
    hit = cache.get("k")
    assert hit == Completion(content="answer", prompt_tokens=3, completion_tokens=4, cost_usd=0.5, latency_s=1.5, cached=True)
    assert len(cache) == 1


def _writer(path: str, worker: int) -> None:
    cache = CallCache(Path(path))
    for i in range(200):
        cache.put(f"{worker}-{i}", "m", Completion(content=f"{worker}:{i}"))
    cache.close()


def test_many_processes_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    CallCache(path).close()
    processes = [multiprocessing.get_context("spawn").Process(target=_writer, args=(str(path), w)) for w in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    cache = CallCache(path)
    assert len(cache) == 800
    assert cache.get("3-199") is not None and cache.get("3-199").content == "3:199"
