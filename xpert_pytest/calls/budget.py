"""A cost budget shared by every process of a run.

xdist workers spend from one budget, so the ledger is a small SQLite file that all of them
write to; before a call starts, a process checks that what the run has spent, plus the average
cost of a call so far for this call and for each call the process already has in flight, stays
within the budget. (Calls in flight in other processes are not counted: with n workers the run
can pass the budget by at most the calls those workers had started.) Calls whose cost is unknown
(no price for the model) are counted and make the run say that the budget could not be enforced
for them.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class BudgetExceeded(Exception):
    pass


class Budget:
    def __init__(self, path: Path, run_id: str, limit_usd: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.run_id = run_id
        self.limit_usd = limit_usd
        self._lock = threading.Lock()
        self.in_flight = 0
        self._db = sqlite3.connect(path, timeout=60, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS spend (run_id TEXT NOT NULL, cost_usd REAL)")

    def _totals(self) -> tuple[float, int, int]:
        with self._lock:
            row = self._db.execute(
                "SELECT COALESCE(SUM(cost_usd), 0), COUNT(cost_usd), COUNT(*) - COUNT(cost_usd) FROM spend WHERE run_id = ?",
                (self.run_id,),
            ).fetchone()
        return float(row[0]), int(row[1]), int(row[2])

    def start(self) -> None:
        """Admit a call, or raise if it (with the calls already in flight here) would pass the budget."""
        spent, priced, _ = self._totals()
        expected = spent / priced if priced else 0.0
        if spent + (self.in_flight + 1) * expected > self.limit_usd:
            raise BudgetExceeded(
                f"cost budget ${self.limit_usd:,.4f} reached: ${spent:,.4f} spent, "
                f"{self.in_flight} call(s) in flight, next call expected ~${expected:,.4f}"
            )
        self.in_flight += 1

    def finish(self, cost_usd: float | None, completed: bool = True) -> None:
        """Record a completed call (`cost_usd` None when its price is unknown); a failed call costs nothing."""
        self.in_flight -= 1
        if not completed:
            return
        with self._lock:
            self._db.execute("INSERT INTO spend VALUES (?, ?)", (self.run_id, cost_usd))

    def spent(self) -> tuple[float, int]:
        """Dollars spent, and how many calls had no known price."""
        spent, _, unpriced = self._totals()
        return spent, unpriced

    def close(self) -> None:
        with self._lock:
            self._db.close()
