"""A cost budget shared by every process of a run.

xdist workers spend from one budget, so the ledger is a small SQLite file that all of them
write to; before a call starts, a process checks that what the run has spent plus the average
cost of a call so far stays within the budget. Calls whose cost is unknown (no price for the
model) are counted and make the run say that the budget could not be enforced for them.
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

    def check(self) -> None:
        """Raise before a call that would take the run past its budget."""
        spent, priced, _ = self._totals()
        expected = spent / priced if priced else 0.0
        if spent + expected > self.limit_usd:
            raise BudgetExceeded(
                f"cost budget ${self.limit_usd:,.4f} reached: ${spent:,.4f} spent, next call expected ~${expected:,.4f}"
            )

    def record(self, cost_usd: float | None) -> None:
        with self._lock:
            self._db.execute("INSERT INTO spend VALUES (?, ?)", (self.run_id, cost_usd))

    def spent(self) -> tuple[float, int]:
        """Dollars spent, and how many calls had no known price."""
        spent, _, unpriced = self._totals()
        return spent, unpriced

    def close(self) -> None:
        with self._lock:
            self._db.close()
