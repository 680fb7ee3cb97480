"""A SQLite store of every successful model and judge answer, written the moment it arrives.

It makes reruns free and crashes harmless: the key covers everything that changes an answer
(model, parameters, messages), so a rerun repeats only calls that never completed. Errors are
never stored, and neither are judge replies that broke the verdict contract. WAL mode lets many
xdist workers write at once, and each write is its own transaction, so a killed process loses at
most the call it was making. A cache of the previous layout (schema 2, without prompt-cache
token counts) is brought up to this one in place, its answers kept: their counts are unknown.
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

CACHE_SCHEMA = 3  # PRAGMA user_version: 3 added the prompt-cache token counts
UPGRADES = {2: ("ALTER TABLE calls ADD COLUMN cached_tokens INTEGER", "ALTER TABLE calls ADD COLUMN cache_write_tokens INTEGER")}
LAYOUT = """
CREATE TABLE IF NOT EXISTS calls (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    task_id TEXT,
    content TEXT NOT NULL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    cost_usd REAL,
    latency_s REAL NOT NULL,
    finish_reason TEXT,
    refusal INTEGER NOT NULL,
    repaired_chars INTEGER NOT NULL,
    created REAL NOT NULL,
    cached_tokens INTEGER,
    cache_write_tokens INTEGER
)
"""
COLUMNS = (
    "content, prompt_tokens, completion_tokens, cost_usd, latency_s, finish_reason, refusal, repaired_chars, "
    "cached_tokens, cache_write_tokens"
)


class CacheError(Exception):
    """The cache file cannot be used as it is; the message names it and says what to do."""


class Completion(BaseModel):
    content: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cached_tokens: int | None = None  # of prompt_tokens, read from the provider's prompt cache
    cache_write_tokens: int | None = None  # of prompt_tokens, written to it (Anthropic charges for these)
    cost_usd: float | None = None
    latency_s: float = 0.0
    cached: bool = False  # answered from this SQLite cache, not by the provider
    replayed: bool = False  # stored text given back without any call (anchors, recorded answers)
    finish_reason: str | None = None
    refusal: bool = False  # the provider's refusal text stands as the answer
    repaired_chars: int = 0  # characters that could not be stored as UTF-8, replaced by U+FFFD
    batch: bool = False  # answered inside a provider batch; `cost_usd` is then the batch price
    online_cost_usd: float | None = None  # what the same call costs online, for a batch answer

    @property
    def truncated(self) -> bool:
        return self.finish_reason == "length"


def endpoint(model: str, params: dict[str, Any]) -> str | None:
    """Where a call goes: its `api_base`/`base_url`, else the provider's base-URL variable.

    Two servers that serve the same model name are two models as far as the cache knows.
    """
    base = params.get("api_base") or params.get("base_url")
    if base is None and "/" in model:
        provider = model.split("/", 1)[0].upper()
        base = os.environ.get(f"{provider}_API_BASE") or os.environ.get(f"{provider}_BASE_URL")
    return str(base).rstrip("/") if base else None


TRANSPORT_PARAMS = frozenset({"api_key", "api_base", "base_url", "timeout", "max_retries"})


def relevant_params(params: dict[str, Any]) -> dict[str, Any]:
    """The settings that can change an answer: secrets and transport settings left out."""
    return {k: v for k, v in params.items() if k not in TRANSPORT_PARAMS}


def call_key(model: str, params: dict[str, Any], messages: list[dict[str, Any]], revision: str | None = None) -> str:
    """Everything that changes an answer: model, endpoint, the checkpoint's revision label,
    parameters, messages. Secrets and transport settings stay out."""
    relevant = relevant_params(params)
    identity = {"model": model, "endpoint": endpoint(model, params), "revision": revision}
    blob = json.dumps({**identity, "params": relevant, "messages": messages}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _open(path: Path) -> sqlite3.Connection:
    """Connect and check the layout before any call is paid for, so a mismatch costs nothing."""
    if path.is_dir():
        raise CacheError(f"--xpert-cache: {path} is a directory; give the path of an SQLite file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except (OSError, sqlite3.Error) as exc:
        raise CacheError(f"--xpert-cache: {path} cannot be used as the answer cache: {exc}") from exc
    if tables and version in UPGRADES:
        version = _upgrade(db, path, version)
    if tables and version != CACHE_SCHEMA:
        db.close()
        raise CacheError(
            f"--xpert-cache: {path} has cache schema {version}, this xpertbench reads schema {CACHE_SCHEMA}; "
            "move or delete it (its answers cannot be reused), or point --xpert-cache at another file"
        )
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    if not tables:
        db.execute(LAYOUT)
        db.execute(f"PRAGMA user_version = {CACHE_SCHEMA}")
    return db


def _upgrade(db: sqlite3.Connection, path: Path, version: int) -> int:
    """Bring an older layout up to this one in one transaction; of several processes opening it
    at once, the first does the work and the others find it done."""
    try:
        db.execute("BEGIN IMMEDIATE")
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        while version in UPGRADES:
            for statement in UPGRADES[version]:
                db.execute(statement)
            version += 1
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("COMMIT")
    except sqlite3.Error as exc:
        db.rollback()
        db.close()
        raise CacheError(f"--xpert-cache: {path} could not be brought up to cache schema {CACHE_SCHEMA}: {exc}") from exc
    return version


class CallCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = _open(path)

    def get(self, key: str) -> Completion | None:
        with self._lock:
            row = self._db.execute(f"SELECT {COLUMNS} FROM calls WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        content, prompt_tokens, completion_tokens, cost, latency, finish_reason, refusal, repaired, read, written = row
        return Completion(
            content=content, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, cost_usd=cost,
            latency_s=latency, cached=True, finish_reason=finish_reason, refusal=bool(refusal), repaired_chars=repaired,
            cached_tokens=read, cache_write_tokens=written,
        )

    def put(self, key: str, model: str, completion: Completion, task_id: str | None = None) -> None:
        c = completion
        with self._lock:
            self._db.execute(
                f"INSERT OR REPLACE INTO calls (key, model, task_id, created, {COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key, model, task_id, time.time(), c.content, c.prompt_tokens, c.completion_tokens, c.cost_usd,
                    c.latency_s, c.finish_reason, int(c.refusal), c.repaired_chars, c.cached_tokens, c.cache_write_tokens,
                ),
            )

    def _where(self, model: str | None, task_id: str | None, older_than_days: float | None) -> tuple[str, list[Any]]:
        clauses, values = ["1"], []
        if model is not None:
            clauses.append("model = ?")
            values.append(model)
        if task_id is not None:
            clauses.append("task_id = ?")
            values.append(task_id)
        if older_than_days is not None:
            clauses.append("created < ?")
            values.append(time.time() - older_than_days * 86400)
        return " AND ".join(clauses), values

    def entries(
        self, model: str | None = None, task_id: str | None = None, older_than_days: float | None = None
    ) -> list[tuple[str, int, float, float]]:
        """(model, entries, oldest, newest) for the entries that match, one row per model."""
        where, values = self._where(model, task_id, older_than_days)
        with self._lock:
            rows = self._db.execute(
                f"SELECT model, COUNT(*), MIN(created), MAX(created) FROM calls WHERE {where} GROUP BY model ORDER BY model",
                values,
            ).fetchall()
        return [(str(m), int(n), float(lo), float(hi)) for m, n, lo, hi in rows]

    def drop(self, model: str | None = None, task_id: str | None = None, older_than_days: float | None = None) -> int:
        where, values = self._where(model, task_id, older_than_days)
        with self._lock:
            return int(self._db.execute(f"DELETE FROM calls WHERE {where}", values).rowcount)

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM calls").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
