"""ResearchRubrics (Scale AI, deep-research reports), read from `processed_data.jsonl` exactly as released.

One line per task: `prompt` (the research request), `sample_id`, `domain` (`AI & ML`, …), the
three complexity labels `conceptual_breadth`, `logical_nesting` and `exploration`, and
`rubrics`, items `{criterion, weight, axis}` whose weights are floats (4.0, 0.5; a negative
weight marks something the report must not do) and whose axis names the kind of criterion
(`Explicit Criteria`, `Communication Quality`, …).

Each line becomes one task: its domain the domain, category `report`, the sample id the task id,
the prompt what the model under test answers. Each rubric item becomes checkpoint `cNN` in file
order: its criterion the text, its weight as published (a whole float read as an int, 0.5 kept),
its axis the dimension, the published axis name kept as a tag. The complexity labels are kept in
the provenance notes. Scoring is the `researchrubrics` rule (`data.rules`): three-level verdicts,
Σ credit × weight / Σ positive weights, unclipped.

Assumptions (not confirmed offline): weights lie in -10..10 and are not 0 (the release shows
4.0, 1.0 and 0.5); the released grader asks one question per criterion and grades in two levels
in its current code, while the paper grades in three: we grade in three, every criterion of a task
in one ShotJudge call. A path is one file or a folder of `*.jsonl`; an `ORG/NAME[/FILE]` that is
not a path is read from the Hugging Face Hub (`ScaleAI/researchrubrics/processed_data.jsonl`).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from xpert_pytest.data.dataset import (
    Benchmark,
    DataError,
    fingerprint,
)
from xpert_pytest.data.taxonomy import SLUG, Domain, Taxonomy
from xpert_pytest.data.formats.reading import dataset_name, files, read_records, tasks_of

NAME = "researchrubrics"
LICENCE = "MIT (Scale AI; the ScaleAI/researchrubrics dataset card)"
MAX_WEIGHT = 10
TITLE_LENGTH = 80
CATEGORY = "report"
EXPERT = "domain expert and research analyst"
COMPLEXITY = ("conceptual_breadth", "logical_nesting", "exploration")


def slug(name: str) -> str:
    """`AI & ML` → `ai_ml`, `Explicit Criteria` → `explicit_criteria`: names as taxonomy slugs."""
    return "_".join(re.findall(r"[a-z0-9]+", name.lower()))


class Published(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Criterion(Published):
    criterion: str = Field(min_length=1)
    weight: float = Field(allow_inf_nan=False)
    axis: str = Field(min_length=1)

    @field_validator("weight")
    @classmethod
    def _weight(cls, value: float) -> float:
        if value == 0 or abs(value) > MAX_WEIGHT:
            raise ValueError(f"{value:g} is not a non-zero weight in -{MAX_WEIGHT}..{MAX_WEIGHT}")
        return value

    @field_validator("axis")
    @classmethod
    def _axis(cls, value: str) -> str:
        if not slug(value):
            raise ValueError(f"{value!r} names no axis")
        return value

    @property
    def dimension(self) -> str:
        return slug(self.axis)

    @property
    def our_weight(self) -> int | float:
        return int(self.weight) if self.weight.is_integer() else self.weight


class Record(Published):
    prompt: str = Field(min_length=1)
    sample_id: str = Field(pattern=SLUG)
    domain: str = Field(min_length=1)
    conceptual_breadth: str | None = None
    logical_nesting: str | None = None
    exploration: str | None = None
    rubrics: list[Criterion] = Field(min_length=1)

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        if not slug(value):
            raise ValueError(f"{value!r} names no domain")
        return value

    @model_validator(mode="after")
    def _something_to_earn(self) -> Record:
        if not any(item.weight > 0 for item in self.rubrics):
            raise ValueError("field rubrics: no criterion has a positive weight, so no score can be computed")
        return self

    def complexity(self) -> str:
        return ", ".join(f"{name} {getattr(self, name)}" for name in COMPLEXITY if getattr(self, name) is not None)


def importance(weight: float) -> str:
    """Our importance class by the size of the weight (the published records have none)."""
    size = abs(weight)
    return "essential" if size >= 4 else "important" if size >= 2 else "optional"


def title(record: Record) -> str:
    line = " ".join(record.prompt.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def to_task(record: Record, source: str) -> dict[str, Any]:
    complexity = record.complexity()
    return {
        "id": record.sample_id,
        "domain": slug(record.domain),
        "category": CATEGORY,
        "title": title(record) or record.sample_id,
        "prompt": record.prompt,
        "reference_answer": None,
        "language": "en",
        "rubric": [
            {
                "id": f"c{n:02d}",
                "text": item.criterion,
                "importance": importance(item.weight),
                "weight": item.our_weight,
                "dimension": item.dimension,
                "tags": [f"axis:{item.axis}"],
            }
            for n, item in enumerate(record.rubrics, start=1)
        ],
        "provenance": {
            "author": "ResearchRubrics (Scale AI, with domain experts)",
            "expert_reviewed": False,
            "license": "as published by Scale AI (see the ScaleAI/researchrubrics dataset card)",
            "imported_from": f"{NAME}:{source}",
            "notes": "expert-written rubric as published; not reviewed for XpertBench"
            + (f"; complexity: {complexity}" if complexity else ""),
        },
        "scoring": NAME,
    }


def taxonomy_of(records: list[Record]) -> Taxonomy:
    titles: dict[str, str] = {}
    for record in records:
        titles.setdefault(slug(record.domain), record.domain)
    return Taxonomy(
        domains={d: Domain(title=t, categories={CATEGORY: "Research report"}, expert=EXPERT) for d, t in sorted(titles.items())},
        dimensions=sorted({item.dimension for record in records for item in record.rubrics}),
    )


def load(location: str, exemplar_dir: str | None = None) -> Benchmark:
    if exemplar_dir is not None:
        raise DataError([f"{exemplar_dir}: --xpert-exemplars is not supported for {NAME} sets (no graded anchors are published)"])
    paths = files(location)
    problems: list[str] = []
    records = read_records(paths, Record, "sample_id", problems, "ResearchRubrics tasks")
    taxonomy = taxonomy_of([record for _, record in records])
    tasks = tasks_of(records, to_task, taxonomy, problems)
    if problems:
        raise DataError(problems)
    return Benchmark(
        name=dataset_name(location),
        tasks=tasks,
        exemplars={},
        fingerprint=fingerprint(paths),
        taxonomy=taxonomy,
        where={record.sample_id: where for where, record in records},
        exemplars_source="none",
        format=NAME,
        scoring=NAME,
    )
