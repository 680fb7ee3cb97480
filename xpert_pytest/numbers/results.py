"""What a run produces: enough to rebuild any report without calling a model again."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, TypeAdapter, model_serializer

from xpert_pytest.data.rules import DEFAULT, Scoring
from xpert_pytest.data.locate import packaged_dataset
from xpert_pytest.data.taxonomy import Taxonomy, TaxonomyError, read_card

# 2: `stopped` (was `budget_stopped`), refusal and truncation flags, lost calls;
# 3: the dataset's taxonomy, format and scoring rule; prompt-cache tokens; shards, baseline; batch mode
RESULTS_SCHEMA = 3


class Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CallRecord(Result):
    """One model or judge call, or a hit in our answer cache standing in for one (`cached`).

    `cached_tokens` and `cache_write_tokens` are the part of `prompt_tokens` the provider read
    from, or wrote to, its own prompt cache (None: the provider did not say).
    """

    role: Literal["model", "judge"]
    model: str
    cached: bool = False
    replayed: bool = False
    latency_s: float = 0.0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cached_tokens: int | None = None
    cache_write_tokens: int | None = None
    cost_usd: float | None = None
    error: str | None = None
    batch: bool = False  # answered inside a provider batch, at its batch price
    online_cost_usd: float | None = None  # what the same call costs online (batch calls)


class CheckpointResult(Result):
    """`credit` (1, 0.5 or 0) only under a graded rule (`rules.graded`), where `met` means fully
    satisfied; it is left out of the file otherwise, so binary results read as they always have."""

    checkpoint_id: str
    text: str
    met: bool
    rationale: str
    weight: int | float
    importance: str
    dimension: str
    credit: float | None = None

    @model_serializer(mode="wrap")
    def _binary_has_no_credit(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if self.credit is None:
            data.pop("credit", None)
        return data

    @property
    def earned(self) -> float:
        """What multiplies the weight: the credit of a graded verdict, else met as a bool."""
        return self.met if self.credit is None else self.credit


class TaskResult(Result):
    task_id: str
    domain: str
    category: str
    title: str
    language: str
    status: Literal["scored", "error", "pending"]  # pending: a call of it waits in a provider batch
    score: float | None = None
    passed: bool | None = None
    prompt: str = ""
    response: str | None = None
    verdicts: list[CheckpointResult] = Field(default_factory=list)
    calls: list[CallRecord] = Field(default_factory=list)
    error: str | None = None
    judge_raw: list[str] = Field(default_factory=list)
    latency_s: float = 0.0
    stopped: bool = False  # a run limit (budget, deadline) kept it from being run or graded
    refusal: bool = False  # the answer is the provider's refusal text
    truncated: bool = False  # the answer was cut off at the output limit (finish_reason "length")
    repaired_chars: int = 0  # characters of the answer that were not valid text, replaced by U+FFFD
    epoch_scores: list[float] = Field(default_factory=list)
    judge_disagreements: int = 0

    def tokens(self, role: str) -> int:
        return sum((c.prompt_tokens or 0) + (c.completion_tokens or 0) for c in self.calls if c.role == role)

    def cost(self, role: str) -> float | None:
        costs = [c.cost_usd for c in self.calls if c.role == role and not c.cached]
        if any(c is None for c in costs):
            return None
        return sum(c for c in costs if c is not None)

    def flags(self) -> list[str]:
        """What a reader of this task's score must know about the answer behind it."""
        marks = []
        if self.refusal:
            marks.append("refusal (the model's refusal was graded)")
        if self.truncated:
            marks.append("truncated (the answer was cut off at the length limit)")
        if self.repaired_chars:
            marks.append(f"repaired ({self.repaired_chars} undecodable character(s) in the reply replaced)")
        return marks


class GateOutcome(Result):
    name: str
    threshold: float
    actual: float | None
    passed: bool
    message: str


class Aggregate(Result):
    """Scores of one group of tasks (the whole run, a domain or a category)."""

    tasks: int
    scored: int
    errors: int
    passed: int
    mean: float | None
    normalized: float | None = None  # the `prbench` rule's second published score, its mean over the scored tasks


class Summary(Result):
    overall: Aggregate
    by_domain: dict[str, Aggregate]
    by_category: dict[str, Aggregate]
    model_tokens: int
    judge_tokens: int
    model_cost_usd: float | None
    judge_cost_usd: float | None
    cached_calls: int
    calls: int
    answers: int = 0
    cached_answers: int = 0
    judge_disagreement_rate: float | None = None
    refusals: int = 0
    truncated: int = 0
    lost_calls: int = 0  # calls in flight when their process died: paid, in no task's record
    judge_input_tokens: int = 0  # input tokens of the judge calls this run made (answer-cache hits excluded)
    judge_cached_tokens: int = 0  # of those, read from the provider's prompt cache
    judge_cached_share: float | None = None  # their ratio; None when no call made reported its cached tokens
    batch_calls: int = 0  # answered inside provider batches (not from the cache)
    batch_cost_usd: float | None = None  # what those calls cost at batch prices
    batch_online_cost_usd: float | None = None  # what the same calls would have cost online


MIN_INTERVAL_TASKS = 5


