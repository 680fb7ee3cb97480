"""ShotJudge: grade an answer checkpoint by checkpoint, anchored on expert-graded examples.

The judge must return one verdict per checkpoint. Replies that are not JSON, or that miss
checkpoints, are repaired by asking again for exactly what is missing; a judge that still
fails raises `JudgeError` carrying every raw reply, so the task becomes an error with its
evidence kept, never a silent zero. A task whose rule is graded (`rules.graded`) is asked for
three-level verdicts (`GradedJudgeVerdict`) under the same rules; every other task's prompt,
schema and parsing are the binary contract, unchanged.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from pydantic import ValidationError

from xpert_pytest.calls.cache import Completion
from xpert_pytest.data.dataset import Benchmark
from xpert_pytest.calls.gateway import ModelClient
from xpert_pytest.calls.prompt_cache import explicit_breakpoints
from xpert_pytest.grading.prompts import Shot, judge_messages, repair_message
from xpert_pytest.data.rules import graded
from xpert_pytest.data.schema import GradedJudgeAnswer, GradedJudgeVerdict, JudgeAnswer, JudgeVerdict, Task, Verdict

JudgeCall = tuple[str, Completion]  # (judge model, what it answered)


class JudgeError(Exception):
    def __init__(self, message: str, raw: list[str], calls: list[JudgeCall]) -> None:
        super().__init__(message)
        self.raw = raw
        self.calls = calls


@dataclass
class Grading:
    verdicts: dict[str, Verdict]
    raw: list[str] = field(default_factory=list)
    calls: list[JudgeCall] = field(default_factory=list)
    disagreements: int = 0


@dataclass
class Gathered:
    """Concurrent gradings sorted out: what succeeded, what failed (by position), and every raw
    reply and call of both, so a failure keeps the evidence of the calls that did answer."""

    gradings: list[Grading] = field(default_factory=list)
    failures: list[tuple[int, Exception]] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    calls: list[JudgeCall] = field(default_factory=list)


def gather_gradings(outcomes: list[Grading | BaseException]) -> Gathered:
    gathered = Gathered()
    for position, outcome in enumerate(outcomes):
        if isinstance(outcome, Grading):
            gathered.gradings.append(outcome)
        elif isinstance(outcome, Exception):
            gathered.failures.append((position, outcome))
        else:
            raise outcome  # cancellation and interpreter exits are not failures to report
        if isinstance(outcome, (Grading, JudgeError)):
            gathered.raw += outcome.raw
            gathered.calls += outcome.calls
    return gathered


class Judge(Protocol):
    name: str

    async def grade(self, task: Task, answer: str) -> Grading: ...


def json_objects(text: str) -> Iterator[tuple[str, Any]]:
    """Each top-level JSON object in `text`, in order, with its exact source text."""
    decoder = json.JSONDecoder()
    position = 0
    while (start := text.find("{", position)) != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except (json.JSONDecodeError, RecursionError):
            position = start + 1
            continue
        yield text[start:end], value
        position = end


def canonical_json(value: Any) -> str:
    """One spelling of a JSON value: an object copied from the answer is recognised however it is spaced."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _verdict_objects(text: str) -> list[tuple[str, Any]]:
    """The reply itself when it is one JSON object, else every object in it that carries verdicts."""
    try:
        whole = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        whole = None
    if isinstance(whole, dict):
        return [(text.strip(), whole)]
    return [(raw, value) for raw, value in json_objects(text) if isinstance(value, dict) and "verdicts" in value]


def own_verdicts(text: str, answer: str) -> tuple[Any | None, str | None]:
    """The judge's own, final verdict object, and what was wrong when there is none.

    A judge may quote the candidate (an answer that plants `{"verdicts": ...}` to grade itself)
    before grading it, so the last object wins, and an object that appears in the candidate
    answer, verbatim or as the same JSON, is never taken for the judge's.
    """
    found = _verdict_objects(text)
    if not found:
        return None, "the reply contains no JSON object with verdicts"
    planted = {canonical_json(value) for _, value in json_objects(answer)}
    own = [value for raw, value in found if raw not in answer and canonical_json(value) not in planted]
    if not own:
        return None, "the only verdict object in the reply is copied from the candidate answer"
    return own[-1], None


