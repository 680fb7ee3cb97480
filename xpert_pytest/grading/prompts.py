"""Rendering the candidate and judge prompts from the Jinja templates shipped in the package.

Prompts are plain text, so autoescape is off here (the HTML reports use their own, autoescaping
environment). The candidate answer is fenced by tags carrying a nonce derived from the answer
itself: an answer cannot contain its own hash, so it cannot close its fence early and speak
as the grader.

A judge prompt is laid out for providers' prompt caches: the system message and the part of the
user message before the answer (instructions, task, reference, rubric, graded examples) are the
same bytes for every answer to a task, and the answer comes last, so grading a second model on
the same tasks reads almost every input token from the provider's cache. Where the provider
caches only at explicit breakpoints (Claude), that part is its own content block, marked.

A task that is a conversation goes to the model under test as that conversation, turn by turn;
the judge reads it as a transcript. Titles and the grader's expertise come from the dataset's
taxonomy. A task whose rule is graded (`rules.graded`) asks for three-level verdicts; the
templates change only inside `{% if graded %}`, so every other prompt is the binary one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from xpert_pytest.calls.prompt_cache import EPHEMERAL
from xpert_pytest.data.rules import graded
from xpert_pytest.data.schema import Exemplar, Task
from xpert_pytest.data.taxonomy import Taxonomy
from xpert_pytest.views.templating import environment


@dataclass(frozen=True)
class Shot:
    """A graded example shown to the judge: an anchor answer and the task it answers."""

    task: Task
    exemplar: Exemplar


@lru_cache(maxsize=1)
def _environment() -> Any:
    return environment(autoescape=False)


def render(template: str, **context: Any) -> str:
    return str(_environment().get_template(template).render(**context)).strip() + "\n"


def nonce(answer: str) -> str:
    return hashlib.sha256(answer.encode("utf-8")).hexdigest()[:16]


def task_text(task: Task) -> str:
    return render("answer.j2", task=task)


def answer_messages(task: Task) -> list[dict[str, str]]:
    if task.conversation:
        return [{"role": m.role, "content": m.content} for m in task.conversation]
    return [{"role": "user", "content": task_text(task)}]


@dataclass(frozen=True)
class JudgePrompt:
    """`system` and `prefix` depend only on the task (and the rubric slice graded); `answer`
    holds the fenced candidate answer and the closing request."""

    system: str
    prefix: str
    answer: str

    def messages(self, breakpoint: bool = False) -> list[dict[str, Any]]:
        """Plain text, or with `breakpoint` the prefix as a content block marked for the
        provider's cache; the text sent is the same either way."""
        user: str | list[dict[str, Any]] = self.prefix + self.answer
        if breakpoint:
            user = [
                {"type": "text", "text": self.prefix, "cache_control": dict(EPHEMERAL)},
                {"type": "text", "text": self.answer},
            ]
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


def judge_prompt(task: Task, answer: str, shots: list[Shot], taxonomy: Taxonomy) -> JudgePrompt:
    shared = {
        "task": task,
        "task_text": task_text(task).strip(),
        "expert": taxonomy.expert(task.domain),
        "domain_title": taxonomy.domain_title(task.domain),
        "category_title": taxonomy.category_title(task.domain, task.category),
        "penalties": any(c.weight < 0 for c in task.rubric),
        "shots": shots,
        "rubric_ids": {c.id for c in task.rubric},
        "graded": graded(task.scoring),
    }
    return JudgePrompt(
        system=render("judge_system.j2", **shared),
        prefix=render("judge_prefix.j2", **shared),
        answer=render("judge_answer.j2", task=task, answer=answer, nonce=nonce(answer)),
    )


def judge_messages(
    task: Task, answer: str, shots: list[Shot], taxonomy: Taxonomy, breakpoint: bool = False
) -> list[dict[str, Any]]:
    return judge_prompt(task, answer, shots, taxonomy).messages(breakpoint)


def repair_message(problem: str, wanted: list[str], three_level: bool = False) -> dict[str, str]:
    return {"role": "user", "content": render("judge_repair.j2", problem=problem, wanted=wanted, graded=three_level)}
