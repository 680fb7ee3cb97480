"""The run's ledger of paid calls, shared by every process of a run, and its cost budget.

xdist workers spend from one budget, so the ledger is a small SQLite file that all of them
write to. Every call is entered when it starts and settled when it ends, so a call that was in
flight when its process died is still on the books: paid, and counted as lost. Spending is
kept per *run key* (model, revision, judges, data), not per process start: a rerun of a run
that was stopped or crashed goes on spending from the same budget, and only a run that
completes closes its account.

Before a call starts, a process checks that what the run has spent, plus the average cost of
a call so far for this call and for each call the process already has in flight, stays within
the budget. (Calls in flight in other processes are not counted: with n workers the run can
pass the budget by at most the calls those workers had started.) Calls whose cost is unknown
(no price for the model) are counted and make the run say that the budget could not be
enforced for them.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

LEDGER = """
CREATE TABLE IF NOT EXISTS calls (
    run_key TEXT NOT NULL,
    run_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in-flight', 'done')),
    cost_usd REAL
)
"""


class StopRun(Exception):
    """A limit of the whole run (its budget, its deadline) stops this call: the run is incomplete."""


class BudgetExceeded(StopRun):
    pass


class Budget:
    """`limit_usd` None keeps the ledger without a budget."""

    def __init__(self, path: Path, run_key: str, run_id: str, limit_usd: float | None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.run_key = run_key
        self.run_id = run_id
        self.limit_usd = limit_usd
        self._lock = threading.Lock()
        self.in_flight = 0
        self._db = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # Entries must survive a crashed process, not a power cut: without a sync per commit
        # each entry costs microseconds, where syncing held the event loop for every call.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(LEDGER)

    def _totals(self) -> tuple[float, int, int]:
        with self._lock:
            row = self._db.execute(
                "SELECT COALESCE(SUM(cost_usd), 0), COUNT(cost_usd), COUNT(*) - COUNT(cost_usd) FROM calls "
                "WHERE run_key = ? AND state = 'done'",
                (self.run_key,),
            ).fetchone()
        return float(row[0]), int(row[1]), int(row[2])

    def start(self) -> int:
        """Admit a call and enter it as in flight, or raise if it would pass the budget."""
        if self.limit_usd is not None:
            spent, priced, _ = self._totals()
            expected = spent / priced if priced else 0.0
            if spent + (self.in_flight + 1) * expected > self.limit_usd:
                raise BudgetExceeded(
                    f"cost budget ${self.limit_usd:,.4f} reached: ${spent:,.4f} spent, "
                    f"{self.in_flight} call(s) in flight, next call expected ~${expected:,.4f}"
                )
        self.in_flight += 1
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO calls VALUES (?, ?, 'in-flight', NULL)", (self.run_key, self.run_id)
            )
        return int(cursor.lastrowid or 0)

    def finish(self, ticket: int, cost_usd: float | None, completed: bool = True) -> None:
        """Settle a call (`cost_usd` None when its price is unknown); a failed call costs nothing."""
        self.in_flight -= 1
        with self._lock:
            if completed:
                self._db.execute("UPDATE calls SET state = 'done', cost_usd = ? WHERE rowid = ?", (cost_usd, ticket))
            else:
                self._db.execute("DELETE FROM calls WHERE rowid = ?", (ticket,))

    def spent(self) -> tuple[float, int]:
        """Dollars spent, and how many calls had no known price."""
        spent, _, unpriced = self._totals()
        return spent, unpriced

    def lost(self) -> int:
        """Calls of this run still in flight once every process is done: their process died."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM calls WHERE run_id = ? AND state = 'in-flight'", (self.run_id,)
            ).fetchone()
        return int(row[0])

    def close_account(self) -> None:
        """The run completed: the next run with the same key starts a new budget."""
        with self._lock:
            self._db.execute("DELETE FROM calls WHERE run_key = ?", (self.run_key,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
