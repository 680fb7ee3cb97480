"""Run settings: read from command-line options or ini keys, validated once.

Kept free of pytest so the rules (self-judging refused, gate ranges, provider arguments) can
be tested as plain functions.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xpert_pytest.calls.gateway import DEFAULT_CALL_DEADLINE, OutputFormat
from xpert_pytest.calls.pricing import Price
from xpert_pytest.data.locate import default_dataset
from xpert_pytest.data.shards import ShardSpec, parse_shard
from xpert_pytest.grading.replay import ANCHOR_MODEL, EXPERT_JUDGE
from xpert_pytest.data.taxonomy import Taxonomy
from xpert_pytest.numbers.uncertainty import DEFAULT_RESAMPLES

DEFAULT_PASS_SCORE = 0.5
DEFAULT_CONCURRENCY = 16
MIN_RESAMPLES = 100
MAX_CONCURRENCY = 4096
MAX_RESAMPLES = 100_000  # 2,000 is plenty; beyond this the intervals' memory, not their precision, grows
MAX_EPOCHS = 100
MAX_RETRIES = 20
SLUG_LENGTH = 60
DEFAULT_BATCH_SIZE = 10_000
MAX_BATCH_SIZE = 50_000  # OpenAI's limit of requests per batch
DEFAULT_BATCH_POLL = 30.0
BATCH_ONLY = ("batch_size", "batch_poll", "batch_run", "batch_price")  # options that mean nothing without batch mode


class SettingsError(ValueError):
    pass


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str
    judges: list[str] = Field(min_length=1)
    dataset: str
    exemplars: str | None = None
    pass_score: float = Field(DEFAULT_PASS_SCORE, ge=0, le=1)
    fail_under: float | None = Field(None, ge=0, le=1)
    fail_under_domain: dict[str, float] = Field(default_factory=dict)
    report_dir: Path = Path("reports")
    model_args: dict[str, Any] = Field(default_factory=dict)
    judge_args: dict[str, Any] = Field(default_factory=dict)
    shots: int = Field(0, ge=0, le=50)
    concurrency: int = Field(DEFAULT_CONCURRENCY, ge=1, le=MAX_CONCURRENCY)
    cache: Path | None = None
    allow_self_judge: bool = False
    resamples: int = Field(DEFAULT_RESAMPLES, ge=MIN_RESAMPLES, le=MAX_RESAMPLES)
    report: bool = True
    max_cost: float | None = Field(None, gt=0)
    prices: dict[str, Price] = Field(default_factory=dict)
    responses: Path | None = None
    run_id: str = ""
    baseline: Path | None = None
    max_drop: float = Field(0.02, ge=0, le=1)
    epochs: int = Field(1, ge=1, le=MAX_EPOCHS)
    model_revision: str | None = Field(None, min_length=1)
    judge_format: OutputFormat = "auto"
    judge_template: str | None = None
    call_deadline: float = Field(DEFAULT_CALL_DEADLINE, gt=0, le=86_400)
    run_deadline: float | None = Field(None, gt=0)
    allow_baseline_mismatch: bool = False
    shard: ShardSpec | None = None
    batch: bool = False
    batch_wait: bool = False
    batch_size: int = Field(DEFAULT_BATCH_SIZE, ge=1, le=MAX_BATCH_SIZE)
    batch_poll: float = Field(DEFAULT_BATCH_POLL, gt=0, le=3600)
    batch_run: Path | None = None
    batch_prices: dict[str, Price] = Field(default_factory=dict)
    started: float = 0.0  # time.time() when the run began, shared with xdist workers
    batch_folder: Path | None = None  # an xdist worker's batch run folder, chosen by the controller

    @property
    def judge(self) -> str:
        return " + ".join(self.judges)

    @property
    def replay(self) -> bool:
        return self.model == ANCHOR_MODEL and self.judges == [EXPERT_JUDGE]

    @model_validator(mode="after")
    def _checks(self) -> Settings:
        for domain, threshold in self.fail_under_domain.items():
            if not 0 <= threshold <= 1:
                raise ValueError(f"--xpert-fail-under-domain {domain}: threshold {threshold} is not in 0..1")
        for judge in self.judges:
            if same_model(self.model, judge) and not self.allow_self_judge:
                raise ValueError(
                    f"the judge {judge!r} is the model under test {self.model!r}: a model must not grade "
                    "itself. Choose another --xpert-judge, or pass --xpert-allow-self-judge to do it anyway."
                )
        if EXPERT_JUDGE in self.judges and len(self.judges) > 1:
            raise ValueError(f"{EXPERT_JUDGE} replays stored verdicts and cannot be part of a judge ensemble")
        if any(not judge.strip() for judge in self.judges):
            raise ValueError("--xpert-judge: a judge model name is empty")
        for option, args in (("--xpert-model-arg", self.model_args), ("--xpert-judge-arg", self.judge_args)):
            check_provider_args(option, args)
        if self.judge_template is not None and EXPERT_JUDGE in self.judges:
            raise ValueError(f"--xpert-judge-template: {EXPERT_JUDGE} replays stored verdicts and takes no grader prompt")
        if self.batch:
            self._check_batch()
        return self

    def _check_batch(self) -> None:
        if self.replay:
            raise ValueError(f"--xpert-batch: {ANCHOR_MODEL} graded by {EXPERT_JUDGE} calls no provider; there is nothing to batch")
        if self.max_cost is not None:
            raise ValueError(
                "--xpert-max-cost cannot be kept in batch mode: a submitted batch is paid as the provider works "
                "through it, and no call can be held back; drop one of --xpert-max-cost and --xpert-batch"
            )

    @property
    def stop_at(self) -> float | None:
        return None if self.run_deadline is None else self.started + self.run_deadline


def check_domain_gates(gates: dict[str, float], taxonomy: Taxonomy, dataset: str) -> None:
    """The domains are the dataset's own (HealthBench: its themes), so they are known only once it has loaded."""
    for domain in gates:
        if domain not in taxonomy.domains:
            raise SettingsError(
                f"--xpert-fail-under-domain: unknown domain {domain!r}; the domains of {dataset} are "
                f"{', '.join(taxonomy.domains)}"
            )


