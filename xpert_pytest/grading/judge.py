"""ShotJudge: grade an answer checkpoint by checkpoint, anchored on expert-graded examples.

The judge must return one verdict per checkpoint. Replies that are not JSON, or that miss
checkpoints, are repaired by asking again for exactly what is missing; a judge that still
fails raises `JudgeError` carrying every raw reply, so the task becomes an error with its
evidence kept, never a silent zero.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from pydantic import ValidationError

from xpert_pytest.calls.cache import Completion
from xpert_pytest.data.dataset import Benchmark
from xpert_pytest.calls.gateway import ModelClient
from xpert_pytest.grading.prompts import Shot, judge_messages, repair_message
from xpert_pytest.data.schema import JudgeAnswer, JudgeVerdict, Task, Verdict

FENCE = re.compile(r"```(?:json|JSON)?\s*\n(.*?)```", re.DOTALL)


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


def _gather(outcomes: list[Grading | BaseException]) -> Gathered:
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


def _json_candidates(text: str) -> Iterator[str]:
    """The whole reply, then fenced blocks, then each decodable object in the text, lazily."""
    yield text.strip()
    for match in FENCE.finditer(text):
        yield match.group(1).strip()
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        try:
            _, end = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        yield text[match.start() : end]


def parse_verdicts(text: str, rubric_ids: list[str]) -> tuple[dict[str, Verdict], str | None]:
    """Usable verdicts from a judge reply, and what was wrong with it (None when complete)."""
    answer: JudgeAnswer | None = None
    last_error = "the reply contains no JSON object"
    for candidate in _json_candidates(text):
        try:
            answer = JudgeAnswer.model_validate_json(candidate)
            break
        except ValidationError as exc:
            if "json_invalid" not in {e["type"] for e in exc.errors()}:
                last_error = f"the JSON does not follow the verdict contract: {exc.errors()[0]['msg']}"
    if answer is None:
        return {}, last_error
    by_id: dict[str, list[JudgeVerdict]] = {}
    for verdict in answer.verdicts:
        by_id.setdefault(verdict.checkpoint_id, []).append(verdict)
    verdicts: dict[str, Verdict] = {}
    conflicting = []
    for cid in rubric_ids:
        given = by_id.get(cid, [])
        if len({v.met for v in given}) > 1:
            conflicting.append(cid)
        elif given:
            verdicts[cid] = Verdict(checkpoint_id=cid, met=given[0].met, rationale=given[0].rationale)
    problems = []
    if missing := [cid for cid in rubric_ids if cid not in verdicts and cid not in conflicting]:
        problems.append(f"no verdict for {', '.join(missing)}")
    if conflicting:
        problems.append(f"contradictory verdicts for {', '.join(conflicting)}")
    return verdicts, "; ".join(problems) or None


@lru_cache(maxsize=1)
def verdict_schema() -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"name": "verdicts", "schema": JudgeAnswer.model_json_schema(), "strict": False},
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
    once); `leave_one_out` keeps the task's own anchors out of its prompt (calibration grades them)."""

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
        gathered = _gather(outcomes)
        for _, error in gathered.failures:
            if not isinstance(error, JudgeError):
                raise error  # a provider failure: the engine reports it as such
        if gathered.failures:
            raise JudgeError("; ".join(str(e) for _, e in gathered.failures), gathered.raw, gathered.calls)
        verdicts = {cid: v for g in gathered.gradings for cid, v in g.verdicts.items()}
        return Grading(verdicts=verdicts, raw=gathered.raw, calls=gathered.calls)

    async def _grade_view(self, task: Task, answer: str, shots: list[Shot]) -> Grading:
        messages = judge_messages(task, answer, shots)
        rubric_ids = [c.id for c in task.rubric]
        grading = Grading(verdicts={})
        for attempt in range(self.repairs + 1):
            completion = await self.client.complete(messages, schema=verdict_schema())
            grading.calls.append((self.name, completion))
            grading.raw.append(completion.content)
            wanted = [cid for cid in rubric_ids if cid not in grading.verdicts]
            found, problem = parse_verdicts(completion.content, wanted)
            grading.verdicts.update(found)
            still = [cid for cid in rubric_ids if cid not in grading.verdicts]
            if not still:
                return grading
            problem = problem or f"no verdict for {', '.join(still)}"
            if attempt < self.repairs:
                messages = [*messages, {"role": "assistant", "content": completion.content}, repair_message(problem, still)]
        raise JudgeError(
            f"judge {self.name} gave no usable verdict for {', '.join(still)} after {self.repairs + 1} attempt(s): {problem}",
            grading.raw,
            grading.calls,
        )


class EnsembleJudge:
    """Several judges grade the same answer; each checkpoint is decided by majority.

    A tie counts as not met: a requirement earns its weight only when most judges see it met.
    Any judge that fails after its retries makes the task an error, as for a single judge.
    """

    def __init__(self, judges: list[Judge]) -> None:
        self.judges = judges
        self.name = " + ".join(j.name for j in judges)

    async def grade(self, task: Task, answer: str) -> Grading:
        outcomes = await asyncio.gather(*(j.grade(task, answer) for j in self.judges), return_exceptions=True)
        gathered = _gather(outcomes)
        if gathered.failures:
            names = ", ".join(f"{self.judges[i].name}: {error}" for i, error in gathered.failures)
            message = f"{len(gathered.failures)} of {len(self.judges)} ensemble judges failed ({names})"
            raise JudgeError(message, gathered.raw, gathered.calls)
        verdicts: dict[str, Verdict] = {}
        split = 0
        for checkpoint in task.rubric:
            votes = [g.verdicts[checkpoint.id] for g in gathered.gradings]
            yes = sum(v.met for v in votes)
            split += 0 < yes < len(votes)
            rationale = " | ".join(f"{j.name} ({'met' if v.met else 'not met'}): {v.rationale}" for j, v in zip(self.judges, votes, strict=True))
            verdicts[checkpoint.id] = Verdict(checkpoint_id=checkpoint.id, met=2 * yes > len(votes), rationale=rationale)
        return Grading(verdicts=verdicts, raw=gathered.raw, calls=gathered.calls, disagreements=split)
