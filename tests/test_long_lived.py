"""Building long-lived objects with the cyclic garbage collector paused, then frozen."""

from __future__ import annotations

import gc

from xpert_pytest.long_lived import building_long_lived


def test_what_is_built_is_frozen_and_the_collector_runs_again() -> None:
    frozen = gc.get_freeze_count()
    with building_long_lived():
        assert not gc.isenabled()
        kept = [[n] for n in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(kept)


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with building_long_lived():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
