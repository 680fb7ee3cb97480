"""Rendering the candidate and judge prompts from the Jinja templates shipped in the package.

Prompts are plain text, so autoescape is off here (the HTML reports use their own, autoescaping
environment). The candidate answer is fenced by tags carrying a nonce derived from the answer
itself: an answer cannot contain its own hash, so it cannot close its fence early and speak
as the grader.

A task that is a conversation goes to the model under test as that conversation, turn by turn;
the judge reads it as a transcript. Titles and the grader's expertise come from the dataset's
taxonomy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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


def judge_messages(task: Task, answer: str, shots: list[Shot], taxonomy: Taxonomy) -> list[dict[str, str]]:
    context = {
        "task": task,
        "task_text": task_text(task).strip(),
        "expert": taxonomy.expert(task.domain),
        "domain_title": taxonomy.domain_title(task.domain),
        "category_title": taxonomy.category_title(task.domain, task.category),
        "penalties": any(c.weight < 0 for c in task.rubric),
        "shots": shots,
        "answer": answer,
        "nonce": nonce(answer),
        "rubric_ids": {c.id for c in task.rubric},
    }
    return [
        {"role": "system", "content": render("judge_system.j2", **context)},
        {"role": "user", "content": render("judge_user.j2", **context)},
    ]


def repair_message(problem: str, wanted: list[str]) -> dict[str, str]:
    return {"role": "user", "content": render("judge_repair.j2", problem=problem, wanted=wanted)}
