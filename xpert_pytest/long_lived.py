"""Building what lives until the process exits, with the cyclic garbage collector out of the way.

Loading the benchmark and importing litellm each create a few hundred thousand objects that
stay alive until exit. While they are built, the collector finds no garbage among them, yet
walks them, and everything built before, again and again as they pile up: paused, the
benchmark loads in half the CPU time and litellm imports in two thirds. Frozen afterwards
(`gc.freeze`), they sit in the permanent generation, which no later collection walks, nor the
ones at interpreter exit (which took 1.4 s per xdist worker). The little garbage that building
leaves is frozen with them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def building_long_lived() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
