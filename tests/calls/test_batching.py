"""Batch clients against the loopback's files and batches endpoints, through the real litellm path."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from xpert_pytest.calls.batch_state import read_state
from xpert_pytest.calls.batching import BatchClient, BatchLink, BatchMismatch, BatchPending, Deferred, Planned, chunks
from xpert_pytest.calls.cache import CallCache, Completion, call_key
from xpert_pytest.calls.gateway import ModelClient, ProviderError
from xpert_pytest.testing.loopback import BatchFault, Fault, LoopbackServer
from xpert_pytest.calls.pricing import Price

PRICE = Price(1.0, 2.0)


def messages(n: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"Value company number {n}."}]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(batch_polls=1) as server:  # the first status poll finds the batch finished
        yield server


def _link(tmp_path: Path, invocation: str = "inv-1", run_key: str = "run-a") -> BatchLink:
    return BatchLink(tmp_path / "run", None, run_key, {"model": "openai/stub-model"}, invocation, owner=True)


def _client(server: LoopbackServer, link: BatchLink, cache: CallCache | None = None, model: str = "openai/stub-model") -> BatchClient:
    params = {"api_base": server.api_base, "api_key": "sk-loopback", "max_retries": 1, "timeout": 5}
    return BatchClient(model, params, cache, price=PRICE, link=link, role="model")


async def _plan(client: BatchClient, *conversations: list[dict[str, str]], sample: int = 0) -> dict[str, Planned]:
    client.link.begin_plan()
    for conversation in conversations:
        with pytest.raises(Deferred):
            await client.complete(conversation, sample=sample)
    planned, _ = client.link.end_plan()
    return planned


async def _submit(client: BatchClient, *conversations: list[dict[str, str]]) -> Any:
    planned = await _plan(client, *conversations)
    [chunk] = list(chunks(list(planned.values()), 100))
    record = await client.submit(chunk)
    batch = await client.refresh(record)
    await client.collect(record, batch)
    return record


def test_planning_notes_each_request_once_under_its_cache_key(server: LoopbackServer, tmp_path: Path) -> None:
    client = _client(server, _link(tmp_path))

    async def scenario() -> tuple[dict[str, Planned], dict[str, Planned]]:
        return await _plan(client, messages(1), messages(2), messages(1)), await _plan(client, messages(1), sample=1)

    planned, second_epoch = asyncio.run(scenario())
    key = call_key("openai/stub-model", client.params, messages(1))
    assert list(planned) == [key, call_key("openai/stub-model", client.params, messages(2))]
    assert planned[key].body == {"model": "stub-model", "messages": messages(1), "temperature": 0}
    assert planned[key].kind == "answer"
    [epoch_key] = second_epoch  # another epoch of the same prompt: its own request, the same body
    assert epoch_key != key and second_epoch[epoch_key].body == planned[key].body
    assert server.stats.requests == 0 and not server.batches


def test_answers_come_back_at_the_batch_price_and_match_online_answers(server: LoopbackServer, tmp_path: Path) -> None:
    link = _link(tmp_path)
    cache = CallCache(tmp_path / "cache.sqlite")
    client = _client(server, link, cache)

    async def scenario() -> tuple[Completion, Completion, Completion]:
        await _submit(client, messages(1))
        batch = await client.complete(messages(1))
        again = await client.complete(messages(1))
        online = await ModelClient("openai/stub-model", dict(client.params), None).complete(messages(1))
        return batch, again, online

    batch, again, online = asyncio.run(scenario())
    assert batch.batch and not batch.cached
    assert batch.cost_usd == pytest.approx(batch.online_cost_usd / 2)
    assert batch.online_cost_usd == pytest.approx((batch.prompt_tokens * 1 + batch.completion_tokens * 2) / 1e6)
    assert again == batch  # every invocation of the batch run reads it from the run's store, as paid by the run
    assert batch.content == online.content  # the loopback answers a batch line as its chat endpoint would
    assert cache.get(client.key(messages(1))) is not None  # and later runs find it in the cache
    assert server.stats.batch_lines == {"stub-model": 1} and server.stats.by_model == {"stub-model": 1}


def test_failed_lines_are_retried_online_and_expired_ones_are_lost_until_the_next_invocation(
    server: LoopbackServer, tmp_path: Path
) -> None:
    server.script_batch(BatchFault(failed_lines=1, expire_after=2))
    link = _link(tmp_path)
    client = _client(server, link)

    async def scenario() -> tuple[Any, Completion, Completion]:
        record = await _submit(client, messages(0), messages(1), messages(2))
        answered = await client.complete(messages(1))
        retried = await client.complete(messages(0))
        return record, answered, retried

    record, answered, retried = asyncio.run(scenario())
    assert (record.status, record.completed, record.failed) == ("expired", 1, 1)
    assert record.note.startswith("expired (its 24 h window ran out) before answering every request: 1 of 3 request(s) lost")
    assert answered.batch and not retried.batch  # the failed line went online, once
    assert server.stats.by_model == {"stub-model": 1}
    kept = link.store.get(client.key(messages(0)))  # and is kept for the next invocation
    assert kept is not None and (kept.content, kept.cost_usd, kept.batch) == (retried.content, retried.cost_usd, False)
    with pytest.raises(ProviderError, match=r"batch batch-\d+ expired before answering this request; the next run of this command submits it again"):
        asyncio.run(client.complete(messages(2)))
    later = _client(server, _link(tmp_path, invocation="inv-2"))

    async def next_invocation() -> dict[str, Planned]:
        later.link.begin_plan()
        assert (await later.complete(messages(0))).content == retried.content
        assert (await later.complete(messages(1))).batch
        with pytest.raises(Deferred):
            await later.complete(messages(2))
        return later.link.end_plan()[0]

    assert list(asyncio.run(next_invocation())) == [later.key(messages(2))]  # only the lost request goes out again


def test_a_failed_line_whose_online_retry_fails_is_an_error_with_both_messages(server: LoopbackServer, tmp_path: Path) -> None:
    server.script_batch(BatchFault(failed_lines=1))
    server.script("stub-model", Fault(status=400))
    client = _client(server, _link(tmp_path))
    asyncio.run(_submit(client, messages(0)))
    with pytest.raises(ProviderError) as first:
        asyncio.run(client.complete(messages(0)))
    assert "HTTP 500: server_error: scripted batch line failure (request failed in batch batch-" in str(first.value)
    assert "retried online: openai/stub-model: BadRequestError" in str(first.value)
    with pytest.raises(ProviderError, match="scripted batch line failure"):
        asyncio.run(client.complete(messages(0)))
    assert server.stats.requests == 1  # not retried twice in one invocation


def test_a_request_inside_a_live_batch_waits_and_is_never_submitted_again(server: LoopbackServer, tmp_path: Path) -> None:
    server.batch_polls = 3
    link = _link(tmp_path)
    client = _client(server, link)

    async def scenario() -> None:
        [chunk] = list(chunks(list((await _plan(client, messages(1))).values()), 100))
        record = await client.submit(chunk)
        await client.refresh(record)
        link.begin_plan()
        with pytest.raises(Deferred):
            await client.complete(messages(1))
        assert link.end_plan() == ({}, {client.key(messages(1))})
        with pytest.raises(BatchPending, match=rf"its model request is in batch {record.id}, which the provider has not finished"):
            await client.complete(messages(1))

    asyncio.run(scenario())
    assert len(server.batches) == 1


def test_a_batch_is_recorded_once_its_file_is_uploaded_so_a_crash_cannot_submit_it_twice(
    server: LoopbackServer, tmp_path: Path
) -> None:
    link = _link(tmp_path)
    client = _client(server, link)

    async def crash(*args: object) -> None:
        raise KeyboardInterrupt  # the process dies between upload and creation

    async def scenario() -> None:
        [chunk] = list(chunks(list((await _plan(client, messages(1))).values()), 100))
        real = client.api.create
        client.api.create = crash  # type: ignore[method-assign]
        with pytest.raises(KeyboardInterrupt):
            await client.submit(chunk)
        on_disk = read_state(link.state_path).batches[0]
        assert on_disk.id is None and on_disk.input_file_id in server.files
        client.api.create = real  # type: ignore[method-assign]
        await client.refresh(link.state.batches[0])  # the next invocation creates it from the uploaded file
        created = read_state(link.state_path).batches[0].id
        link.state.batches[0].id = None  # created, but the process died before recording it
        await client.refresh(link.state.batches[0])  # found at the provider by its input file, not created again
        assert link.state.batches[0].id == created

    asyncio.run(scenario())
    assert len(server.batches) == 1


def test_a_batch_of_another_run_is_refused_before_anything_is_collected(server: LoopbackServer, tmp_path: Path) -> None:
    theirs = _link(tmp_path / "a", run_key="run-a")
    record = asyncio.run(_submit(_client(server, theirs), messages(1)))
    ours = _link(tmp_path / "b", run_key="run-b")
    ours.record(record.model_copy(update={"collected": False}))
    with pytest.raises(BatchMismatch, match=rf"batch {record.id} recorded in .*batches.json was submitted by another run \(run key run-a, this run run-b\)"):
        asyncio.run(_client(server, ours).refresh(ours.state.batches[0]))
    assert ours.store.get(_client(server, ours).key(messages(1))) is None


def test_input_files_respect_the_line_and_byte_limits() -> None:
    planned = [Planned(f"k{n}", "m", "model", {"messages": [{"content": "x" * 50}]}, "answer", None) for n in range(5)]
    assert [len(c) for c in chunks(planned, 2)] == [2, 2, 1]
    line = len(next(iter(chunks(planned[:1], 10)))[0][1])
    assert [len(c) for c in chunks(planned, 10, max_bytes=2 * line)] == [2, 2, 1]
