"""TemplateJudge: grade with the user's own copy of a format's published grader prompt.

`--xpert-judge-template=PATH` names a Jinja2 file (we ship none) whose first line declares its
granularity and reply contract, `{# xpert-judge: per=task reply=verdicts #}` or
`{# xpert-judge: per=checkpoint reply=criteria_met #}`. The rendered text is sent as one user
message. Context: `task`, `conversation` (`{role, content}` turns ending with the candidate's
answer as the assistant turn), `conversation_text` (`role: content` blocks joined by blank
lines), `answer`, `rubric` (the checkpoints graded), and per checkpoint also `checkpoint` and
`rubric_item` (`[weight] text`). Replies: `verdicts` is ShotJudge's contract, parsed by the same
rules; `criteria_met` is one JSON object with a boolean `criteria_met` and a string
`explanation`, as published per-criterion graders ask. A bad reply is asked for again, then is
an error with every raw reply kept. The rendered prompt is part of the call's cache key, so a
changed template never replays old verdicts.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from xpert_pytest.calls.gateway import ModelClient
from xpert_pytest.data.schema import Checkpoint, Task, Verdict
from xpert_pytest.grading.judge import (
    Grading,
    JudgeError,
    canonical_json,
    gather_gradings,
    json_objects,
    parse_verdicts,
    verdict_schema,
)
from xpert_pytest.grading.prompts import answer_messages, repair_message
from xpert_pytest.views.templating import file_template

HEADER = re.compile(r"\A\s*\{#\s*xpert-judge:\s*per=(\S+)\s+reply=(\S+)\s*#\}")
CONTRACTS = {("task", "verdicts"), ("checkpoint", "criteria_met")}


class TemplateError(ValueError):
    """A template that cannot be used: the message names the file."""


@dataclass(frozen=True)
class JudgeTemplate:
    path: str
    sha256: str
    per: str
    reply: str
    template: Any

    @property
    def label(self) -> str:
        return f"{self.path} (sha256 {self.sha256[:12]})"

    def render(self, **context: Any) -> str:
        try:
            return str(self.template.render(**context))
        except Exception as exc:  # jinja2's errors, and whatever a template's own code raises
            raise TemplateError(f"--xpert-judge-template {self.path}: the template does not render: {type(exc).__name__}: {exc}") from exc


def load_template(path: str) -> JudgeTemplate:
    import jinja2

    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"--xpert-judge-template {path}: cannot read the template: {exc}") from None
    header = HEADER.match(text)
    if header is None or (header.group(1), header.group(2)) not in CONTRACTS:
        raise TemplateError(
            f"--xpert-judge-template {path}: the first line must declare the contract, "
            "{# xpert-judge: per=task reply=verdicts #} or {# xpert-judge: per=checkpoint reply=criteria_met #}"
        )
    try:
        template = file_template(path)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"--xpert-judge-template {path}:{exc.lineno}: template syntax error: {exc.message}") from None
    return JudgeTemplate(path, hashlib.sha256(raw).hexdigest(), header.group(1), header.group(2), template)


def context(task: Task, answer: str, checkpoint: Checkpoint | None = None) -> dict[str, Any]:
    conversation = [*answer_messages(task), {"role": "assistant", "content": answer}]
    values: dict[str, Any] = {
        "task": task,
        "conversation": conversation,
        "conversation_text": "\n\n".join(f"{m['role']}: {m['content']}" for m in conversation),
        "answer": answer,
        "rubric": task.rubric,
    }
    if checkpoint is not None:
        values.update(checkpoint=checkpoint, rubric_item=f"[{checkpoint.weight}] {checkpoint.text}")
    return values


def check_renders(template: JudgeTemplate, task: Task) -> None:
    """A trial render on a real task before any call, so a template that names an unknown
    variable is a usage error, not an error on every task."""
    template.render(**context(task, "(trial answer)", task.rubric[0] if template.per == "checkpoint" else None))


def parse_criteria_met(text: str, answer: str) -> tuple[bool | None, str, str | None]:
    """(met, explanation, problem): the reply's last JSON object with `criteria_met`, not one
    copied from the candidate answer, verbatim or as the same JSON."""
    planted = {canonical_json(value) for _, value in json_objects(answer)}
    found = [
        v for _, v in json_objects(text) if isinstance(v, dict) and "criteria_met" in v and canonical_json(v) not in planted
    ]
    if not found:
        return None, "", "the reply contains no JSON object with criteria_met"
    value = found[-1]
    if not isinstance(value["criteria_met"], bool):
        return None, "", "criteria_met must be a JSON boolean"
    explanation = value.get("explanation")
    return value["criteria_met"], explanation if isinstance(explanation, str) and explanation else "(no explanation)", None


class TemplateJudge:
    def __init__(self, client: ModelClient, template: JudgeTemplate, repairs: int = 2) -> None:
        self.client = client
        self.name = client.model
        self.template = template
        self.repairs = repairs

    async def grade(self, task: Task, answer: str) -> Grading:
        if self.template.per == "task":
            return await self._grade_task(task, answer)
        outcomes = await asyncio.gather(*(self._grade_checkpoint(task, answer, c) for c in task.rubric), return_exceptions=True)
        gathered = gather_gradings(outcomes)
        for _, error in gathered.failures:
            if not isinstance(error, JudgeError):
                raise error
        if gathered.failures:
            raise JudgeError("; ".join(str(e) for _, e in gathered.failures), gathered.raw, gathered.calls)
        verdicts = {cid: v for g in gathered.gradings for cid, v in g.verdicts.items()}
        return Grading(verdicts=verdicts, raw=gathered.raw, calls=gathered.calls)

    async def _grade_task(self, task: Task, answer: str) -> Grading:
        messages: list[dict[str, Any]] = [{"role": "user", "content": self.template.render(**context(task, answer))}]
        rubric_ids = [c.id for c in task.rubric]
        grading = Grading(verdicts={})
        problem: str | None = None
        for attempt in range(self.repairs + 1):
            wanted = [cid for cid in rubric_ids if cid not in grading.verdicts]
            completion = await self.client.complete(
                messages, schema=verdict_schema(), accept=lambda c: parse_verdicts(c, wanted, answer, rubric_ids)[1] is None, task=task.id
            )
            grading.calls.append((self.name, completion))
            grading.raw.append(completion.content)
            found, problem = parse_verdicts(completion.content, wanted, answer, known=rubric_ids)
            grading.verdicts.update(found)
            still = [cid for cid in rubric_ids if cid not in grading.verdicts]
            if not still:
                return grading
            problem = problem or f"no verdict for {', '.join(still)}"
            if attempt < self.repairs:
                messages = [*messages, {"role": "assistant", "content": completion.content}, repair_message(problem, still)]
        raise JudgeError(
            f"judge {self.name} ({self.template.label}) gave no usable verdict for {', '.join(still)} after {self.repairs + 1} attempt(s): {problem}",
            grading.raw,
            grading.calls,
        )

    async def _grade_checkpoint(self, task: Task, answer: str, checkpoint: Checkpoint) -> Grading:
        messages: list[dict[str, Any]] = [{"role": "user", "content": self.template.render(**context(task, answer, checkpoint))}]
        grading = Grading(verdicts={})
        problem = ""
        for attempt in range(self.repairs + 1):
            completion = await self.client.complete(
                messages, schema=None, accept=lambda c: parse_criteria_met(c, answer)[2] is None, task=task.id
            )
            grading.calls.append((self.name, completion))
            grading.raw.append(completion.content)
            met, explanation, trouble = parse_criteria_met(completion.content, answer)
            if met is not None:
                grading.verdicts[checkpoint.id] = Verdict(checkpoint_id=checkpoint.id, met=met, rationale=explanation)
                return grading
            problem = trouble or ""
            if attempt < self.repairs:
                retry = f"Your reply could not be used: {problem}. Reply with one JSON object: {{\"explanation\": string, \"criteria_met\": true or false}}."
                messages = [*messages, {"role": "assistant", "content": completion.content}, {"role": "user", "content": retry}]
        raise JudgeError(
            f"judge {self.name} ({self.template.label}) gave no usable criteria_met for {checkpoint.id} after {self.repairs + 1} attempt(s): {problem}",
            grading.raw,
            grading.calls,
        )
