"""Which format reads a dataset: `FORMAT:PATH_OR_HUB_ID`, or XpertBench's own without a prefix.

A path that exists as written is never split at a colon, so a folder whose name holds one
still loads as it is. An unknown format name is an error that lists the known ones.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xpert_pytest.data import locate
from xpert_pytest.data.dataset import NATIVE, Benchmark, DataError, load_benchmark
from xpert_pytest.data.formats import healthbench, prbench, profbench, researchrubrics
from xpert_pytest.long_lived import building_long_lived

PREFIX = re.compile(r"^([a-z][a-z0-9_-]*):(.+)$", re.DOTALL)


@dataclass(frozen=True)
class Format:
    name: str
    load: Callable[[str, str | None], Benchmark]  # (path or Hub id, exemplar folder or None)
    licence: str  # of the published data, for the README's table


FORMATS: dict[str, Format] = {
    NATIVE: Format(NATIVE, load_benchmark, "CC BY 4.0 (the task set shipped here)"),
    healthbench.NAME: Format(healthbench.NAME, healthbench.load, healthbench.LICENCE),
    prbench.NAME: Format(prbench.NAME, prbench.load, prbench.LICENCE),
    profbench.NAME: Format(profbench.NAME, profbench.load, profbench.LICENCE),
    researchrubrics.NAME: Format(researchrubrics.NAME, researchrubrics.load, researchrubrics.LICENCE),
}


def parse(spec: str) -> tuple[Format, str]:
    """The format a dataset option names, and the location after its prefix."""
    match = PREFIX.match(spec)
    if match is None or os.path.exists(spec):
        return FORMATS[NATIVE], spec
    name, location = match.groups()
    if name not in FORMATS:
        raise DataError([f"{spec}: unknown dataset format {name!r}; known formats: {', '.join(FORMATS)}"])
    return FORMATS[name], location


def load(spec: str, exemplar_dir: str | None = None) -> Benchmark:
    """The benchmark, loaded as a long-lived part of the process (see `long_lived`)."""
    chosen, location = parse(spec)
    with building_long_lived():
        return chosen.load(location, exemplar_dir)


def describe(spec: str | Path) -> str:
    """How results and the summary name a dataset: "packaged", a resolved folder or file, or a Hub id,
    with its format's prefix when it is not XpertBench's own."""
    try:
        chosen, location = parse(str(spec))
    except DataError:
        return str(spec)
    if chosen.name == NATIVE:
        return locate.describe(spec)
    path = Path(location)
    return f"{chosen.name}:{path.resolve() if path.exists() else location}"
