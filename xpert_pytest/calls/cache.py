"""A SQLite store of every successful model and judge answer, written the moment it arrives.

It makes reruns free and crashes harmless: the key covers everything that changes an answer
(model, parameters, messages), so a rerun repeats only calls that never completed. Errors are
never stored. WAL mode lets many xdist workers write at once, and each write is its own
transaction, so a killed process loses at most the call it was making.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    content TEXT NOT NULL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    cost_usd REAL,
    latency_s REAL NOT NULL,
    created REAL NOT NULL
)
"""


class Completion(BaseModel):
    content: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost_usd: float | None = None
    latency_s: float = 0.0
    cached: bool = False
    replayed: bool = False  # stored text given back without any call (anchors, recorded answers)


def endpoint(model: str, params: dict[str, Any]) -> str | None:
    """Where a call goes: its `api_base`/`base_url`, else the provider's base-URL variable.

    Two servers that serve the same model name are two models as far as the cache knows.
    """
    base = params.get("api_base") or params.get("base_url")
    if base is None and "/" in model:
        provider = model.split("/", 1)[0].upper()
        base = os.environ.get(f"{provider}_API_BASE") or os.environ.get(f"{provider}_BASE_URL")
    return str(base).rstrip("/") if base else None


def call_key(model: str, params: dict[str, Any], messages: list[dict[str, Any]], revision: str | None = None) -> str:
    """Everything that changes an answer: model, endpoint, the checkpoint's revision label,
    parameters, messages. Secrets and transport settings stay out."""
    relevant = {k: v for k, v in params.items() if k not in {"api_key", "api_base", "base_url", "timeout", "max_retries"}}
    identity = {"model": model, "endpoint": endpoint(model, params), "revision": revision}
    blob = json.dumps({**identity, "params": relevant, "messages": messages}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


class CallCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)

    def get(self, key: str) -> Completion | None:
        with self._lock:
            row = self._db.execute(
                "SELECT content, prompt_tokens, completion_tokens, cost_usd, latency_s FROM calls WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        content, prompt_tokens, completion_tokens, cost, latency = row
        return Completion(
            content=content, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
            cost_usd=cost, latency_s=latency, cached=True,
        )

    def put(self, key: str, model: str, completion: Completion) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO calls VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key, model, completion.content, completion.prompt_tokens, completion.completion_tokens,
                    completion.cost_usd, completion.latency_s, time.time(),
                ),
            )

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM calls").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