class Interval(Result):
    """A point estimate with its bootstrap 95 % confidence interval over n tasks.

    Over fewer than `MIN_INTERVAL_TASKS` tasks a bootstrap interval only shows how few values
    there are to resample, so it is not given: `low` and `high` are null, `meaningful` false.
    """

    value: float
    low: float | None
    high: float | None
    n: int
    meaningful: bool = True


class Epochs(Result):
    """Between-epoch spread when each task was answered several times."""

    count: int
    means: list[float]
    sd_of_means: float
    mean_within_task_sd: float


class Statistics(Result):
    resamples: int
    seed: int
    overall: Interval | None
    by_domain: dict[str, Interval]
    by_category: dict[str, Interval]
    by_dimension: dict[str, Interval]
    by_skill_group: dict[str, Interval]
    skill_groups: dict[str, list[str]]
    epochs: Epochs | None = None


class BatchInfo(Result):
    """One provider batch of a batch run, as it stood when this invocation ended."""

    id: str | None
    model: str
    requests: int
    kinds: dict[str, int] = Field(default_factory=dict)
    status: str
    completed: int = 0
    failed: int = 0
    note: str | None = None


class BatchReport(Result):
    """What this invocation of a batch run did with the providers' batch APIs."""

    state_file: str
    submitted: list[BatchInfo] = Field(default_factory=list)  # by this invocation
    collected: list[BatchInfo] = Field(default_factory=list)  # finished batches read by this invocation
    live: list[BatchInfo] = Field(default_factory=list)  # still at the provider when it ended
    waiting_requests: int = 0  # requests of the selected tasks inside those
    deadline: bool = False  # the run deadline ended the wait
    error: str | None = None  # a files or batches call failed: the phase stopped there


class RunSettings(Result):
    model: str
    judge: str
    judges: list[str] = Field(default_factory=list)
    dataset: str
    pass_score: float
    fail_under: float | None
    fail_under_domain: dict[str, float]
    replay: bool
    shots: int
    concurrency: int
    max_cost_usd: float | None = None
    responses: str | None = None
    epochs: int = 1
    model_revision: str | None = None
    judge_format: str = "auto"
    judge_template: str | None = None  # `--xpert-judge-template` as PATH (sha256 DIGEST); None: ShotJudge's prompt
    baseline: str | None = None
    max_drop: float | None = None
    batch: bool = False


class Shard(Result):
    """A sharded run's share (`--xpert-shard K/N`): what `xpert merge` checks before it combines shards."""

    index: int
    count: int
    selection: str  # digest of the ids of every task the whole, unsharded selection holds
    selected: int  # how many tasks the whole selection holds
    tasks: list[str]  # ids of this shard's share of them


class RunResult(Result):
    schema_version: int = RESULTS_SCHEMA
    package_version: str
    started: dt.datetime
    finished: dt.datetime
    settings: RunSettings
    dataset_name: str
    dataset_fingerprint: str
    dataset_source: str = ""
    dataset_format: str = "xpertbench"
    taxonomy: Taxonomy | None = None  # the vocabulary the run was scored in; None in files before schema 3
    scoring: Scoring = DEFAULT
    exemplars_source: str = ""
    anchors: int = 0
    note: str | None = None
    self_preference: str | None = None
    incomplete: str | None = None
    shard: Shard | None = None
    merged_from: list[str] = Field(default_factory=list)  # the shard runs `xpert merge` combined, shard 1 first
    pending: str | None = None  # batch mode: tasks wait for provider batches; the next invocation collects them
    batch: BatchReport | None = None
    tasks: list[TaskResult]
    summary: Summary
    statistics: Statistics | None = None
    gates: list[GateOutcome]
    verdict: list[str]
    exit_status: int

    def vocabulary(self) -> Taxonomy:
        """The run's own taxonomy. A file written before runs recorded one ran our own task set, so it
        gets the packaged card's; names that one does not know are shown as they are."""
        if self.taxonomy is not None:
            return self.taxonomy
        try:
            return read_card(packaged_dataset() / "README.md")
        except TaxonomyError:
            return Taxonomy.model_construct(domains={}, dimensions=[], skill_groups={})


def write_results(run: RunResult, path: Path) -> Path:
    """Write atomically, so a crash mid-write never leaves a half file where a good one was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(TypeAdapter(RunResult).dump_json(run, indent=1))  # bytes: a full run is 18 MB of JSON
    tmp.replace(path)
    return path


class ResultsError(ValueError):
    pass


def read_results(path: Path) -> RunResult:
    """A results file of this or an earlier schema; a newer one is refused rather than misread."""
    data = json.loads(path.read_text(encoding="utf-8"))
    version = data.get("schema_version", 1) if isinstance(data, dict) else None
    if not isinstance(version, int) or version > RESULTS_SCHEMA:
        raise ResultsError(
            f"{path}: results schema {version!r} is newer than this xpertbench reads ({RESULTS_SCHEMA}); upgrade xpertbench"
        )
    if version == 1:
        for task in data.get("tasks", []):
            if isinstance(task, dict) and "budget_stopped" in task:
                task["stopped"] = task.pop("budget_stopped")
        data["schema_version"] = RESULTS_SCHEMA
    return RunResult.model_validate(data)
