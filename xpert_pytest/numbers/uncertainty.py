"""Bootstrap confidence intervals over tasks, with a fixed seed so every report is reproducible.

Tasks are the unit of resampling: a benchmark is a sample of tasks, and checkpoints of one
task are not independent. Ratio statistics (a dimension's met weight over its total weight)
resample whole tasks and recompute the ratio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from xpert_pytest.numbers.results import MIN_INTERVAL_TASKS, Interval

DEFAULT_RESAMPLES = 2000
DEFAULT_SEED = 20260402
LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float
    n: int

    def interval(self) -> Interval:
        if self.n < MIN_INTERVAL_TASKS:
            return Interval(value=self.value, low=None, high=None, n=self.n, meaningful=False)
        return Interval(value=self.value, low=self.low, high=self.high, n=self.n)


def as_interval(estimate: Estimate | None) -> Interval | None:
    return None if estimate is None else estimate.interval()


def prepare_intervals() -> None:
    """Import numpy now, ahead of the first interval (it is imported where it is used, so that
    importing this module stays cheap)."""
    import numpy  # noqa: F401


def _interval(samples: Any) -> tuple[float, float]:
    import numpy as np

    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(np.asarray(samples, dtype=float), [tail, 100 - tail])
    return float(low), float(high)


@lru_cache(maxsize=4)
def draw_counts(n: int, resamples: int, seed: int) -> Any:
    """How often each of n items is drawn in each resample, as a (resamples × n) matrix.

    A statistic over the resamples is then one matrix product instead of a gather of resamples × n
    values, and every statistic over the same tasks (a run's intervals, calibration's agreement)
    shares one draw. A full run's matrix is 21 MB at the default 2,000 resamples, hence the small
    cache.
    """
    import numpy as np

    picks = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    picks += np.arange(resamples)[:, None] * n
    counts = np.bincount(picks.ravel(), minlength=resamples * n).reshape(resamples, n).astype(float)
    counts.flags.writeable = False
    return counts


def mean_ci(values: Sequence[float], resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED) -> Estimate | None:
    if not values:
        return None
    import numpy as np

    data = np.asarray(values, dtype=float)
    if len(data) == 1:
        return Estimate(float(data[0]), float(data[0]), float(data[0]), 1)
    means = draw_counts(len(data), resamples, seed) @ data / len(data)
    low, high = _interval(means)
    return Estimate(float(data.mean()), low, high, len(data))


def ratio_ci(
    numerators: Sequence[float], denominators: Sequence[float], resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> Estimate | None:
    """Σ numerators / Σ denominators, resampling the (numerator, denominator) pairs together."""
    if not denominators or sum(denominators) <= 0:
        return None
    import numpy as np

    num = np.asarray(numerators, dtype=float)
    den = np.asarray(denominators, dtype=float)
    value = float(num.sum() / den.sum())
    if len(num) == 1:
        return Estimate(value, value, value, 1)
    counts = draw_counts(len(num), resamples, seed)
    totals = counts @ den
    ratios = np.divide(counts @ num, totals, out=np.full(resamples, value), where=totals > 0)
    low, high = _interval(ratios)
    return Estimate(value, low, high, len(num))


def paired_diff_ci(
    a: Sequence[float], b: Sequence[float], resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> Estimate | None:
    """Mean of a − b over the same tasks, resampling tasks (pairs) together."""
    if len(a) != len(b):
        raise ValueError("paired samples must have the same length")
    return mean_ci([x - y for x, y in zip(a, b, strict=True)], resamples, seed)
