from __future__ import annotations

import numpy as np
import pytest

from xpert_pytest.numbers.uncertainty import DEFAULT_SEED, LEVEL, mean_ci, paired_diff_ci, ratio_ci

VALUES = [0.1, 0.9, 0.4, 0.7, 0.55, 0.3, 0.8]


def _percentiles(samples: np.ndarray) -> tuple[float, float]:
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail])
    return float(low), float(high)


def _picks(n: int, resamples: int) -> np.ndarray:
    """The draws the intervals are defined by: resamples × n task indices from the fixed seed."""
    return np.random.default_rng(DEFAULT_SEED).integers(0, n, size=(resamples, n))


def test_mean_interval_is_the_percentile_bootstrap_of_the_seeded_draws() -> None:
    data = np.asarray(VALUES)
    expected = _percentiles(data[_picks(len(data), 500)].mean(axis=1))
    estimate = mean_ci(VALUES, resamples=500)
    assert estimate is not None
    assert estimate.value == pytest.approx(data.mean())
    assert (estimate.low, estimate.high) == pytest.approx(expected)
    assert estimate.n == len(VALUES)


def test_ratio_interval_resamples_numerator_and_denominator_together() -> None:
    num = np.asarray([1.0, 0.0, 3.0, 2.0, 5.0])
    den = np.asarray([2.0, 0.0, 4.0, 2.0, 6.0])  # the second task has no weight here
    picks = _picks(len(num), 400)
    totals = den[picks].sum(axis=1)
    assert (totals == 0).any()  # some resamples draw only the weightless task: they count as the estimate
    ratios = np.divide(num[picks].sum(axis=1), totals, out=np.full(400, 11 / 14), where=totals > 0)
    expected = _percentiles(ratios)
    estimate = ratio_ci(list(num), list(den), resamples=400)
    assert estimate is not None
    assert estimate.value == pytest.approx(11 / 14)
    assert (estimate.low, estimate.high) == pytest.approx(expected)


def test_degenerate_samples() -> None:
    assert mean_ci([]) is None
    single = mean_ci([0.4])
    assert single is not None and (single.value, single.low, single.high, single.n) == (0.4, 0.4, 0.4, 1)
    constant = mean_ci([0.5] * 20, resamples=100)
    assert constant is not None and (constant.low, constant.high) == pytest.approx((0.5, 0.5))
    assert ratio_ci([0.0, 0.0], [0.0, 0.0]) is None


def test_paired_difference_resamples_pairs() -> None:
    a, b = VALUES, [v - 0.1 for v in VALUES]
    diff = paired_diff_ci(a, b, resamples=300)
    assert diff is not None and (diff.value, diff.low, diff.high) == pytest.approx((0.1, 0.1, 0.1))
    with pytest.raises(ValueError, match="same length"):
        paired_diff_ci([0.1], [0.1, 0.2])
