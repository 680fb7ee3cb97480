"""Answers produced elsewhere (a batch job, an agent, a human baseline), graded without calling a model."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from xpert_pytest.calls.cache import Completion
from xpert_pytest.data.dataset import DataError, read_jsonl, validate_rows
from xpert_pytest.data.schema import SLUG, Task


class RecordedAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task_id: str = Field(pattern=SLUG)
    response: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost_usd: float | None = None


class MissingAnswer(Exception):
    pass


def load_answers(path: Path, task_ids: set[str]) -> dict[str, RecordedAnswer]:
    problems: list[str] = []
    answers: dict[str, RecordedAnswer] = {}
    try:
        rows = list(read_jsonl(path, problems))
    except OSError as exc:
        raise DataError([f"{path}: cannot read recorded answers: {exc}"]) from exc
    for where, answer in validate_rows(RecordedAnswer, rows, "task_id", problems):
        if answer.task_id not in task_ids:
            problems.append(f"{where}: [{answer.task_id}] field task_id: no task with this id in the dataset")
        elif answer.task_id in answers:
            problems.append(f"{where}: [{answer.task_id}] field task_id: a second answer for this task")
        else:
            answers[answer.task_id] = answer
    if problems:
        raise DataError(problems)
    return answers


class RecordedModel:
    """Stands in for the model under test; `name` is the label the user gave with --xpert-model."""

    def __init__(self, name: str, answers: dict[str, RecordedAnswer]) -> None:
        self.name = name
        self.answers = answers

    async def answer(self, task: Task, epoch: int = 0) -> Completion:
        recorded = self.answers.get(task.id)
        if recorded is None:
            raise MissingAnswer(f"no recorded answer for task {task.id} in --xpert-responses")
        return Completion(
            content=recorded.response, prompt_tokens=recorded.prompt_tokens,
            completion_tokens=recorded.completion_tokens, cost_usd=recorded.cost_usd, replayed=True,
        )
