"""Which format reads a file of human-labelled grades: `xpert calibrate --labels FORMAT:PATH`.

Unlike a dataset, a labels file always names its format; an unknown one is an error that lists
the known ones.
"""

from __future__ import annotations

from collections.abc import Callable

from xpert_pytest.data.dataset import DataError
from xpert_pytest.data.formats import healthbench_meta, profbench_labels
from xpert_pytest.data.formats.labelled import MetaSet
from xpert_pytest.data.formats.registry import PREFIX

LABEL_FORMATS: dict[str, Callable[[str], MetaSet]] = {
    healthbench_meta.NAME: healthbench_meta.load,
    profbench_labels.NAME: profbench_labels.load,
}


def load(spec: str) -> MetaSet:
    match = PREFIX.match(spec)
    known = ", ".join(LABEL_FORMATS)
    if match is None:
        raise DataError([f"--labels {spec}: expected FORMAT:PATH; known label formats: {known}"])
    name, location = match.groups()
    if name not in LABEL_FORMATS:
        raise DataError([f"--labels {spec}: unknown label format {name!r}; known label formats: {known}"])
    return LABEL_FORMATS[name](location)
