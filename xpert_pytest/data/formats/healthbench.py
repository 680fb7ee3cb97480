"""HealthBench (OpenAI, MIT licence), read from its JSON Lines files exactly as released.

One line per example: `prompt` (the conversation so far, `{role, content}` messages),
`prompt_id`, `rubrics` (`{criterion, points, tags}`; negative points for undesirable
behaviour; tags `axis:*` and `level:example|cluster`, in the consensus file also `cluster:*`),
`example_tags` (`theme:*`, `physician_agreed_category:*`), `ideal_completions_data` (null, or
the physician-written `ideal_completion` with its group and reference completions) and, where
the release has one, a `canary` string, which is kept in the task's provenance.

Each example becomes one task: its theme is the domain, its physician-agreed category the
category (`uncategorized` when it has none), the prompt id the task id, the conversation what
the model under test continues, the ideal completion (if any) the reference answer shown to
the judge. Each rubric item becomes checkpoint `cNN` in file order, its points the signed
weight, its axis the dimension, its other tags kept. The taxonomy is the themes, categories
and axes the files use. Scoring follows the published evaluation (`data.rules`, `healthbench`).

A path may be one file, or a folder whose `*.jsonl` files are read together; anything else is
taken as a Hugging Face Hub dataset repository holding the released files (`ORG/NAME`, or
`ORG/NAME/FILE.jsonl` for one of them), downloaded as they are.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from xpert_pytest.data.dataset import (
    Benchmark,
    DataError,
    check_exemplars,
    fingerprint,
    read_jsonl,
    validate_rows,
)
from xpert_pytest.data.schema import Exemplar, Task
from xpert_pytest.data.taxonomy import SLUG, Domain, Taxonomy, title_from_slug
from xpert_pytest.data.formats.reading import dataset_name, files, read_records, tasks_of

NAME = "healthbench"
LICENCE = "MIT (OpenAI, simple-evals)"
THEME, CATEGORY, AXIS, LEVEL = "theme:", "physician_agreed_category:", "axis:", "level:"
LEVELS = ("example", "cluster")
UNCATEGORIZED = "uncategorized"
MAX_POINTS = 10
TITLE_LENGTH = 80
EXPERT = "physician"
_SLUG = re.compile(SLUG)


def _tagged(tags: list[str], prefix: str) -> list[str]:
    return [tag.removeprefix(prefix) for tag in tags if tag.startswith(prefix)]


class Published(BaseModel):
    """Fields the release may add beyond these are ignored; the ones we read must be as published."""

    model_config = ConfigDict(extra="ignore")


class Turn(Published):
    role: str = Field(pattern=r"^(system|developer|user|assistant)$")
    content: str


class RubricItem(Published):
    criterion: str = Field(min_length=1)
    points: float = Field(allow_inf_nan=False)
    tags: list[str]

    @field_validator("points")
    @classmethod
    def _whole_points(cls, value: float) -> float:
        if value != int(value) or value == 0 or abs(value) > MAX_POINTS:
            raise ValueError(f"{value:g} is not a non-zero whole number of points in -{MAX_POINTS}..{MAX_POINTS}")
        return value

    @field_validator("tags")
    @classmethod
    def _axis_and_level(cls, tags: list[str]) -> list[str]:
        axes = _tagged(tags, AXIS)
        if len(axes) != 1 or not _SLUG.match(axes[0]):
            raise ValueError(f"expected exactly one {AXIS}<name> tag, found {axes or 'none'}")
        levels = _tagged(tags, LEVEL)
        if len(levels) > 1 or any(level not in LEVELS for level in levels):
            raise ValueError(f"expected at most one {LEVEL}example or {LEVEL}cluster tag, found {levels}")
        return tags

    @property
    def axis(self) -> str:
        return _tagged(self.tags, AXIS)[0]


class IdealCompletions(Published):
    ideal_completion: str | None = None
    ideal_completions_group: str | None = None
    ideal_completions_ref_completions: list[str] | None = None


class Example(Published):
    prompt: list[Turn] = Field(min_length=1)
    prompt_id: str = Field(pattern=SLUG)
    rubrics: list[RubricItem] = Field(min_length=1)
    example_tags: list[str]
    ideal_completions_data: IdealCompletions | None = None
    canary: str | None = None

    @field_validator("prompt")
    @classmethod
    def _user_speaks_last(cls, turns: list[Turn]) -> list[Turn]:
        if turns[-1].role != "user":
            raise ValueError(f"the last message is the {turns[-1].role}'s; the model under test answers a user turn")
        return turns

    @field_validator("example_tags")
    @classmethod
    def _theme_and_category(cls, tags: list[str]) -> list[str]:
        themes, categories = _tagged(tags, THEME), _tagged(tags, CATEGORY)
        if len(themes) != 1 or not _SLUG.match(themes[0]):
            raise ValueError(f"expected exactly one {THEME}<name> tag, found {themes or 'none'}")
        if len(categories) > 1 or any(not _SLUG.match(c) for c in categories):
            raise ValueError(f"expected at most one {CATEGORY}<name> tag, found {categories}")
        return tags

    @model_validator(mode="after")
    def _something_to_earn(self) -> Example:
        if not any(item.points > 0 for item in self.rubrics):
            raise ValueError("field rubrics: no criterion has positive points, so no score can be computed")
        return self

    @property
    def theme(self) -> str:
        return _tagged(self.example_tags, THEME)[0]

    @property
    def category(self) -> str:
        return next(iter(_tagged(self.example_tags, CATEGORY)), UNCATEGORIZED)


def importance(points: float) -> str:
    """Our importance class by the size of the points (the published records have none)."""
    size = abs(points)
    return "essential" if size >= 8 else "important" if size >= 4 else "optional"


def title(example: Example) -> str:
    first = next((t.content for t in example.prompt if t.role == "user"), example.prompt[0].content)
    line = " ".join(first.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def to_task(example: Example, source: str) -> dict[str, Any]:
    """The task record for one published example (validated as a `Task` by the caller)."""
    ideal = example.ideal_completions_data.ideal_completion if example.ideal_completions_data else None
    return {
        "id": example.prompt_id,
        "domain": example.theme,
        "category": example.category,
        "title": title(example) or example.prompt_id,
        "conversation": [{"role": t.role, "content": t.content} for t in example.prompt],
        "reference_answer": ideal or None,
        "language": "und",  # the release does not say; conversations are in many languages
        "rubric": [
            {
                "id": f"c{n:02d}",
                "text": item.criterion,
                "importance": importance(item.points),
                "weight": int(item.points),
                "dimension": item.axis,
                "tags": [tag for tag in item.tags if not tag.startswith(AXIS)],
            }
            for n, item in enumerate(example.rubrics, start=1)
        ],
        "provenance": {
            "author": "HealthBench (OpenAI, with physicians)",
            "expert_reviewed": False,
            "license": "MIT",
            "canary": example.canary,
            "imported_from": f"{NAME}:{source}",
            "notes": "physician-written rubric as published; not reviewed for XpertBench",
        },
        "scoring": NAME,
    }


def taxonomy_of(examples: list[Example]) -> Taxonomy:
    """The vocabulary the files use: themes with their categories, and rubric axes."""
    categories: dict[str, set[str]] = {}
    for example in examples:
        categories.setdefault(example.theme, set()).add(example.category)
    return Taxonomy(
        domains={
            theme: Domain(title=title_from_slug(theme), categories={c: title_from_slug(c) for c in sorted(found)}, expert=EXPERT)
            for theme, found in sorted(categories.items())
        },
        dimensions=sorted({item.axis for example in examples for item in example.rubrics}),
    )


def load(location: str, exemplar_dir: str | None = None) -> Benchmark:
    """`exemplar_dir`: graded anchors in XpertBench's exemplar format (task_id = prompt_id,
    checkpoint ids c01…), for a ShotJudge anchored on human-labelled answers."""
    paths = files(location)
    problems: list[str] = []
    examples = read_records(paths, Example, "prompt_id", problems, "HealthBench examples")
    taxonomy = taxonomy_of([example for _, example in examples])
    tasks = tasks_of(examples, to_task, taxonomy, problems)
    exemplars, exemplar_files, source = _anchors(exemplar_dir, tasks, problems)
    if problems:
        raise DataError(problems)
    return Benchmark(
        name=dataset_name(location),
        tasks=tasks,
        exemplars=exemplars,
        fingerprint=fingerprint([*paths, *exemplar_files]),
        taxonomy=taxonomy,
        where={example.prompt_id: where for where, example in examples},
        exemplars_source=source,
        format=NAME,
        scoring=NAME,
    )


def _anchors(exemplar_dir: str | None, tasks: list[Task], problems: list[str]) -> tuple[dict[str, list[Exemplar]], list[Path], str]:
    if exemplar_dir is None:
        return {}, [], "none"
    folder = Path(exemplar_dir)
    if not folder.is_dir():
        raise DataError([f"{folder}: --xpert-exemplars is not a folder of graded anchors (*.jsonl)"])
    anchor_files = sorted(p for p in folder.glob("*.jsonl") if p.is_file())
    rows = [item for path in anchor_files for item in read_jsonl(path, problems)]
    if not rows and not problems:
        raise DataError([f"{folder}: --xpert-exemplars holds no graded anchors (no *.jsonl records)"])
    located = list(validate_rows(Exemplar, rows, "task_id", problems))
    return check_exemplars(located, {t.id: t for t in tasks}, problems), anchor_files, str(folder.resolve())