def parse_verdicts(
    text: str, rubric_ids: list[str], answer: str = "", known: list[str] | None = None, three_level: bool = False
) -> tuple[dict[str, Verdict], str | None]:
    """Usable verdicts from a judge reply, and what was wrong with it (None when complete).

    `rubric_ids` are the verdicts wanted now, `known` every checkpoint the judge was shown. A
    verdict that breaks the contract (a "met" that is not a JSON boolean, no rationale; with
    `three_level`, a "verdict" that is not "satisfied", "partially" or "not") is asked for
    again, as are ids the rubric does not have.
    """
    value, problem = own_verdicts(text, answer)
    if value is None:
        return {}, problem
    items = value.get("verdicts")
    if not isinstance(items, list):
        return {}, "the JSON does not follow the verdict contract: verdicts must be a list"
    known_ids = set(known if known is not None else rubric_ids)
    by_id: dict[str, list[Verdict]] = {}
    contract: type[JudgeVerdict] | type[GradedJudgeVerdict] = GradedJudgeVerdict if three_level else JudgeVerdict
    broken: dict[str | None, str] = {}  # None: a verdict that names no checkpoint
    unknown: list[str] = []
    for item in items:
        raw_id = item.get("checkpoint_id") if isinstance(item, dict) else None
        cid = raw_id if isinstance(raw_id, str) else None
        if cid is not None and cid not in known_ids:
            unknown.append(cid)
            continue
        try:
            verdict = _verdict(contract.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            field_name = ".".join(str(part) for part in first["loc"]) or "verdict"
            broken[cid] = f"{field_name}: {first['msg']}"
            continue
        by_id.setdefault(verdict.checkpoint_id, []).append(verdict)
    if unknown:  # ids mixed up: none of this reply's verdicts can be trusted to be the one it names
        return {}, f"verdicts for checkpoints this rubric does not have: {', '.join(sorted(set(unknown)))}"
    verdicts: dict[str, Verdict] = {}
    conflicting = []
    for cid in rubric_ids:
        given = by_id.get(cid, [])
        if len({v.earned for v in given}) > 1:
            conflicting.append(cid)
        elif given:
            verdicts[cid] = given[0]
    problems = []
    if missing := [cid for cid in rubric_ids if cid not in verdicts and cid not in conflicting and cid not in broken]:
        problems.append(f"no verdict for {', '.join(missing)}")
    if conflicting:
        problems.append(f"contradictory verdicts for {', '.join(conflicting)}")
    problems += [
        f"{'a verdict' if cid is None else f'verdict for {cid}'} breaks the contract ({why})"
        for cid, why in broken.items()
        if cid is None or cid in rubric_ids
    ]
    return verdicts, "; ".join(problems) or None


def _verdict(given: JudgeVerdict | GradedJudgeVerdict) -> Verdict:
    if isinstance(given, GradedJudgeVerdict):
        return given.as_verdict()
    return Verdict(checkpoint_id=given.checkpoint_id, met=given.met, rationale=given.rationale)


@lru_cache(maxsize=2)
def verdict_schema(three_level: bool = False) -> dict[str, Any]:
    answer = GradedJudgeAnswer if three_level else JudgeAnswer
    return {
        "type": "json_schema",
        "json_schema": {"name": "verdicts", "schema": answer.model_json_schema(), "strict": False},
    }


def select_shots(bench: Benchmark, task: Task, extra_shots: int, exclude_task: str | None = None) -> list[Shot]:
    """The task's own anchors, then the first anchor of up to `extra_shots` other tasks of its category.

    `exclude_task` keeps an anchor out of its own grading (leave-one-out calibration).
    """
    own = [] if exclude_task == task.id else [Shot(task, e) for e in bench.exemplars.get(task.id, [])]
    extra: list[Shot] = []
    if extra_shots == 0:
        return own
    tasks = bench.by_id
    for other in sorted(t.id for t in bench.tasks if t.domain == task.domain and t.category == task.category):
        if len(extra) >= extra_shots:
            break
        anchors = bench.exemplars.get(other, [])
        if other not in (task.id, exclude_task) and anchors:
            extra.append(Shot(tasks[other], anchors[0]))
    return own + extra


class ShotJudge:
    """`batch_size` grades the rubric in slices of that many checkpoints, one call each (0: all at
    once); `leave_one_out` keeps the task's own anchors out of its prompt (calibration grades them).

    A repair request is appended to the conversation, so it starts with the prompt the provider
    has just cached, breakpoint included where the provider needs one."""

    def __init__(
        self,
        client: ModelClient,
        bench: Benchmark,
        extra_shots: int = 0,
        repairs: int = 2,
        batch_size: int = 0,
        leave_one_out: bool = False,
    ) -> None:
        self.client = client
        self.name = client.model
        self.breakpoint = explicit_breakpoints(client.model)
        self.bench = bench
        self.extra_shots = extra_shots
        self.repairs = repairs
        self.batch_size = batch_size
        self.leave_one_out = leave_one_out

    async def grade(self, task: Task, answer: str) -> Grading:
        shots = select_shots(self.bench, task, self.extra_shots, exclude_task=task.id if self.leave_one_out else None)
        size = self.batch_size or len(task.rubric)
        batches = [task.rubric[i : i + size] for i in range(0, len(task.rubric), size)]
        views = [task if len(batch) == len(task.rubric) else task.model_copy(update={"rubric": batch}) for batch in batches]
        outcomes = await asyncio.gather(*(self._grade_view(view, answer, shots) for view in views), return_exceptions=True)
        gathered = gather_gradings(outcomes)
        for _, error in gathered.failures:
            if not isinstance(error, JudgeError):
                raise error  # a provider failure: the engine reports it as such
        if gathered.failures:
            raise JudgeError("; ".join(str(e) for _, e in gathered.failures), gathered.raw, gathered.calls)
        verdicts = {cid: v for g in gathered.gradings for cid, v in g.verdicts.items()}
        return Grading(verdicts=verdicts, raw=gathered.raw, calls=gathered.calls)

    async def _grade_view(self, task: Task, answer: str, shots: list[Shot]) -> Grading:
        messages = judge_messages(task, answer, shots, self.bench.taxonomy, breakpoint=self.breakpoint)
        rubric_ids = [c.id for c in task.rubric]
        levels = graded(task.scoring)
        grading = Grading(verdicts={})
        for attempt in range(self.repairs + 1):
            wanted = [cid for cid in rubric_ids if cid not in grading.verdicts]
            parsed: list[tuple[dict[str, Verdict], str | None]] = []

            def usable(content: str) -> bool:
                """Called on a fresh reply only (not on a cache hit), before it is cached."""
                parsed.append(parse_verdicts(content, wanted, answer, known=rubric_ids, three_level=levels))
                return parsed[-1][1] is None

            completion = await self.client.complete(messages, schema=verdict_schema(levels), accept=usable, task=task.id)
            grading.calls.append((self.name, completion))
            grading.raw.append(completion.content)
            found, problem = (
                parsed[-1] if parsed else parse_verdicts(completion.content, wanted, answer, known=rubric_ids, three_level=levels)
            )
            grading.verdicts.update(found)
            still = [cid for cid in rubric_ids if cid not in grading.verdicts]
            if not still:
                return grading
            problem = problem or f"no verdict for {', '.join(still)}"
            if attempt < self.repairs:
                messages = [*messages, {"role": "assistant", "content": completion.content}, repair_message(problem, still, levels)]
        raise JudgeError(
            f"judge {self.name} gave no usable verdict for {', '.join(still)} after {self.repairs + 1} attempt(s): {problem}",
            grading.raw,
            grading.calls,
        )


class EnsembleJudge:
    """Several judges grade the same answer; each checkpoint is decided by majority.

    A tie counts as not met: a requirement earns its weight only when most judges see it met.
    Under a graded rule the credit is the lower median of the judges' credits, the same
    leaning: two judges saying "satisfied" and "partially" give "partially". Any judge that
    fails after its retries makes the task an error, as for a single judge.
    """

    def __init__(self, judges: list[Judge]) -> None:
        self.judges = judges
        self.name = " + ".join(j.name for j in judges)

    async def grade(self, task: Task, answer: str) -> Grading:
        outcomes = await asyncio.gather(*(j.grade(task, answer) for j in self.judges), return_exceptions=True)
        gathered = gather_gradings(outcomes)
        if gathered.failures:
            names = ", ".join(f"{self.judges[i].name}: {error}" for i, error in gathered.failures)
            message = f"{len(gathered.failures)} of {len(self.judges)} ensemble judges failed ({names})"
            raise JudgeError(message, gathered.raw, gathered.calls)
        verdicts: dict[str, Verdict] = {}
        split = 0
        for checkpoint in task.rubric:
            votes = [g.verdicts[checkpoint.id] for g in gathered.gradings]
            if graded(task.scoring):
                credits = sorted(v.earned for v in votes)
                split += len(set(credits)) > 1
                rationale = " | ".join(f"{j.name} (credit {v.earned:g}): {v.rationale}" for j, v in zip(self.judges, votes, strict=True))
                credit = credits[(len(credits) - 1) // 2]
                verdicts[checkpoint.id] = Verdict(checkpoint_id=checkpoint.id, met=credit == 1.0, rationale=rationale, credit=credit)
                continue
            yes = sum(v.met for v in votes)
            split += 0 < yes < len(votes)
            rationale = " | ".join(f"{j.name} ({'met' if v.met else 'not met'}): {v.rationale}" for j, v in zip(self.judges, votes, strict=True))
            verdicts[checkpoint.id] = Verdict(checkpoint_id=checkpoint.id, met=2 * yes > len(votes), rationale=rationale)
        return Grading(verdicts=verdicts, raw=gathered.raw, calls=gathered.calls, disagreements=split)
