"""Pydantic records for what XpertBench reads: tasks, checkpoints, exemplars, judge answers.

Every file the package reads is validated through these models; cross-record rules (unique
task ids, exemplar coverage) live in `dataset`, which knows the file names to report. Which
domains, categories and dimensions exist is the dataset's own taxonomy: the loaders validate
with `context={"taxonomy": ...}`, and a record validated without one is checked for its shape
only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationInfo, field_validator, model_validator

from xpert_pytest.data.rules import CREDITS, DEFAULT, Level, Scoring, task_score
from xpert_pytest.data.taxonomy import SLUG, Taxonomy

CANARY = "xpertbench:canary:b9261a7b-61d0-43b9-9037-85230b70364b"
TAXONOMY = "taxonomy"

Importance = Literal["essential", "important", "optional"]
Role = Literal["system", "developer", "user", "assistant"]


def vocabulary(info: ValidationInfo) -> Taxonomy | None:
    """The taxonomy the record is validated against, when the loader gave one."""
    context = info.context if isinstance(info.context, dict) else {}
    taxonomy = context.get(TAXONOMY)
    return taxonomy if isinstance(taxonomy, Taxonomy) else None


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Provenance(Record):
    """Who made a record and whether a credentialed expert has reviewed it yet.

    An imported record (`imported_from`) keeps what its source publishes: its canary string if it
    has one, and no creation date where the source gives none; our own records need both.
    """

    author: str = Field(min_length=1)
    expert_reviewed: bool
    reviewers: list[str] = Field(default_factory=list)
    license: str = Field(min_length=1)
    created: dt.date | None = None
    canary: str | None = None
    imported_from: str | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _review_is_named(self) -> Provenance:
        if self.imported_from is None:
            missing = [name for name in ("created", "canary") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"field provenance.{missing[0]}: required for a record that is not imported")
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
    `alternatives` are answers that experts also accept where they differ. A weight is a whole
    number, read as an int even when written 3.0; only an imported format may publish fractional
    weights (ResearchRubrics' 0.5), which `Task` checks.
    """

    id: str = Field(pattern=SLUG)
    text: str = Field(min_length=1)
    importance: Importance
    weight: int | float = Field(allow_inf_nan=False)
    dimension: str = Field(min_length=1)
    tolerance: str | None = Field(default=None, min_length=1)
    carried_forward_from: list[str] = Field(default_factory=list)
    alternatives: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)  # an imported format's own labels (HealthBench: level:*, cluster:*)

    @field_validator("weight")
    @classmethod
    def _whole_as_int(cls, value: int | float) -> int | float:
        return int(value) if isinstance(value, float) and value.is_integer() else value


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


class Message(Record):
    """One turn of a conversation that the model under test continues."""

    role: Role
    content: str


