"""What a batch run has collected: every answer its batches returned, and every request that failed.

It lives in the run folder, beside the state file, and is this run's own record, apart from the
shared answer cache: a judge reply that broke the verdict contract is kept here (the repair
prompt quotes it) though it never enters the cache, and an answer read from here counts as paid
by this run, at its batch price, in every invocation that reads it. A failure carries the
invocation that recorded it: an expired request is an error for that invocation only, and the
next one submits it again.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from xpert_pytest.calls.cache import Completion

STORE_FILE = "batch.sqlite"
LAYOUT = (
    """
    CREATE TABLE IF NOT EXISTS answers (
        key TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        online INTEGER NOT NULL,
        content TEXT NOT NULL,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        cost_usd REAL,
        online_cost_usd REAL,
        finish_reason TEXT,
        refusal INTEGER NOT NULL,
        repaired_chars INTEGER NOT NULL,
        created REAL NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS failures (
        key TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('failed', 'lost')),
        message TEXT NOT NULL,
        invocation TEXT NOT NULL,
        retry_error TEXT
    )
    """,
)
FailureKind = Literal["failed", "lost"]


@dataclass(frozen=True)
class Failure:
    """`failed`: the provider answered this line with an error (it is retried online); `lost`: the
    batch ended (expired, no output) before answering it (submitted again by the next invocation)."""

    model: str
    batch_id: str
    kind: FailureKind
    message: str
    invocation: str
    retry_error: str | None


class BatchStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        for statement in LAYOUT:
            self._db.execute(statement)

    def get(self, key: str) -> Completion | None:
        with self._lock:
            row = self._db.execute(
                "SELECT online, content, prompt_tokens, completion_tokens, cost_usd, online_cost_usd, finish_reason, "
                "refusal, repaired_chars FROM answers WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        online, content, prompt_tokens, completion_tokens, cost, online_cost, finish_reason, refusal, repaired = row
        return Completion(
            content=content, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, cost_usd=cost,
            finish_reason=finish_reason, refusal=bool(refusal), repaired_chars=repaired,
            batch=not online, online_cost_usd=online_cost,
        )

    def put(self, key: str, model: str, batch_id: str, completion: Completion, online: bool = False) -> None:
        """`online`: the answer of an online retry of a line that failed in `batch_id`."""
        c = completion
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key, model, batch_id, int(online), c.content, c.prompt_tokens, c.completion_tokens, c.cost_usd,
                    c.cost_usd if online else c.online_cost_usd, c.finish_reason, int(c.refusal), c.repaired_chars,
                    time.time(),
                ),
            )
            self._db.execute("DELETE FROM failures WHERE key = ?", (key,))

    def fail(self, key: str, model: str, batch_id: str, kind: FailureKind, message: str, invocation: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (key, model, batch_id, kind, message, invocation),
            )

    def retry_failed(self, key: str, error: str, invocation: str) -> None:
        """The online retry of a failed line failed too: this invocation does not try it again."""
        with self._lock:
            self._db.execute("UPDATE failures SET retry_error = ?, invocation = ? WHERE key = ?", (error, invocation, key))

    def failure(self, key: str) -> Failure | None:
        with self._lock:
            row = self._db.execute(
                "SELECT model, batch_id, kind, message, invocation, retry_error FROM failures WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else Failure(*row)

    def lost(self, invocation: str) -> int:
        """Requests that a batch ended without answering in this invocation."""
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM failures WHERE kind = 'lost' AND invocation = ?", (invocation,)).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
