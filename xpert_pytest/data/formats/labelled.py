"""What a reader of human-labelled grades hands `xpert calibrate --labels`: tasks to grade and labels."""

from __future__ import annotations

from dataclasses import dataclass, field

from xpert_pytest.data.dataset import Benchmark


@dataclass(frozen=True)
class Labelled:
    """One labelled criterion: the checkpoint it became, the unit the bootstrap resamples
    (`prompt_id`), the category it is reported under, its labels by rater, and any further
    groupings a format reports (`facets`, e.g. ProfBench's criterion types and responding model)."""

    task_id: str
    checkpoint_id: str
    prompt_id: str
    category: str
    labels: dict[str, bool]
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class MetaSet:
    """The tasks the judge grades (`bench`, whose `format` names the published metric), the
    answer each task grades, and the labels of each of their checkpoints."""

    bench: Benchmark
    lines: list[Labelled]
    answers: dict[str, str]