def check_provider_args(option: str, args: dict[str, Any]) -> None:
    """The provider settings we act on ourselves, checked before any call instead of per task."""
    if "timeout" in args:
        timeout = args["timeout"]
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < math.inf:
            raise ValueError(f"{option} timeout={timeout!r}: expected a number of seconds above 0")
    if "max_retries" in args:
        retries = args["max_retries"]
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= MAX_RETRIES:
            raise ValueError(f"{option} max_retries={retries!r}: expected a whole number 0..{MAX_RETRIES}")
    if args.get("stream") not in (None, False):
        raise ValueError(f"{option} stream={args['stream']!r}: answers are read whole; streaming is not supported")


def same_model(a: str, b: str) -> bool:
    """`openai/gpt-5` and `azure/gpt-5` are the same model behind two providers."""
    return a.rsplit("/", 1)[-1].lower() == b.rsplit("/", 1)[-1].lower()


# Model-name prefixes of provider families whose judges may favour their own family's answers.
FAMILIES = {
    "openai": ("gpt", "o1", "o3", "o4", "chatgpt"),
    "anthropic": ("claude",),
    "google": ("gemini", "gemma", "palm"),
    "meta": ("llama",),
    "alibaba": ("qwen",),
    "deepseek": ("deepseek",),
    "mistral": ("mistral", "mixtral", "codestral"),
    "xai": ("grok",),
}


def family(model: str) -> str | None:
    name = model.rsplit("/", 1)[-1].lower()
    for provider, prefixes in FAMILIES.items():
        if name.startswith(prefixes):
            return provider
    return None


def self_preference(model: str, judges: list[str]) -> str | None:
    """A warning when a judge comes from the candidate's family (known judge bias), else None."""
    own = family(model)
    same = [j for j in judges if same_model(model, j) or (own is not None and family(j) == own)]
    if not same:
        return None
    return (
        f"judge {', '.join(same)} and the model under test {model} come from the same provider family; "
        "LLM judges can favour answers from their own family. Add a judge from another family."
    )


def parse_assignments(items: list[str], option: str) -> dict[str, Any]:
    """`KEY=VALUE` pairs; a VALUE that is JSON (number, true, object) is decoded, else kept as text."""
    parsed: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise SettingsError(f"{option}: expected KEY=VALUE, got {item!r}")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        parsed[key.strip()] = value
    return parsed


def parse_domain_gates(items: list[str]) -> dict[str, float]:
    names = [item.partition("=")[0].strip() for item in items]
    if repeated := sorted({n for n in names if names.count(n) > 1}):
        raise SettingsError(f"--xpert-fail-under-domain: {', '.join(repeated)} given more than once; give each domain one threshold")
    gates = {}
    for key, value in parse_assignments(items, "--xpert-fail-under-domain").items():
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise SettingsError(f"--xpert-fail-under-domain {key}: threshold {value!r} is not a number")
        gates[key] = float(value)
    return gates


def parse_prices(items: list[str], option: str = "--xpert-price") -> dict[str, Price]:
    """`MODEL=INPUT,OUTPUT[,CACHED_INPUT[,CACHE_WRITE]]` in USD per million tokens, for models
    litellm has no price for; input the provider's prompt cache read or wrote costs INPUT unless given."""
    prices = {}
    for item in items:
        model, sep, numbers = item.rpartition("=")
        parts = numbers.split(",")
        try:
            if not sep or not model or not 2 <= len(parts) <= 4:
                raise ValueError
            values = [float(part) for part in parts]
            if not all(math.isfinite(v) and v >= 0 for v in values):
                raise ValueError
            prices[model] = Price(*values)
        except ValueError:
            raise SettingsError(
                f"{option}: expected MODEL=INPUT_USD,OUTPUT_USD[,CACHED_INPUT_USD[,CACHE_WRITE_USD]] per million "
                f"tokens, two to four numbers of 0 or more, got {item!r}"
            ) from None
    return prices


