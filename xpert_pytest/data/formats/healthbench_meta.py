"""HealthBench's meta-evaluation file (physician-labelled grades), read exactly as released.

One line per (completion, rubric criterion): `prompt` (the conversation, `{role, content}`
messages), `completion` (the answer graded), `rubric` (the criterion's text), `category`
(`cluster:*`), `binary_labels` (one boolean per physician: is the criterion met) with
`anonymized_physician_ids` beside them, `prompt_id`, `completion_id`, and a `canary`.

Lines of one completion become one task whose checkpoints are its criteria (`c01`… in file
order, weight 1, the criterion's category as dimension), so the judge under test grades each
completion in one ShotJudge call as it grades any task. The lines of one completion must agree on
the prompt and the completion; a physician labels a line at most once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import Field, StrictBool, ValidationError, model_validator

from xpert_pytest.data.dataset import Benchmark, DataError, Located, fingerprint, format_validation_error
from xpert_pytest.data.formats.healthbench import Published, Turn
from xpert_pytest.data.formats.labelled import Labelled, MetaSet
from xpert_pytest.data.schema import Task
from xpert_pytest.data.taxonomy import Domain, Taxonomy
from xpert_pytest.data.formats.reading import dataset_name, files, read_records

NAME = "healthbench"
DOMAIN = "healthbench-meta"
CATEGORY = "meta-eval"
CLUSTER = "cluster:"
EXPERT = "physician"


class LabelledCriterion(Published):
    prompt: list[Turn] = Field(min_length=1)
    completion: str = Field(min_length=1)
    rubric: str = Field(min_length=1)
    category: str = Field(min_length=1)
    binary_labels: list[StrictBool] = Field(min_length=1)
    anonymized_physician_ids: list[str] = Field(min_length=1)
    prompt_id: str = Field(min_length=1)
    completion_id: str = Field(min_length=1)
    canary: str | None = None

    @model_validator(mode="after")
    def _one_label_per_physician(self) -> LabelledCriterion:
        if len(self.binary_labels) != len(self.anonymized_physician_ids):
            raise ValueError(
                f"field binary_labels: {len(self.binary_labels)} labels but "
                f"{len(self.anonymized_physician_ids)} anonymized_physician_ids; they must pair up"
            )
        if len(set(self.anonymized_physician_ids)) != len(self.anonymized_physician_ids):
            raise ValueError("field anonymized_physician_ids: a physician labels this line more than once")
        if self.prompt[-1].role != "user":
            raise ValueError(f"field prompt: the last message is the {self.prompt[-1].role}'s; the completion answers a user turn")
        return self

    @property
    def labels(self) -> dict[str, bool]:
        return dict(zip(self.anonymized_physician_ids, self.binary_labels, strict=True))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.removeprefix(CLUSTER).lower()).strip("-") or "uncategorized"


def _task(number: int, rows: list[tuple[Located, LabelledCriterion]], source: str) -> dict[str, Any]:
    first = rows[0][1]
    return {
        "id": f"m{number:05d}",
        "domain": DOMAIN,
        "category": CATEGORY,
        "title": f"completion {first.completion_id} of prompt {first.prompt_id}",
        "conversation": [{"role": t.role, "content": t.content} for t in first.prompt],
        "language": "und",
        "rubric": [
            {"id": f"c{n:02d}", "text": row.rubric, "importance": "important", "weight": 1, "dimension": slug(row.category)}
            for n, (_, row) in enumerate(rows, start=1)
        ],
        "provenance": {
            "author": "HealthBench meta-evaluation (OpenAI, with physicians)",
            "expert_reviewed": False,
            "license": "MIT",
            "canary": first.canary,
            "imported_from": f"{NAME}-meta:{source}",
            "notes": "physician-labelled grades as published",
        },
        "scoring": NAME,
    }


def _group(rows: list[tuple[Located, LabelledCriterion]], problems: list[str]) -> dict[str, list[tuple[Located, LabelledCriterion]]]:
    """Lines by completion, each checked against the completion's first line."""
    groups: dict[str, list[tuple[Located, LabelledCriterion]]] = {}
    for where, row in rows:
        group = groups.setdefault(row.completion_id, [])
        differs = next((n for n in ("prompt_id", "prompt", "completion") if group and getattr(row, n) != getattr(group[0][1], n)), None)
        if differs is None:
            group.append((where, row))
        else:
            problems.append(f"{where}: [{row.completion_id}] field {differs}: differs from the same completion's line at {group[0][0]}")
    return groups


def load(location: str) -> MetaSet:
    """The meta-evaluation lines of a file, a folder of `*.jsonl` files, or a Hub dataset file."""
    paths = files(location)
    problems: list[str] = []
    rows = read_records(paths, LabelledCriterion, "completion_id", problems, "HealthBench meta-evaluation lines")
    groups = _group(rows, problems)
    if problems:
        raise DataError(problems)
    dimensions = sorted({slug(row.category) for _, row in rows})
    taxonomy = Taxonomy(
        domains={DOMAIN: Domain(title="HealthBench meta-evaluation", categories={CATEGORY: "Physician-labelled grades"}, expert=EXPERT)},
        dimensions=dimensions,
    )
    tasks: list[Task] = []
    lines: list[Labelled] = []
    answers: dict[str, str] = {}
    for number, (_, group) in enumerate(groups.items(), start=1):
        where = group[0][0]
        try:
            task = Task.model_validate(_task(number, group, Path(where.path).name), context={"taxonomy": taxonomy})
        except ValidationError as exc:
            problems.extend(format_validation_error(where, group[0][1].completion_id, exc))
            continue
        tasks.append(task)
        answers[task.id] = group[0][1].completion
        lines.extend(
            Labelled(task.id, checkpoint.id, row.prompt_id, row.category, row.labels)
            for checkpoint, (_, row) in zip(task.rubric, group, strict=True)
        )
    if problems:
        raise DataError(problems)
    bench = Benchmark(
        name=dataset_name(location),
        tasks=tasks,
        exemplars={},
        fingerprint=fingerprint(paths),
        taxonomy=taxonomy,
        format=f"{NAME}-meta",
        scoring=NAME,
    )
    return MetaSet(bench=bench, lines=lines, answers=answers)

