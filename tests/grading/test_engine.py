from __future__ import annotations

import asyncio

from tests import factory
from xpert_pytest.calls.cache import Completion
from xpert_pytest.calls.concurrency import GRADING
from xpert_pytest.grading.engine import run_task
from xpert_pytest.grading.judge import Grading
from xpert_pytest.data.schema import Task, Verdict

TASK = Task.model_validate(factory.task("fin-t-0001", "finance", "equity-research", [10, 5, 2]))


class Candidate:
    name = "stub-model"

    def __init__(self, seen: list[tuple[str, bool]]) -> None:
        self.seen = seen

    async def answer(self, task: Task, epoch: int = 0) -> Completion:
        self.seen.append(("answer", GRADING.get()))
        return Completion(content="An answer.")


class Judge:
    name = "stub-judge"

    def __init__(self, seen: list[tuple[str, bool]]) -> None:
        self.seen = seen

    async def grade(self, task: Task, answer: str) -> Grading:
        self.seen.append(("grade", GRADING.get()))
        return Grading(verdicts={c.id: Verdict(checkpoint_id=c.id, met=c.weight >= 5) for c in task.rubric})


def test_only_the_grading_call_is_marked_as_grading() -> None:
    async def scenario() -> tuple[float | None, list[tuple[str, bool]]]:
        seen: list[tuple[str, bool]] = []
        first = await run_task(TASK, Candidate(seen), Judge(seen), pass_score=0.5)
        await run_task(TASK, Candidate(seen), Judge(seen), pass_score=0.5)  # the mark does not outlive its task
        return first.score, seen

    score, seen = asyncio.run(scenario())
    assert score == (10 + 5) / 17
    assert seen == [("answer", False), ("grade", True), ("answer", False), ("grade", True)]