class Task(Record):
    """A task gives the model either a `prompt` (with its attachments) or a `conversation` to
    continue, never both; `scoring` names the format's rule (see `rules`)."""

    id: str = Field(pattern=SLUG)
    domain: str = Field(pattern=SLUG)
    category: str = Field(pattern=SLUG)
    subcategory: str | None = None
    title: str = Field(min_length=1)
    prompt: str = ""
    conversation: list[Message] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    reference_answer: str | None = None
    language: str = Field(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$")
    rubric: list[Checkpoint] = Field(min_length=1)
    provenance: Provenance
    kind: TaskKind = "deliverable"
    pilot: Pilot | None = None
    reference_check: ReferenceCheck | None = None
    scoring: Scoring = DEFAULT

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Task:
        taxonomy = vocabulary(info)
        if taxonomy is not None:
            self._in_vocabulary(taxonomy)
        if bool(self.prompt) == bool(self.conversation):
            raise ValueError("field prompt: a task has either a prompt or a conversation (exactly one of them)")
        if self.conversation and self.conversation[-1].role != "user":
            raise ValueError("field conversation: the last turn must be the user's, for the model to answer")
        imported = self.provenance.imported_from is not None
        if not imported and not (self.reference_answer or "").strip():
            raise ValueError("field reference_answer: required for a task that is not imported")
        if not imported and self.scoring != DEFAULT:
            raise ValueError(f"field scoring: {self.scoring!r} is only for imported tasks (provenance.imported_from)")
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
                        "a non-zero number in -10..10 for imported tasks"
                    )
            elif isinstance(checkpoint.weight, float):
                raise ValueError(f"field rubric.{checkpoint.id}.weight: {checkpoint.weight} must be a whole number")
            elif not 1 <= checkpoint.weight <= 10:
                raise ValueError(
                    f"field rubric.{checkpoint.id}.weight: {checkpoint.weight} must be in 1..10 "
                    "(negative weights only for tasks with provenance.imported_from)"
                )
        if not any(c.weight > 0 for c in self.rubric):
            raise ValueError("field rubric: no checkpoint has a positive weight")
        return self

    def score(self, met: Mapping[str, float]) -> float:
        """S = Σ met weights / Σ positive weights (DESIGN §3), clipped as the task's rule says.

        With positive weights only this is the paper's formula; negative weights (imported
        penalty criteria) subtract when met. The `xpertbench` rule clips S to [0, 1]; the
        `healthbench` rule leaves it unclipped and clips the means instead (`rules`). `met`
        maps every checkpoint id to its verdict: a bool, or under a graded rule the credit
        (`Verdict.earned`) that multiplies the weight.
        """
        missing = [c.id for c in self.rubric if c.id not in met]
        if missing:
            raise ValueError(f"[{self.id}] no verdict for checkpoint(s) {', '.join(missing)}")
        score = task_score(self.scoring, [(c.weight, met[c.id]) for c in self.rubric])
        assert score is not None  # the validator requires a positive weight
        return score

    def _in_vocabulary(self, taxonomy: Taxonomy) -> None:
        """Checked once per task rather than per field: a full run validates some 27,000 checkpoints."""
        if self.domain not in taxonomy.domains:
            raise ValueError(f"field domain: unknown domain {self.domain!r}; expected one of {', '.join(taxonomy.domains)}")
        categories = taxonomy.domains[self.domain].categories
        if self.category not in categories:
            raise ValueError(
                f"field category: {self.category!r} is not a category of domain {self.domain!r}; "
                f"expected one of {', '.join(categories)}"
            )
        unknown = [c for c in self.rubric if c.dimension not in taxonomy.dimensions]
        if unknown:
            raise ValueError(
                "; ".join(f"field rubric.{c.id}.dimension: unknown dimension {c.dimension!r}" for c in unknown)
                + f"; expected one of {', '.join(taxonomy.dimensions)}"
            )

    def checkpoint(self, checkpoint_id: str) -> Checkpoint:
        for checkpoint in self.rubric:
            if checkpoint.id == checkpoint_id:
                return checkpoint
        raise KeyError(checkpoint_id)


class Verdict(Record):
    """`credit` is set only under a graded rule (`rules.graded`): 1, 0.5 or 0, with `met` true
    for a fully satisfied checkpoint alone."""

    checkpoint_id: str = Field(min_length=1)
    met: bool
    rationale: str = ""
    credit: float | None = None

    @property
    def earned(self) -> float:
        """What multiplies the weight: the credit of a graded verdict, else met as a bool."""
        return self.met if self.credit is None else self.credit


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
            if verdict.credit is not None:
                raise ValueError(f"field verdicts: {verdict.checkpoint_id!r} has a credit; an anchor's verdicts are met or not")
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


class GradedJudgeVerdict(BaseModel):
    """A verdict in three levels, for a task whose rule is graded: `verdict` is exactly one of
    "satisfied", "partially" or "not" (no booleans, numbers or other words); `met` is not read."""

    model_config = ConfigDict(extra="ignore")

    checkpoint_id: str = Field(min_length=1)
    verdict: Level
    rationale: str = Field(min_length=1)

    def as_verdict(self) -> Verdict:
        credit = CREDITS[self.verdict]
        return Verdict(checkpoint_id=self.checkpoint_id, met=credit == 1.0, rationale=self.rationale, credit=credit)


class GradedJudgeAnswer(BaseModel):
    """The judge's answer contract for a graded task."""

    model_config = ConfigDict(extra="ignore")

    verdicts: list[GradedJudgeVerdict]
