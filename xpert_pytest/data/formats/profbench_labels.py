"""ProfBench (NVIDIA, 2025) human fulfilment labels, read from JSON Lines records as released.

One line per task: `task_id`, `domain` (Physics PhD, Chemistry PhD, Finance MBA, Consulting
MBA), `prompt`, the three reference reports `o3_response`, `grok4_response`, `r1-0528_response`,
and `rubrics`: `{criterion_description, criterion_weight, criterion_type, o3_fulfilment,
grok4_fulfilment, r1-0528_fulfilment}`, each fulfilment an expert's yes/no for that report.

Each (task, report) becomes one task whose checkpoints are the criteria (`c01`… in file order),
graded against that report; every criterion gives one line with the expert's label, reported per
domain and per criterion type, with the responding model kept for the bias index. The bootstrap
resamples ProfBench tasks whole (their three reports together).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import Field, StrictBool, field_validator

from xpert_pytest.data.dataset import Benchmark, DataError, Located, fingerprint
from xpert_pytest.data.formats.healthbench import Published
from xpert_pytest.data.formats.labelled import Labelled, MetaSet
from xpert_pytest.data.schema import Task
from xpert_pytest.data.taxonomy import Domain, Taxonomy
from xpert_pytest.data.formats.reading import dataset_name, files, read_records

NAME = "profbench"
MODELS = ("o3", "grok4", "r1-0528")
WEIGHTS = {"Critical": 4, "Major": 3, "Minor": 2, "Additional": 1}
EXPERT = "expert"
RATER = "expert"


class Criterion(Published):
    criterion_description: str = Field(min_length=1)
    criterion_weight: str
    criterion_type: str | list[str]
    o3_fulfilment: StrictBool
    grok4_fulfilment: StrictBool
    r1_0528_fulfilment: StrictBool = Field(alias="r1-0528_fulfilment")

    @field_validator("criterion_weight")
    @classmethod
    def _known_weight(cls, value: str) -> str:
        if value not in WEIGHTS:
            raise ValueError(f"{value!r} is not one of {', '.join(WEIGHTS)}")
        return value

    @property
    def types(self) -> tuple[str, ...]:
        return (self.criterion_type,) if isinstance(self.criterion_type, str) else tuple(self.criterion_type)

    def fulfilled(self, model: str) -> bool:
        return bool(getattr(self, f"{model.replace('-', '_')}_fulfilment"))


class Record(Published):
    task_id: str = Field(min_length=1)
    domain: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    o3_response: str = Field(min_length=1)
    grok4_response: str = Field(min_length=1)
    r1_0528_response: str = Field(alias="r1-0528_response", min_length=1)
    rubrics: list[Criterion] = Field(min_length=1)

    def response(self, model: str) -> str:
        return str(getattr(self, f"{model.replace('-', '_')}_response"))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "other"


def _task(record: Record, model: str, source: str) -> dict[str, Any]:
    return {
        "id": f"{slug(record.task_id)}-{model}",
        "domain": slug(record.domain),
        "category": "report",
        "title": f"{record.task_id}: the {model} report",
        "prompt": record.prompt,
        "language": "en",
        "rubric": [
            {
                "id": f"c{n:02d}", "text": c.criterion_description, "importance": "important",
                "weight": WEIGHTS[c.criterion_weight], "dimension": slug(c.types[0]) if c.types else "other",
            }
            for n, c in enumerate(record.rubrics, start=1)
        ],
        "provenance": {
            "author": "ProfBench (NVIDIA, with domain experts)", "expert_reviewed": False, "license": "NVIDIA Evaluation Dataset License",
            "imported_from": f"{NAME}:{source}", "notes": "expert fulfilment labels as published",
        },
    }


def load(location: str) -> MetaSet:
    paths = files(location)
    problems: list[str] = []
    records = read_records(paths, Record, "task_id", problems, "ProfBench records")
    seen: dict[str, Located] = {}
    for where, record in records:
        if slug(record.task_id) in seen:
            problems.append(f"{where}: [{record.task_id}] field task_id: already used at {seen[slug(record.task_id)]}")
        seen.setdefault(slug(record.task_id), where)
    if problems:
        raise DataError(problems)
    taxonomy = Taxonomy(
        domains={slug(r.domain): Domain(title=r.domain, categories={"report": "Report"}, expert=EXPERT) for _, r in records},
        dimensions=sorted({slug(c.types[0]) if c.types else "other" for _, r in records for c in r.rubrics}),
    )
    tasks: list[Task] = []
    lines: list[Labelled] = []
    answers: dict[str, str] = {}
    for where, record in records:
        for model in MODELS:
            task = Task.model_validate(_task(record, model, Path(where.path).name), context={"taxonomy": taxonomy})
            tasks.append(task)
            answers[task.id] = record.response(model)
            lines.extend(
                Labelled(
                    task.id, checkpoint.id, record.task_id, record.domain, {RATER: criterion.fulfilled(model)},
                    {"criterion_type": criterion.types, "model": (model,)},
                )
                for checkpoint, criterion in zip(task.rubric, record.rubrics, strict=True)
            )
    bench = Benchmark(
        name=dataset_name(location), tasks=tasks, exemplars={},
        fingerprint=fingerprint(paths), taxonomy=taxonomy, format=NAME,
    )
    return MetaSet(bench=bench, lines=lines, answers=answers)
