"""Benchmark tasks as pytest nodes: one collector for the dataset, one item per task.

The model and judge work happens in the item's setup, so a task that cannot be scored is a
pytest *error*; the call phase only compares the score with the pass score, so a low score is
a *failure* with a report of the missed checkpoints. A task whose calls still wait in provider
batches (batch mode) is *skipped*, saying so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from xpert_pytest.numbers.results import TaskResult
    from xpert_pytest.data.schema import Task
    from xpert_pytest.plugin.session import XpertSession

RESULT_KEY: pytest.StashKey[TaskResult] = pytest.StashKey()


def dry_run(config: pytest.Config) -> bool:
    """`--setup-plan` and `--setup-only` run no test, so they must pay for no call."""
    return bool(config.option.setupplan or config.option.setuponly)


class TaskUnscored(Exception):
    """The task ended as an error (provider or judge failure); the message says why."""


class TaskBelowPassScore(Exception):
    pass


class BenchmarkCollector(pytest.Collector):
    def __init__(self, *, xpert: XpertSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.xpert = xpert

    def collect(self) -> Iterator[TaskItem]:
        for task in self.xpert.bench.tasks:
            yield TaskItem.from_parent(self, name=f"{task.domain}/{task.category}/{task.id}", task=task)


class TaskItem(pytest.Item):
    def __init__(self, *, task: Task, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.task = task
        self.add_marker(task.domain)
        self.extra_keyword_matches.add(task.language)

    @property
    def xpert(self) -> XpertSession:
        parent = self.parent
        assert isinstance(parent, BenchmarkCollector)
        return parent.xpert

    def setup(self) -> None:
        if dry_run(self.config):
            return
        result = self.xpert.engine.result(self.task)
        self.stash[RESULT_KEY] = result
        self.user_properties.append(("xpert_score", "" if result.score is None else f"{result.score:.4f}"))
        if result.status == "pending":
            pytest.skip(f"{self.task.id}: {result.error}")
        if result.status == "error":
            raise TaskUnscored(f"{self.task.id}: not scored: {result.error}")

    def runtest(self) -> None:
        result = self.stash[RESULT_KEY]
        if not result.passed:
            raise TaskBelowPassScore()

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, TaskBelowPassScore):
            from xpert_pytest.views.terminal import failure_report

            return failure_report(self.task, self.stash[RESULT_KEY], self.xpert.settings.pass_score)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"{self.task.domain}/{self.task.category}/{self.task.id}"
