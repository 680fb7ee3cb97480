"""PRBench (Scale AI, professional reasoning in finance and law), read from JSON Lines as its harness reads them.

One line per task: `task` (its id), `field` (`Finance`, `Legal`), the conversation so far as
`prompt_0` … `prompt_9` (user turns) and `response_0` … `response_9` (earlier assistant turns),
`reference_texts_<n>` (documents given with turn n, a list of strings or null) and `rubric`,
items `{id, title, annotations}` whose annotations hold `weight_class` (`critically important`,
`important`, `slightly important`, and detrimental classes with negative weights), the weight of
each class as `<weight_class>_weight` (spaces as underscores), `criteria_category` and more.

As the released harness (scaleapi/PRBench) does, the turns are taken in order, prompt before
response, skipping absent or blank ones; each turn's reference texts are prepended to its prompt
as numbered "Reference Text i:" blocks; an item's weight is the one its own class names; its
title is what the judge checks. Each task becomes one XpertBench task: the field its domain,
the conversation what the model under test continues (as messages), each rubric item checkpoint
`cNN` in file order with its signed weight and its criteria category as dimension, the
published item id and weight class kept as tags. Scoring is the `prbench` rule (`data.rules`):
the clipped score per task, the normalized score beside it.

Assumptions (not confirmed offline): a task's category is its `topic` when the record has one
and `uncategorized` otherwise (the harness groups by field only); an item without a criteria
category gets dimension `uncategorized`; weights are whole numbers in -10..10 (the published
classes use 2..10 and -8..-6). The Hub release is Parquet, which this importer does not read:
export it to JSON Lines (one record a line, as the harness's `data/*.jsonl`) first.
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
from xpert_pytest.data.taxonomy import SLUG, Domain, Taxonomy, title_from_slug
from xpert_pytest.data.formats.reading import dataset_name, files, read_records, tasks_of

NAME = "prbench"
LICENCE = "CC BY 4.0 (Scale AI; the ScaleAI/PRBench dataset card)"
TURNS = 10
MAX_WEIGHT = 10
TITLE_LENGTH = 80
UNCATEGORIZED = "uncategorized"
TURN_KEY = re.compile(r"^(prompt|response|reference_texts)_(\d+)$")


def slug(name: str) -> str:
    """`Finance` → `finance`, `Risk & Compliance` → `risk_compliance`: names as taxonomy slugs."""
    return "_".join(re.findall(r"[a-z0-9]+", name.lower()))


class Published(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Annotations(BaseModel):
    """The class and its weight are read; the other annotations are kept as the release has them."""

    model_config = ConfigDict(extra="allow")

    weight_class: str = Field(min_length=1)
    criteria_category: str | None = None

    @property
    def weight_key(self) -> str:
        return self.weight_class.replace(" ", "_") + "_weight"

    @model_validator(mode="after")
    def _class_weight(self) -> Annotations:
        value = (self.model_extra or {}).get(self.weight_key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"weight_class {self.weight_class!r} needs a number in {self.weight_key}, found {value!r}")
        if value != int(value) or value == 0 or abs(value) > MAX_WEIGHT:
            raise ValueError(f"{self.weight_key} {value:g} is not a non-zero whole number in -{MAX_WEIGHT}..{MAX_WEIGHT}")
        return self

    @property
    def weight(self) -> int:
        return int((self.model_extra or {})[self.weight_key])


class Criterion(Published):
    id: str | int
    title: str = Field(min_length=1)
    annotations: Annotations

    @property
    def dimension(self) -> str:
        return slug(self.annotations.criteria_category or "") or UNCATEGORIZED


class Record(BaseModel):
    """`prompt_<n>`, `response_<n>` and `reference_texts_<n>` are checked by name, n in 0..9."""

    model_config = ConfigDict(extra="allow")

    task: str | int
    field: str = Field(min_length=1)
    topic: str | None = None
    rubric: list[Criterion] = Field(min_length=1)

    @field_validator("task")
    @classmethod
    def _task_id(cls, value: str | int) -> str:
        text = str(value)
        if not re.match(SLUG, text):
            raise ValueError(f"{text!r} is not usable as a task id (lower-case letters, digits, - and _)")
        return text

    @field_validator("field")
    @classmethod
    def _field_name(cls, value: str) -> str:
        if not slug(value):
            raise ValueError(f"{value!r} names no field")
        return value

    @model_validator(mode="after")
    def _turns(self) -> Record:
        for key, value in (self.model_extra or {}).items():
            match = TURN_KEY.match(key)
            if match is None:
                continue
            kind, number = match.group(1), int(match.group(2))
            if number >= TURNS:
                raise ValueError(f"field {key}: the harness reads turns 0..{TURNS - 1} only")
            if kind == "reference_texts":
                if value is not None and (not isinstance(value, list) or not all(isinstance(t, str) for t in value)):
                    raise ValueError(f"field {key}: expected a list of strings or null, found {type(value).__name__}")
                if value and not self._text(f"prompt_{number}"):
                    raise ValueError(f"field {key}: reference texts for turn {number}, which has no prompt_{number}")
            elif value is not None and not isinstance(value, str):
                raise ValueError(f"field {key}: expected a string or null, found {type(value).__name__}")
        if not self.conversation():
            raise ValueError("field prompt_0: no prompt in prompt_0..prompt_9, so nothing for the model to answer")
        last = self.conversation()[-1]
        if last["role"] != "user":
            raise ValueError("the last turn is a response; the model under test answers a prompt")
        if not any(c.annotations.weight > 0 for c in self.rubric):
            raise ValueError("field rubric: no item has a positive weight, so no score can be computed")
        return self

    def _text(self, key: str) -> str | None:
        value = (self.model_extra or {}).get(key)
        return value if isinstance(value, str) and value.strip() else None

    def prompt(self, number: int) -> str | None:
        """Turn `number`'s prompt with its reference texts in front, as the harness builds it."""
        text = self._text(f"prompt_{number}")
        if text is None:
            return None
        texts = (self.model_extra or {}).get(f"reference_texts_{number}") or []
        return "".join(f"Reference Text {i}:\n{body}\n\n" for i, body in enumerate(texts)) + text

    def conversation(self) -> list[dict[str, str]]:
        turns: list[dict[str, str]] = []
        for number in range(TURNS):
            prompt, response = self.prompt(number), self._text(f"response_{number}")
            if prompt is not None:
                turns.append({"role": "user", "content": prompt})
            if response is not None:
                turns.append({"role": "assistant", "content": response})
        return turns

    @property
    def domain(self) -> str:
        return slug(self.field)

    @property
    def category(self) -> str:
        return slug(self.topic or "") or UNCATEGORIZED


