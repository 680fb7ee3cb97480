"""Runs tasks ahead of the tests that wait for them.

A pytest process runs one test at a time, but each task is a pair of slow network calls. The
engine owns an event loop on a background thread: the plugin hands it every task this process
will run as soon as that is known, and each test then only waits for its own result. How many
calls are in flight is the business of the limiter the model clients share. Results never
depend on the order calls finish.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import threading
import time
from collections.abc import Coroutine, Iterable
from typing import Any, Protocol, TypeVar

from xpert_pytest.calls.batching import BatchPending
from xpert_pytest.calls.budget import StopRun
from xpert_pytest.calls.cache import Completion
from xpert_pytest.calls.concurrency import GRADING, PRIORITY
from xpert_pytest.calls.gateway import ModelClient, ProviderError
from xpert_pytest.grading.judge import Judge, JudgeError
from xpert_pytest.grading.prompts import answer_messages, task_text
from xpert_pytest.numbers.results import CallRecord, CheckpointResult, TaskResult
from xpert_pytest.data.schema import Task


T = TypeVar("T")


class Candidate(Protocol):
    name: str

    async def answer(self, task: Task, epoch: int = 0) -> Completion: ...


class ModelCandidate:
    def __init__(self, client: ModelClient) -> None:
        self.client = client
        self.name = client.model

    async def answer(self, task: Task, epoch: int = 0) -> Completion:
        return await self.client.complete(answer_messages(task), sample=epoch, task=task.id)


def _record(role: str, model: str, completion: Completion) -> CallRecord:
    return CallRecord(
        role=role,  # type: ignore[arg-type]
        model=model,
        cached=completion.cached,
        replayed=completion.replayed,
        latency_s=completion.latency_s,
        prompt_tokens=completion.prompt_tokens,
        completion_tokens=completion.completion_tokens,
        cached_tokens=completion.cached_tokens,
        cache_write_tokens=completion.cache_write_tokens,
        cost_usd=completion.cost_usd,
        batch=completion.batch,
        online_cost_usd=completion.online_cost_usd,
    )


def _describe(exc: Exception) -> str:
    """A provider error already names model and cause; anything else is named by its type."""
    return str(exc) if isinstance(exc, ProviderError) else f"{type(exc).__name__}: {exc}"


async def run_task(task: Task, candidate: Candidate, judge: Judge, pass_score: float, epoch: int = 0) -> TaskResult:
    """Answer, grade and score one task; every failure becomes an error result that keeps its evidence."""
    started = time.perf_counter()
    base = TaskResult(
        task_id=task.id, domain=task.domain, category=task.category, title=task.title,
        language=task.language, status="error", prompt=task_text(task),
    )

    def failed(message: str, **extra: object) -> TaskResult:
        return base.model_copy(update={"error": message, "latency_s": time.perf_counter() - started, **extra})

    try:
        answer = await candidate.answer(task, epoch)
    except BatchPending as exc:
        return failed(f"waiting for its answer: {exc}", status="pending")
    except StopRun as exc:
        return failed(f"not run: {exc}", stopped=True)
    except Exception as exc:  # provider failures and bugs alike must end as a located error
        return failed(_describe(exc))
    calls = [_record("model", candidate.name, answer)]
    flags = {"refusal": answer.refusal, "truncated": answer.truncated, "repaired_chars": answer.repaired_chars}
    if not answer.content.strip():
        return failed(f"{candidate.name} returned an empty answer (no text and no refusal)", calls=calls)
    marked = GRADING.set(True)
    try:
        grading = await judge.grade(task, answer.content)
    except JudgeError as exc:
        calls += [_record("judge", model, c) for model, c in exc.calls]
        return failed(str(exc), calls=calls, response=answer.content, judge_raw=exc.raw, **flags)
    except BatchPending as exc:
        return failed(f"waiting for its grading: {exc}", calls=calls, response=answer.content, status="pending", **flags)
    except StopRun as exc:
        return failed(f"not graded: {exc}", calls=calls, response=answer.content, stopped=True, **flags)
    except Exception as exc:
        return failed(f"judge: {_describe(exc)}", calls=calls, response=answer.content, **flags)
    finally:
        GRADING.reset(marked)
    calls += [_record("judge", model, c) for model, c in grading.calls]
    met = {cid: v.met for cid, v in grading.verdicts.items()}
    score = task.score({cid: v.earned for cid, v in grading.verdicts.items()})
    return base.model_copy(
        update={
            "status": "scored",
            "score": score,
            "passed": score >= pass_score,
            "response": answer.content,
            "verdicts": [
                CheckpointResult(
                    checkpoint_id=c.id, text=c.text, met=met[c.id], rationale=grading.verdicts[c.id].rationale,
                    weight=c.weight, importance=c.importance, dimension=c.dimension, credit=grading.verdicts[c.id].credit,
                )
                for c in task.rubric
            ],
            "calls": calls,
            "judge_raw": grading.raw,
            "judge_disagreements": grading.disagreements,
            "latency_s": time.perf_counter() - started,
            **flags,
        }
    )


def combine_epochs(results: list[TaskResult], pass_score: float) -> TaskResult:
    """The task's score is the mean over epochs; the first epoch's answer and verdicts are kept for
    reading, and an error in any epoch makes the task an error (one still waiting for a batch, pending)."""
    first = results[0]
    failed = next((r for r in results if r.status != "scored"), None)
    if failed is not None:
        epoch = results.index(failed)
        return failed.model_copy(update={"error": f"epoch {epoch}: {failed.error}" if epoch else failed.error})
    scores = [r.score or 0.0 for r in results]
    mean = sum(scores) / len(scores)
    return first.model_copy(
        update={
            "score": mean,
            "passed": mean >= pass_score,
            "epoch_scores": scores,
            "refusal": any(r.refusal for r in results),
            "truncated": any(r.truncated for r in results),
            "repaired_chars": sum(r.repaired_chars for r in results),
            "calls": [c for r in results for c in r.calls],
            "latency_s": max(r.latency_s for r in results),
        }
    )


class Engine:
    """Calls in flight are bounded by the limiter the model clients share, not here: every task
    starts at once and waits for call slots in the order it was submitted."""

    def __init__(self, candidate: Candidate, judge: Judge, pass_score: float, epochs: int = 1) -> None:
        self.candidate = candidate
        self.judge = judge
        self.pass_score = pass_score
        self.epochs = epochs
        self._submitted = itertools.count()
        self._futures: dict[str, concurrent.futures.Future[TaskResult]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _start(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=loop.run_forever, name="xpert-engine", daemon=True)
            self._thread.start()
            self._loop = loop
        return self._loop

    async def _run(self, task: Task, priority: int) -> TaskResult:
        PRIORITY.set(priority)
        if self.epochs == 1:
            return await run_task(task, self.candidate, self.judge, self.pass_score)
        epochs = [run_task(task, self.candidate, self.judge, self.pass_score, e) for e in range(self.epochs)]
        return combine_epochs(list(await asyncio.gather(*epochs)), self.pass_score)

    def submit(self, tasks: Iterable[Task]) -> None:
        """Start tasks in the given order; the order is the priority."""
        loop = self._start()
        for task in tasks:
            if task.id not in self._futures:
                self._futures[task.id] = asyncio.run_coroutine_threadsafe(self._run(task, next(self._submitted)), loop)

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the engine's loop, where the clients' connections live, and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._start()).result()

    def result(self, task: Task) -> TaskResult:
        self.submit([task])
        return self._futures[task.id].result()

    def close(self) -> None:
        for future in self._futures.values():
            future.cancel()
        if self._loop is not None and self._thread is not None:
            loop = self._loop

            async def _drain() -> None:
                pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                for t in pending:
                    t.cancel()
                await asyncio.gather(*pending, return_exceptions=True)

            asyncio.run_coroutine_threadsafe(_drain(), loop).result(timeout=30)
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(timeout=30)
            loop.close()
            self._loop = None