def check_report_dir(folder: Path) -> None:
    """Found before the first paid call, not after the last: the results must have somewhere to go."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise SettingsError(f"--xpert-report-dir: {folder} cannot hold the results: {exc.strerror or exc}") from exc


def build_settings(get: Callable[[str], Any], rootdir: Path, invocation_dir: Path) -> Settings:
    """`get(name)` returns an option's value (command line first, then ini) or None.

    With no dataset named, the task set is found from where pytest was started (DESIGN §5).
    """
    model = get("model")
    judges = get("judge") or ([EXPERT_JUDGE] if model == ANCHOR_MODEL and not get("responses") else [])
    if not judges:
        raise SettingsError("--xpert-judge is required (a litellm model string) unless --xpert-model=xpert/anchor")
    dataset = get("dataset") or str(default_dataset(invocation_dir))
    try:
        shard = parse_shard(str(get("shard"))) if get("shard") else None
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    cache = None if get("no_cache") else Path(get("cache") or rootdir / ".xpert_cache" / "calls.sqlite")
    values = {
        "model": model,
        "judges": judges,
        "dataset": dataset,
        "exemplars": get("exemplars"),
        "pass_score": get("pass_score"),
        "fail_under": get("fail_under"),
        "fail_under_domain": parse_domain_gates(get("fail_under_domain") or []),
        "report_dir": get("report_dir"),
        "model_args": parse_assignments(get("model_arg") or [], "--xpert-model-arg"),
        "judge_args": parse_assignments(get("judge_arg") or [], "--xpert-judge-arg"),
        "shots": get("shots"),
        "concurrency": get("concurrency"),
        "cache": cache,
        "allow_self_judge": bool(get("allow_self_judge")),
        "resamples": get("bootstrap"),
        "report": not get("no_report"),
        "max_cost": get("max_cost"),
        "prices": parse_prices(get("price") or []),
        "responses": get("responses"),
        "baseline": get("baseline"),
        "max_drop": get("max_drop"),
        "epochs": get("epochs"),
        "model_revision": get("model_revision"),
        "judge_format": get("judge_format"),
        "judge_template": get("judge_template"),
        "call_deadline": get("call_deadline"),
        "run_deadline": get("run_deadline"),
        "allow_baseline_mismatch": bool(get("allow_baseline_mismatch")),
        "shard": shard,
        "batch": bool(get("batch") or get("batch_wait")),
        "batch_wait": bool(get("batch_wait")),
        "batch_size": get("batch_size"),
        "batch_poll": get("batch_poll"),
        "batch_run": get("batch_run"),
        "batch_prices": parse_prices(get("batch_price") or [], "--xpert-batch-price"),
    }
    if values["judge_template"] is not None:
        from xpert_pytest.grading.template_judge import TemplateError, load_template

        try:
            load_template(values["judge_template"])
        except TemplateError as exc:
            raise SettingsError(str(exc)) from None
    if not values["batch"] and (given := [name for name in BATCH_ONLY if get(name)]):
        options = ", ".join(f"--xpert-{name.replace('_', '-')}" for name in given)
        raise SettingsError(f"{options}: only for batch mode; add --xpert-batch (or --xpert-batch-wait)")
    try:
        return Settings.model_validate({k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None


OPTION_OF = {
    "resamples": "bootstrap", "judges": "judge", "model_args": "model-arg", "judge_args": "judge-arg", "prices": "price",
    "batch_prices": "batch-price",
}


def describe_errors(exc: ValidationError) -> str:
    """Each problem under the option that carries it, without pydantic's internals or the settings' repr."""
    lines = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["loc"]:
            field_name = str(error["loc"][0])
            option = OPTION_OF.get(field_name, field_name.replace("_", "-"))
            lines.append(f"--xpert-{option}={error.get('input')!r}: {message}" if error["type"] != "missing" else f"--xpert-{option}: {message}")
        else:
            lines.append(message)
    return "; ".join(lines)


def slug(name: str) -> str:
    """A run folder's name part for a model: readable, bounded, and never empty or ambiguous.

    Names that lose characters on the way (non-ASCII, over-long) carry a short hash of the
    full name, so two such models never share a folder name.
    """
    readable = re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-.").lower()
    if readable and len(readable) <= SLUG_LENGTH and re.fullmatch(r"[A-Za-z0-9./:_-]+", name):
        return readable
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{readable[: SLUG_LENGTH - 9].rstrip('-.')}-{digest}".lstrip("-")