def importance(weight_class: str, weight: int) -> str:
    """Our importance class from the published one (detrimental classes by the size of the penalty)."""
    named = weight_class.replace("_", " ").strip().lower()
    if named == "critically important":
        return "essential"
    if named == "important":
        return "important"
    if named == "slightly important":
        return "optional"
    return "essential" if abs(weight) >= 8 else "important" if abs(weight) >= 4 else "optional"


def title(record: Record) -> str:
    first = record._text("prompt_0") or record.conversation()[0]["content"]
    line = " ".join(first.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def to_task(record: Record, source: str) -> dict[str, Any]:
    return {
        "id": str(record.task),
        "domain": record.domain,
        "category": record.category,
        "title": title(record) or str(record.task),
        "conversation": record.conversation(),
        "reference_answer": None,
        "language": "en",
        "rubric": [
            {
                "id": f"c{n:02d}",
                "text": item.title,
                "importance": importance(item.annotations.weight_class, item.annotations.weight),
                "weight": item.annotations.weight,
                "dimension": item.dimension,
                "tags": [f"prbench_id:{item.id}", f"weight_class:{item.annotations.weight_class}"],
            }
            for n, item in enumerate(record.rubric, start=1)
        ],
        "provenance": {
            "author": "PRBench (Scale AI, with finance and legal professionals)",
            "expert_reviewed": False,
            "license": "as published by Scale AI (see the ScaleAI/PRBench dataset card)",
            "imported_from": f"{NAME}:{source}",
            "notes": "expert-written rubric as published; not reviewed for XpertBench",
        },
        "scoring": NAME,
    }


def taxonomy_of(records: list[Record]) -> Taxonomy:
    """Fields with the topics found in them, and the criteria categories."""
    categories: dict[str, set[str]] = {}
    titles: dict[str, str] = {}
    for record in records:
        categories.setdefault(record.domain, set()).add(record.category)
        titles.setdefault(record.domain, record.field)
    return Taxonomy(
        domains={
            field: Domain(
                title=titles[field],
                categories={c: title_from_slug(c) for c in sorted(found)},
                expert=f"{titles[field].lower()} professional",
            )
            for field, found in sorted(categories.items())
        },
        dimensions=sorted({item.dimension for record in records for item in record.rubric}),
    )


def load(location: str, exemplar_dir: str | None = None) -> Benchmark:
    if exemplar_dir is not None:
        raise DataError([f"{exemplar_dir}: --xpert-exemplars is not supported for {NAME} sets (no graded anchors are published)"])
    paths = files(location)
    problems: list[str] = []
    records = read_records(paths, Record, "task", problems, "PRBench tasks")
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
        where={str(record.task): where for where, record in records},
        exemplars_source="none",
        format=NAME,
        scoring=NAME,
    )
