from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from xpert_pytest.calls.cache import CACHE_SCHEMA, CacheError, CallCache, Completion, call_key


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


SCHEMA_2 = """
CREATE TABLE calls (
    key TEXT PRIMARY KEY, model TEXT NOT NULL, task_id TEXT, content TEXT NOT NULL, prompt_tokens INTEGER,
    completion_tokens INTEGER, cost_usd REAL, latency_s REAL NOT NULL, finish_reason TEXT, refusal INTEGER NOT NULL,
    repaired_chars INTEGER NOT NULL, created REAL NOT NULL
)
"""


def test_prompt_cache_counts_round_trip(tmp_path: Path) -> None:
    cache = CallCache(tmp_path / "c.sqlite")
    cache.put("k", "m", Completion(content="verdicts", prompt_tokens=3000, cached_tokens=2816, cache_write_tokens=64))
    hit = cache.get("k")
    assert hit is not None and (hit.cached_tokens, hit.cache_write_tokens, hit.prompt_tokens) == (2816, 64, 3000)


def test_a_schema_2_cache_is_upgraded_in_place_and_keeps_its_answers(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute(SCHEMA_2)
    db.execute("INSERT INTO calls VALUES ('k', 'm', 't', 'old answer', 10, 5, 0.01, 1.5, 'stop', 0, 0, 1.0)")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    cache = CallCache(path)
    old = cache.get("k")
    assert old is not None and (old.content, old.prompt_tokens, old.cached_tokens, old.cache_write_tokens) == ("old answer", 10, None, None)
    cache.put("k2", "m", Completion(content="new", cached_tokens=7))
    assert cache.get("k2").cached_tokens == 7  # type: ignore[union-attr]
    cache.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == CACHE_SCHEMA == 3
    CallCache(path).close()  # opening the upgraded file again changes nothing


def test_a_cache_of_an_unknown_schema_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    db = sqlite3.connect(path)
    db.execute(SCHEMA_2)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(CacheError, match=rf"{path} has cache schema 99, this xpertbench reads schema 3"):
        CallCache(path)
