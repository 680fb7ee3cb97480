"""The embedded default: `xpert/anchor` answers with each task's graded anchor, `xpert/expert`
replays the verdicts recorded for exactly that answer.

It runs the whole pipeline (collection, scoring, aggregation, gates, results, report) with no
API key and no network. The replayed verdicts are those stored with the anchors; the run says
so plainly, because they are authored grades, not a judge's opinion of a new answer.
"""

from __future__ import annotations

from xpert_pytest.calls.cache import Completion
from xpert_pytest.data.dataset import Benchmark
from xpert_pytest.grading.judge import Grading, JudgeError
from xpert_pytest.data.schema import Task

ANCHOR_MODEL = "xpert/anchor"
EXPERT_JUDGE = "xpert/expert"
REPLAY_NOTE = (
    "Replay of graded anchors: model xpert/anchor returned each task's stored anchor answer and judge "
    "xpert/expert replayed the verdicts stored with it. No model was called. The anchors and their "
    "verdicts are authored data; see each record's provenance for whether an expert has reviewed them."
)


class NoAnchorError(Exception):
    pass


class AnchorModel:
    name = ANCHOR_MODEL

    def __init__(self, bench: Benchmark) -> None:
        self.bench = bench

    async def answer(self, task: Task, epoch: int = 0) -> Completion:
        anchors = self.bench.exemplars.get(task.id)
        if not anchors:
            raise NoAnchorError(f"{ANCHOR_MODEL}: task {task.id} has no graded anchor to replay")
        return Completion(content=anchors[0].response, cost_usd=0.0, replayed=True)


class ExpertReplayJudge:
    name = EXPERT_JUDGE

    def __init__(self, bench: Benchmark) -> None:
        self.bench = bench

    async def grade(self, task: Task, answer: str) -> Grading:
        for exemplar in self.bench.exemplars.get(task.id, []):
            if exemplar.response == answer:
                return Grading(verdicts={v.checkpoint_id: v for v in exemplar.verdicts})
        raise JudgeError(
            f"{EXPERT_JUDGE} only replays the stored verdicts of graded anchors; the answer to task "
            f"{task.id} is not one of them. Use a real judge model with --xpert-judge.",
            raw=[],
            calls=[],
        )
