"""Model clients in batch mode: every request not answered yet goes into a provider batch.

The grading pipeline stays the one online runs use. A *planning pass* runs it over every task
with clients that, where a request has no answer yet, note the request and stop that task
(`Deferred`); the noted requests are then submitted as batches. Once a batch's results are in
the run's store, the next pass gets past them to the requests that depend on them (the judge
calls after the answers, the repair prompts after the judge replies), and the tests finally run
the same pipeline reading every answer from the store. So a batch run gives exactly the scores an
online run gives for the same replies.

Where a request stands, in the order a client asks: answered in this batch run (the store:
counted as paid here, at batch price); answered by an earlier run (the cache); failed in its
batch (retried online once per invocation); lost with a batch that expired or came back empty
(an error until the next invocation submits it again); inside a live batch (the task waits); or
nowhere yet (planned into a batch; outside a planning pass, an error: batch mode never turns
into online calls behind the user's back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xpert_pytest.calls.batch_api import RUN_METADATA, BatchAPI, Line, batch_price, parse_lines, request_line, split_params
from xpert_pytest.calls.batch_state import STATE_FILE, TERMINAL, BatchRecord, BatchState, read_state, write_state
from xpert_pytest.calls.batch_store import STORE_FILE, BatchStore, Failure
from xpert_pytest.calls.budget import StopRun
from xpert_pytest.calls.cache import Completion
from xpert_pytest.calls.gateway import ModelClient, ProviderError, cacheable, call_cost, import_litellm, redact
from xpert_pytest.calls.pricing import Price

MAX_FILE_BYTES = 100_000_000  # OpenAI takes up to 200 MB per batch input file; others less


class Deferred(BaseException):
    """A planning pass reached a request with no answer yet: that task goes no further this pass.

    A BaseException, like cancellation, so that no failure handler on the way (the engine turns
    every Exception into a task error) mistakes it for a failure.
    """


class BatchPending(StopRun):
    """The request is inside a provider batch that has not finished: the task waits for a rerun."""


class BatchMismatch(Exception):
    """A batch recorded in the state file belongs to another run."""


@dataclass(frozen=True)
class Planned:
    key: str
    model: str
    role: str
    body: dict[str, Any]
    kind: str  # answer, judge request, judge repair
    task: str | None


class BatchLink:
    """What every batch client of one run shares: the run folder's state and store, and the
    requests the current planning pass has noted.

    The process that plans and submits (`owner`) keeps the state in memory and writes it after
    every change; an xdist worker reads it once, when its tests start, after the controller's
    batch phase is over.
    """

    def __init__(
        self, folder: Path, state: BatchState | None, run_key: str, identity: dict[str, str], invocation: str, owner: bool
    ) -> None:
        self.folder = folder
        self.state = state
        self.run_key = run_key
        self.identity = identity
        self.invocation = invocation
        self.owner = owner
        self._store: BatchStore | None = None
        self.planning = False
        self.planned: dict[str, Planned] = {}
        self.waiting: set[str] = set()
        self.failure: str | None = None  # why the batch phase stopped, if a files or batches call failed
        self._read = owner
        self._live: dict[str, str] | None = None

    @property
    def state_path(self) -> Path:
        return self.folder / STATE_FILE

    @property
    def store(self) -> BatchStore:
        """Opened on first use, so a run that never reaches a call (--collect-only) leaves no folder."""
        if self._store is None:
            self._store = BatchStore(self.folder / STORE_FILE)
        return self._store

    def current(self) -> BatchState | None:
        if not self._read:
            self._read = True
            self.state = read_state(self.state_path) if self.state_path.exists() else None
        return self.state

    def live_keys(self) -> dict[str, str]:
        """Each request inside a batch whose results are not in yet, with that batch's id."""
        if self._live is None:
            state = self.current()
            self._live = {} if state is None else {key: b.id or b.input_file_id for b in state.live() for key in b.requests}
        return self._live

    def begin_plan(self) -> None:
        self.planning, self.planned, self.waiting = True, {}, set()

    def end_plan(self) -> tuple[dict[str, Planned], set[str]]:
        self.planning = False
        return self.planned, self.waiting

    def record(self, batch: BatchRecord) -> None:
        """Enter a new batch in the state (creating the state with the first) and save it."""
        if self.state is None:
            self.state = BatchState(run_key=self.run_key, identity=self.identity, created=dt.datetime.now(dt.timezone.utc))
        self.state.batches.append(batch)
        self.save()

    def save(self) -> None:
        self._live = None
        if self.state is not None:
            write_state(self.state, self.state_path)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def chunks(planned: list[Planned], max_lines: int, max_bytes: int = MAX_FILE_BYTES) -> Iterator[list[tuple[Planned, bytes]]]:
    """Requests of one model in input files of at most `max_lines` lines and `max_bytes` bytes."""
    chunk: list[tuple[Planned, bytes]] = []
    size = 0
    for request in planned:
        line = request_line(request.key, request.body)
        if chunk and (len(chunk) >= max_lines or size + len(line) > max_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append((request, line))
        size += len(line)
    if chunk:
        yield chunk


class BatchClient(ModelClient):
    """A model client whose requests go through its provider's batch API; see the module docstring
    for where it looks for an answer. `role` is model or judge; `batch_price` a user-given price
    (USD per million input/output tokens) for batch answers."""

    def __init__(
        self, *args: Any, link: BatchLink, role: str, batch_price: Price | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.link = link
        self.role = role
        self.batch_price = batch_price
        self.api = BatchAPI(self.model, self.params, self.retries)

    async def complete(
        self,
        messages: list[dict[str, Any]],
        schema: dict[str, Any] | None = None,
        sample: int = 0,
        accept: Callable[[str], bool] | None = None,
        task: str | None = None,
    ) -> Completion:
        key = self.key(messages, sample)
        link = self.link
        if (stored := link.store.get(key)) is not None:
            if self.cache is not None and not link.planning and cacheable(stored.content, accept):
                self.cache.put(key, self.model, stored, task)  # later runs find it as they find online answers
            return stored
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return hit
        failure = link.store.failure(key)
        current = failure is not None and failure.invocation == link.invocation
        if failure is not None and failure.kind == "failed":
            if current and failure.retry_error:
                raise ProviderError(self._failed(failure, failure.retry_error))
            return await self._retry(key, failure, messages, schema, sample, accept, task)
        if failure is not None and current:
            raise ProviderError(f"{self.model}: {failure.message}; the next run of this command submits it again")
        live = link.live_keys()
        if key in live:
            if link.planning:
                link.waiting.add(key)
                raise Deferred()
            raise BatchPending(f"its {self.role} request is in batch {live[key]}, which the provider has not finished")
        if link.planning:
            link.planned[key] = Planned(key, self.model, self.role, self.body(messages, schema), self._kind(messages), task)
            raise Deferred()
        cause = f": {link.failure}" if link.failure else ""
        raise ProviderError(f"{self.model}: this {self.role} request was never submitted in a batch of this run{cause}")

    def _kind(self, messages: list[dict[str, Any]]) -> str:
        if self.role == "model":
            return "answer"
        return "judge repair" if any(m.get("role") == "assistant" for m in messages) else "judge request"

    def _failed(self, failure: Failure, retry_error: str) -> str:
        return f"{self.model}: {failure.message} (request failed in batch {failure.batch_id}); retried online: {retry_error}"

    async def _retry(
        self,
        key: str,
        failure: Failure,
        messages: list[dict[str, Any]],
        schema: dict[str, Any] | None,
        sample: int,
        accept: Callable[[str], bool] | None,
        task: str | None,
    ) -> Completion:
        """A line that failed inside its batch is asked again as a normal call, with its retries."""
        try:
            completion = await ModelClient.complete(self, messages, schema, sample, accept, task)
        except ProviderError as exc:
            self.link.store.retry_failed(key, str(exc), self.link.invocation)
            raise ProviderError(self._failed(failure, str(exc))) from exc
        self.link.store.put(key, self.model, failure.batch_id, completion, online=True)
        return completion

    def body(self, messages: list[dict[str, Any]], schema: dict[str, Any] | None) -> dict[str, Any]:
        """The request as the provider's chat endpoint takes it: what an online call would send."""
        _, parameters = split_params(self.request_params(schema))
        return {"model": self.api.name, "messages": messages, **parameters}

    def from_body(self, body: dict[str, Any]) -> Completion:
        """A batch answer read the way an online reply is, priced at the batch price."""
        litellm = import_litellm()
        response = litellm.ModelResponse(**body)
        online = call_cost(litellm, response, self.price)
        usage = getattr(response, "usage", None)
        cost = None if usage is None else batch_price(litellm, self.model, usage, self.price, self.batch_price)
        return self._completion(response, 0.0, cost).model_copy(update={"batch": True, "online_cost_usd": online})

    async def submit(self, chunk: list[tuple[Planned, bytes]]) -> BatchRecord:
        """Upload one input file and create its batch. The batch is recorded as soon as the file
        is uploaded, and again once created, so no crash can leave a paid batch unrecorded."""
        kinds: dict[str, int] = {}
        for request, _ in chunk:
            kinds[request.kind] = kinds.get(request.kind, 0) + 1
        file_id = await self._provider(self.api.upload(b"".join(line for _, line in chunk)), "uploading a batch input file")
        record = BatchRecord(
            model=self.model, role=self.role, input_file_id=file_id, requests=[request.key for request, _ in chunk], kinds=kinds,
            submitted=dt.datetime.now(dt.timezone.utc),
        )
        self.link.record(record)
        await self._create(record)
        return record

    async def _create(self, record: BatchRecord) -> None:
        batch = await self._provider(self.api.create(record.input_file_id, self.link.run_key), "creating a batch")
        record.id = str(batch.id)
        record.status = str(batch.status)
        self.link.save()

    async def refresh(self, record: BatchRecord) -> Any:
        """The batch's current status, entered in its record; a record the last invocation left
        between upload and creation is finished first (found at the provider, or created now)."""
        if record.id is None:
            found = await self.api.find(record.input_file_id)
            if found is None:
                await self._create(record)
            else:
                record.id = str(found.id)
        assert record.id is not None
        batch = await self._provider(self.api.retrieve(record.id), f"reading the status of batch {record.id}")
        owner = (getattr(batch, "metadata", None) or {}).get(RUN_METADATA)
        if owner is not None and owner != self.link.run_key:
            raise BatchMismatch(
                f"batch {record.id} recorded in {self.link.state_path} was submitted by another run (run key {owner}, "
                f"this run {self.link.run_key}); its answers are not this run's requests. Remove it from that file, "
                "or run the command that submitted it"
            )
        counts = getattr(batch, "request_counts", None)
        record.status = str(batch.status)
        record.completed = int(getattr(counts, "completed", 0) or 0)
        record.failed = int(getattr(counts, "failed", 0) or 0)
        return batch

    async def collect(self, record: BatchRecord, batch: Any) -> None:
        """Read a finished batch's output and error files into the store. Requests with neither
        an answer nor an error (an expired batch, one with no output file) are lost: an error now,
        submitted again by the next invocation; everything that did come back is kept."""
        assert record.id is not None and batch.status in TERMINAL
        store, invocation = self.link.store, self.link.invocation
        wanted = set(record.requests)
        outcome: dict[str, str] = {}  # custom id -> answered | failed | lost
        for file_id in (batch.output_file_id, batch.error_file_id):
            if not file_id:
                continue
            data = await self._provider(self.api.content(file_id), f"reading file {file_id} of batch {record.id}")
            for line in parse_lines(data):
                if line.custom_id in wanted and line.custom_id not in outcome:
                    outcome[line.custom_id] = self._keep(record.id, line)
        why = self._ended(record, batch)
        for key in record.requests:
            if key not in outcome:
                store.fail(key, self.model, record.id, "lost", f"batch {record.id} {why}", invocation)
                outcome[key] = "lost"
        counts = {kind: sum(o == kind for o in outcome.values()) for kind in ("answered", "failed", "lost")}
        record.completed, record.failed = counts["answered"], counts["failed"]
        if counts["lost"]:
            record.note = f"{why}: {counts['lost']:,} of {len(record.requests):,} request(s) lost (submitted again by the next run of this command)"
        record.collected = True
        self.link.save()

    def _keep(self, batch_id: str, line: Line) -> str:
        """Store one result line; what became of its request."""
        store, invocation = self.link.store, self.link.invocation
        if line.body is not None:
            try:
                store.put(line.custom_id, self.model, batch_id, self.from_body(line.body))
                return "answered"
            except ProviderError as exc:  # a reply with no choices: the provider's error, in effect
                store.fail(line.custom_id, self.model, batch_id, "failed", str(exc).removeprefix(f"{self.model}: "), invocation)
                return "failed"
        if line.expired:
            store.fail(line.custom_id, self.model, batch_id, "lost", f"batch {batch_id} expired before answering this request", invocation)
            return "lost"
        store.fail(line.custom_id, self.model, batch_id, "failed", redact(line.error or "no answer", self.secrets), invocation)
        return "failed"

    def _ended(self, record: BatchRecord, batch: Any) -> str:
        if record.status == "expired":
            return "expired (its 24 h window ran out) before answering every request"
        if record.status == "completed":
            return "completed without an output file" if not batch.output_file_id else "completed without a result for every request"
        errors = getattr(getattr(batch, "errors", None), "data", None) or []
        detail = "; ".join(str(getattr(e, "message", e)) for e in errors)
        return f"ended {record.status}" + (f" ({redact(detail, self.secrets)})" if detail else "")

    async def _provider(self, call: Awaitable[Any], what: str) -> Any:
        """A files or batches call; its failure names the model and what was being done."""
        try:
            return await call
        except Exception as exc:  # litellm maps provider failures to its own exception types
            raise ProviderError(redact(f"{self.model}: {what} failed: {type(exc).__name__}: {exc}", self.secrets)) from exc
