"""Pydantic records for what XpertBench reads: tasks, checkpoints, exemplars, judge answers.

Every file the package reads is validated through these models; cross-record rules (unique
task ids, exemplar coverage) live in `dataset`, which knows the file names to report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

from xpert_pytest.data.taxonomy import DIMENSIONS, DOMAINS

SLUG = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
CANARY = "xpertbench:canary:b9261a7b-61d0-43b9-9037-85230b70364b"

Importance = Literal["essential", "important", "optional"]


def _one_of(allowed: Iterable[str], what: str) -> AfterValidator:
    names = tuple(allowed)

    def check(value: str) -> str:
        if value not in names:
            raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(names)}")
        return value

    return AfterValidator(check)


Dimension = Annotated[str, _one_of(DIMENSIONS, "dimension")]
Domain = Annotated[str, _one_of(DOMAINS, "domain")]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Provenance(Record):
    """Who made a record and whether a credentialed expert has reviewed it yet."""

    author: str = Field(min_length=1)
    expert_reviewed: bool
    reviewers: list[str] = Field(default_factory=list)
    license: str = Field(min_length=1)
    created: dt.date
    canary: str
    imported_from: str | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _review_is_named(self) -> Provenance:
        if self.expert_reviewed and not self.reviewers:
            raise ValueError("field provenance.reviewers: expert_reviewed is true but no reviewer is named")
        if not self.expert_reviewed and self.reviewers:
            raise ValueError("field provenance.expert_reviewed: reviewers are named but expert_reviewed is false")
        return self


class Checkpoint(Record):
    """One TRUE/FALSE requirement. The optional fields are shown to the judge beside the text.

    `tolerance` is the accepted range of a numeric target; `carried_forward_from` names the
    upstream checkpoints whose figures this one builds on, so the judge credits the correct
    method applied to the answer's own upstream figures and one slip costs one checkpoint;
    `alternatives` are answers that experts also accept where they differ.
    """

    id: str = Field(pattern=SLUG)
    text: str = Field(min_length=1)
    importance: Importance
    weight: int
    dimension: Dimension
    tolerance: str | None = Field(default=None, min_length=1)
    carried_forward_from: list[str] = Field(default_factory=list)
    alternatives: list[str] = Field(default_factory=list)


TaskKind = Literal["deliverable", "draft-review"]


class Pilot(Record):
    """The blind pilot that calibrated a task's difficulty: who answered, who graded, the score."""

    score: float = Field(ge=0, le=1)
    source: str = Field(min_length=1)
    graded_by: str = Field(min_length=1)
    date: dt.date
    rounds: int = Field(ge=1)


class ReferenceCheck(Record):
    """The grading pass that checked the reference answer against its own rubric."""

    graded_by: str = Field(min_length=1)
    date: dt.date
    met: int = Field(ge=0)
    total: int = Field(ge=1)


class Attachment(Record):
    name: str = Field(min_length=1)
    content: str = Field(min_length=1)


class Task(Record):
    id: str = Field(pattern=SLUG)
    domain: Domain
    category: str
    subcategory: str | None = None
    title: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    attachments: list[Attachment] = Field(default_factory=list)
    reference_answer: str = Field(min_length=1)
    language: str = Field(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$")
    rubric: list[Checkpoint] = Field(min_length=1)
    provenance: Provenance
    kind: TaskKind = "deliverable"
    pilot: Pilot | None = None
    reference_check: ReferenceCheck | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Task:
        categories = DOMAINS[self.domain][1]
        if self.category not in categories:
            raise ValueError(
                f"field category: {self.category!r} is not a category of domain {self.domain!r}; "
                f"expected one of {', '.join(categories)}"
            )
        seen: set[str] = set()
        for checkpoint in self.rubric:
            if checkpoint.id in seen:
                raise ValueError(f"field rubric.{checkpoint.id}.id: duplicate checkpoint id")
            unknown = [i for i in checkpoint.carried_forward_from if i not in seen or i == checkpoint.id]
            if unknown:
                raise ValueError(
                    f"field rubric.{checkpoint.id}.carried_forward_from: {', '.join(unknown)} "
                    "must name earlier checkpoints of this rubric"
                )
            seen.add(checkpoint.id)
        imported = self.provenance.imported_from is not None
        for checkpoint in self.rubric:
            if imported:
                if checkpoint.weight == 0 or not -10 <= checkpoint.weight <= 10:
                    raise ValueError(
                        f"field rubric.{checkpoint.id}.weight: {checkpoint.weight} must be "
                        "a non-zero integer in -10..10 for imported tasks"
                    )
            elif not 1 <= checkpoint.weight <= 10:
                raise ValueError(
                    f"field rubric.{checkpoint.id}.weight: {checkpoint.weight} must be in 1..10 "
                    "(negative weights only for tasks with provenance.imported_from)"
                )
        if not any(c.weight > 0 for c in self.rubric):
            raise ValueError("field rubric: no checkpoint has a positive weight")
        return self

    def score(self, met: Mapping[str, bool]) -> float:
        """S = Σ met weights / Σ positive weights, clipped to [0, 1] (DESIGN §3).

        With positive weights only this is the paper's formula; negative weights (imported
        penalty criteria) subtract when met. `met` maps every checkpoint id to its verdict.
        """
        missing = [c.id for c in self.rubric if c.id not in met]
        if missing:
            raise ValueError(f"[{self.id}] no verdict for checkpoint(s) {', '.join(missing)}")
        possible = sum(c.weight for c in self.rubric if c.weight > 0)
        earned = sum(c.weight for c in self.rubric if met[c.id])
        return min(1.0, max(0.0, earned / possible))

    def checkpoint(self, checkpoint_id: str) -> Checkpoint:
        for checkpoint in self.rubric:
            if checkpoint.id == checkpoint_id:
                return checkpoint
        raise KeyError(checkpoint_id)


class Verdict(Record):
    checkpoint_id: str = Field(min_length=1)
    met: bool
    rationale: str = ""


class Exemplar(Record):
    """A graded anchor answer: ShotJudge's in-context example, and `xpert/anchor`'s replay."""

    task_id: str = Field(pattern=SLUG)
    response: str = Field(min_length=1)
    source: str = Field(min_length=1)
    verdicts: list[Verdict] = Field(min_length=1)
    graded_by: str = Field(min_length=1)
    provenance: Provenance

    @model_validator(mode="after")
    def _one_verdict_each(self) -> Exemplar:
        seen: set[str] = set()
        for verdict in self.verdicts:
            if verdict.checkpoint_id in seen:
                raise ValueError(f"field verdicts: two verdicts for checkpoint {verdict.checkpoint_id!r}")
            seen.add(verdict.checkpoint_id)
        return self


class JudgeVerdict(BaseModel):
    """One verdict as a judge model sends it: extra keys are tolerated, missing ones are not.

    `met` is a JSON boolean, never "yes", 1 or "on"; a verdict without its reason is no verdict.
    """

    model_config = ConfigDict(extra="ignore")

    checkpoint_id: str = Field(min_length=1)
    met: StrictBool
    rationale: str = Field(min_length=1)


class JudgeAnswer(BaseModel):
    """The judge's answer contract (DESIGN §3)."""

    model_config = ConfigDict(extra="ignore")

    verdicts: list[JudgeVerdict]
