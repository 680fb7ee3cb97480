"""A loopback OpenAI-compatible chat server with known behaviour, for tests and benchmarks.

It lets the real litellm HTTP path run with no network: the model under test answers by
naming checkpoints it "covers" (every id whose number is not a multiple of 3, so expected
scores can be computed by hand from a rubric), and a model whose name contains "judge"
grades by the contract: a checkpoint is met when the candidate answer names it (a
"lenient" judge marks every checkpoint met). Asked for three-level verdicts (a graded rule), it
answers "satisfied" for a named checkpoint and "not" for the others, or "partially" when its
name contains "partial". Faults
(HTTP errors with Retry-After, hangs, dropped connections, bad JSON) can be scripted per
model, and a fixed latency can be added to every answer. Hostile behaviours (refusals, cut-off
answers, lone surrogates, trickled bodies, judges that quote forged verdicts or bend the
contract: `hostile`) are there so the tests can keep the gates honest.

Usage reports the prompt cache as the providers do (`prompt_cache`): OpenAI's
`prompt_tokens_details.cached_tokens` on chat completions, and on `/v1/messages`, a minimal
Anthropic Messages endpoint, `cache_read_input_tokens` and `cache_creation_input_tokens` for
prefixes marked with `cache_control`.

It also serves the OpenAI files and batches endpoints (`/v1/files`, `/v1/batches`): a batch
moves from validating through in_progress to completed over a set number of status polls, and
answers each line exactly as the chat endpoint would answer the same request. Batch faults
(`BatchFault`: failed lines, a batch that expires part-way, one that completes with no output
file) are scripted like the others, and so are refused uploads (`script_upload`).
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from xpert_pytest.testing.hostile import PLANTED, hostile_reply
from xpert_pytest.testing.prompt_cache import PrefixCache, Segment, prompt_tokens, segments

CANDIDATE_TEMPLATE = "Working answer. Points addressed: {ids}."
CHECKPOINT_LINE = re.compile(r"^- (c\d+) \[", re.MULTILINE)
GRADED_CONTRACT = '"verdict": "satisfied" or "partially" or "not"'  # as judge_system.j2 asks for it
CANDIDATE_BLOCK = re.compile(r'<candidate_answer nonce="(\w+)">\n(.*)\n</candidate_answer nonce="\1">', re.DOTALL)


def covered(checkpoint_id: str) -> bool:
    """The stub candidate's rule: it covers every checkpoint whose number is not a multiple of 3."""
    return int(re.sub(r"\D", "", checkpoint_id) or 0) % 3 != 0


def stub_answer() -> str:
    return CANDIDATE_TEMPLATE.format(ids=", ".join(f"c{n:02d}" for n in range(1, 41) if covered(f"c{n}")))


def as_chat(body: dict[str, Any]) -> dict[str, Any]:
    """An Anthropic messages body as the chat-completions body `respond` reads: text only."""
    parts = segments(body)
    return {**body, "messages": [{"role": p.role, "content": p.text} for p in _merged(parts)]}


def _merged(parts: list[Segment]) -> list[Segment]:
    """Consecutive blocks of one message joined, as a chat message holds them."""
    merged: list[Segment] = []
    for part in parts:
        if merged and merged[-1].role == part.role:
            merged[-1] = Segment(part.role, merged[-1].text + part.text)
        else:
            merged.append(part)
    return merged


def stub_verdicts(prompt: str, lenient: bool = False, levels: bool = False, partial: bool = False) -> dict[str, Any]:
    """Met when the candidate answer names the checkpoint; a lenient judge marks everything met.

    With `levels` the verdicts have three levels: "satisfied" when named, else "partially" for a
    `partial` judge and "not" for any other."""
    ids = CHECKPOINT_LINE.findall(prompt.split("## Graded example")[0])
    match = CANDIDATE_BLOCK.search(prompt)
    answer = match.group(2) if match else ""
    mentioned = set(ids) if lenient else set(re.findall(r"\bc\d+\b", answer))
    if levels:
        missed = "partially" if partial else "not"
        return {
            "verdicts": [
                {"checkpoint_id": cid, "verdict": "satisfied" if cid in mentioned else missed, "rationale": f"{cid}: graded by name."}
                for cid in ids
            ]
        }
    return {
        "verdicts": [
            {"checkpoint_id": cid, "met": cid in mentioned, "rationale": f"{cid} {'is' if cid in mentioned else 'is not'} addressed."}
            for cid in ids
        ]
    }


class _Server(ThreadingHTTPServer):
    # The default listen backlog of 5 drops the SYNs of a burst of new connections, which then
    # wait for TCP's one-second retransmit: a client opening 64 connections at once would see
    # the server, not itself, as slow.
    request_queue_size = 1024
    daemon_threads = True


@dataclass
class Fault:
    """What to do instead of answering: an HTTP status, a hang, a dropped connection, a given body,
    a refusal (`content: null` with a `refusal` text), a finish reason, an error body echoing the API key, a body sent one byte per
    `trickle` seconds, or a reply with no choices at all."""

    status: int = 200
    retry_after: float | None = None
    hang: float = 0.0
    drop: bool = False
    content: str | None = None
    refusal: str | None = None
    finish_reason: str = "stop"
    trickle: float = 0.0
    no_choices: bool = False
    echo_auth: bool = False  # an error body that repeats the caller's Authorization header


@dataclass
class BatchFault:
    """How the next batch goes wrong: its first `failed_lines` lines fail (they go to the error
    file with status 500); it expires after answering `expire_after` lines (the rest go to the
    error file as `batch_expired`); or it completes with neither output nor error file."""

    failed_lines: int = 0
    expire_after: int | None = None
    no_output: bool = False


@dataclass
class LoopbackBatch:
    id: str
    input_file_id: str
    endpoint: str
    metadata: dict[str, str]
    total: int
    fault: BatchFault
    created_at: int
    polls: int = 0
    status: str = "validating"
    completed: int = 0
    failed: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None

    def payload(self) -> dict[str, Any]:
        done = self.status in ("completed", "expired")
        return {
            "id": self.id, "object": "batch", "endpoint": self.endpoint, "errors": None,
            "input_file_id": self.input_file_id, "completion_window": "24h", "status": self.status,
            "output_file_id": self.output_file_id, "error_file_id": self.error_file_id,
            "created_at": self.created_at, "in_progress_at": self.created_at, "expires_at": self.created_at + 86400,
            "completed_at": self.created_at + 1 if self.status == "completed" else None,
            "expired_at": self.created_at + 1 if self.status == "expired" else None,
            "failed_at": None, "cancelled_at": None, "cancelling_at": None, "finalizing_at": None,
            "request_counts": {"total": self.total, "completed": self.completed, "failed": self.failed if done else 0},
            "metadata": self.metadata,
        }


@dataclass
class Stats:
    requests: int = 0
    by_model: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0
    peak_in_flight: int = 0
    first_request_at: float | None = None  # time.monotonic() of the first request
    last_response_at: float | None = None
    prompt_tokens: dict[str, int] = field(default_factory=dict)  # by model, over the answers sent
    cached_tokens: dict[str, int] = field(default_factory=dict)  # of those, read from the prompt cache
    cache_write_tokens: dict[str, int] = field(default_factory=dict)

    def count(self, model: str, prompt: int, cached: int, written: int) -> None:
        for tally, value in ((self.prompt_tokens, prompt), (self.cached_tokens, cached), (self.cache_write_tokens, written)):
            tally[model] = tally.get(model, 0) + value
    batch_lines: dict[str, int] = field(default_factory=dict)  # lines answered inside batches, per model


class LoopbackServer:
    """Start with `with LoopbackServer() as server:`; `server.api_base` is the URL to give litellm."""

    def __init__(self, latency: float = 0.0, judge_latency: float | None = None, batch_polls: int = 2) -> None:
        """`batch_polls`: status requests a batch takes to finish (the first shows it in progress)."""
        self.latency = latency
        self.judge_latency = latency if judge_latency is None else judge_latency
        self.batch_polls = batch_polls
        self.stats = Stats()
        self.prompt_cache = PrefixCache()
        self.bodies: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, LoopbackBatch] = {}
        self._ids = itertools.count(1)
        self._faults: dict[str, list[Fault]] = {}
        self._batch_faults: list[BatchFault] = []
        self._upload_faults: list[Fault] = []
        self._lock = threading.Lock()
        self._counting = threading.Lock()
        self.respond: Callable[[dict[str, Any]], str] = self.default_response
        self._httpd = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="loopback-llm", daemon=True)

    @property
    def api_base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def script(self, model_part: str, *faults: Fault) -> None:
        """Queue faults for the next requests to any model whose name contains `model_part`."""
        with self._lock:
            self._faults.setdefault(model_part, []).extend(faults)

    def script_batch(self, *faults: BatchFault) -> None:
        """Queue faults for the next batches created, one each."""
        with self._lock:
            self._batch_faults.extend(faults)

    def script_upload(self, *faults: Fault) -> None:
        """Queue HTTP errors (`Fault.status`) for the next file uploads, one each."""
        with self._lock:
            self._upload_faults.extend(faults)

    def _next_fault(self, model: str) -> Fault | None:
        with self._lock:
            for part, queue in self._faults.items():
                if part in model and queue:
                    return queue.pop(0)
        return None

    @staticmethod
    def default_response(body: dict[str, Any]) -> str:
        messages = body.get("messages", [])
        model = str(body.get("model", ""))
        if "judge" in model:
            prompt = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
            levels = any(GRADED_CONTRACT in str(m.get("content", "")) for m in messages)
            own = stub_verdicts(PLANTED.sub("", prompt), lenient="lenient" in model, levels=levels, partial="partial" in model)
            match = CANDIDATE_BLOCK.search(prompt)
            return hostile_reply(model, own, match.group(2) if match else "") or json.dumps(own)
        return stub_answer()

    def completion(self, body: dict[str, Any], fault: Fault | None = None) -> dict[str, Any]:
        """The chat completion object answering `body`, as the chat endpoint sends it."""
        fault = fault or Fault()
        model = str(body.get("model", ""))
        content = fault.content if fault.content is not None else self.respond(body)
        message: dict[str, Any] = {"role": "assistant", "content": content}
        if fault.refusal is not None:
            message = {"role": "assistant", "content": None, "refusal": fault.refusal}
            content = fault.refusal
        choices = [] if fault.no_choices else [{"index": 0, "message": message, "finish_reason": fault.finish_reason}]
        parts = segments(body)
        prompt, completion = prompt_tokens(parts), len(content) // 4
        cached = self.prompt_cache.automatic(model, parts)
        with self._counting:  # callers may hold `_lock` (a batch finishing)
            self.stats.count(model, prompt, cached, 0)
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached},
        }
        return {
            "id": f"chatcmpl-{next(self._ids)}", "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": choices, "usage": usage,
        }

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids):06d}"

    def upload(self, content: bytes) -> dict[str, Any]:
        with self._lock:
            file_id = self._new_id("file")
            self.files[file_id] = content
        return {
            "id": file_id, "object": "file", "bytes": len(content), "created_at": int(time.time()),
            "filename": "input.jsonl", "purpose": "batch", "status": "processed",
        }

    def create_batch(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        file_id = str(request.get("input_file_id", ""))
        if file_id not in self.files:
            return 404, {"error": {"message": f"No such File object: {file_id}", "type": "invalid_request_error"}}
        lines = [line for line in self.files[file_id].splitlines() if line.strip()]
        with self._lock:
            fault = self._batch_faults.pop(0) if self._batch_faults else BatchFault()
            batch = LoopbackBatch(
                id=self._new_id("batch"), input_file_id=file_id, endpoint=str(request.get("endpoint", "")),
                metadata=dict(request.get("metadata") or {}), total=len(lines), fault=fault, created_at=int(time.time()),
            )
            self.batches[batch.id] = batch
        return 200, batch.payload()

    def poll_batch(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        """One status request: the batch advances, and on its last poll answers every line."""
        batch = self.batches.get(batch_id)
        if batch is None:
            return 404, {"error": {"message": f"No batch with id {batch_id}", "type": "invalid_request_error"}}
        with self._lock:
            if batch.status in ("validating", "in_progress"):
                batch.polls += 1
                if batch.polls >= self.batch_polls:
                    self._finish(batch)
                else:
                    batch.status = "in_progress"
                    batch.completed = batch.total * batch.polls // (self.batch_polls + 1)
            return 200, batch.payload()

    def _finish(self, batch: LoopbackBatch) -> None:
        fault = batch.fault
        outputs, errors = [], []
        lines = [json.loads(line) for line in self.files[batch.input_file_id].splitlines() if line.strip()]
        for n, line in enumerate(lines):
            entry: dict[str, Any] = {"id": f"batch_req_{batch.id}_{n}", "custom_id": line.get("custom_id")}
            if fault.expire_after is not None and n >= fault.expire_after:
                message = "This request could not be executed before the completion window expired."
                errors.append({**entry, "response": None, "error": {"code": "batch_expired", "message": message}})
            elif n < fault.failed_lines:
                error = {"message": "scripted batch line failure", "type": "server_error"}
                errors.append({**entry, "response": {"status_code": 500, "request_id": entry["id"], "body": {"error": error}}, "error": None})
            else:
                body = line.get("body", {})
                model = str(body.get("model", ""))
                self.stats.batch_lines[model] = self.stats.batch_lines.get(model, 0) + 1
                outputs.append({**entry, "response": {"status_code": 200, "request_id": entry["id"], "body": self.completion(body)}, "error": None})
        batch.status = "expired" if fault.expire_after is not None else "completed"
        batch.completed, batch.failed = len(outputs), len(errors)
        if fault.no_output:
            return
        for kind, records in (("output_file_id", outputs), ("error_file_id", errors)):
            if records:
                file_id = self._new_id("file")
                self.files[file_id] = "".join(json.dumps(r) + "\n" for r in records).encode()
                setattr(batch, kind, file_id)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle's algorithm on, the body waits
            # for the client's delayed ACK of the headers, adding ~40 ms to every answer.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _send(
                self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None, trickle: float = 0.0
            ) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                if not trickle:
                    self.wfile.write(data)
                    return
                for byte in data:  # a server that keeps every read alive but never finishes in time
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(trickle)

            def _send_bytes(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = self.path.split("?")[0].strip("/").split("/")  # v1, files|batches, id, ...
                if parts[1:2] == ["files"] and len(parts) == 4 and parts[3] == "content":
                    content = server.files.get(parts[2])
                    if content is None:
                        self._send(404, {"error": {"message": f"No such File object: {parts[2]}", "type": "invalid_request_error"}})
                    else:
                        self._send_bytes(200, content, "application/octet-stream")
                elif parts[1:2] == ["batches"] and len(parts) == 3:
                    self._send(*server.poll_batch(parts[2]))
                elif parts[1:] == ["batches"]:
                    listed = [b.payload() for b in reversed(list(server.batches.values()))]
                    self._send(200, {"object": "list", "data": listed, "has_more": False})
                else:
                    self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})

            def _upload(self, raw: bytes) -> None:
                with server._lock:
                    fault = server._upload_faults.pop(0) if server._upload_faults else None
                if fault is not None and fault.status != 200:
                    self._send(fault.status, {"error": {"message": f"scripted {fault.status}", "type": "scripted"}})
                    return
                head = f"Content-Type: {self.headers.get('Content-Type', '')}\r\n\r\n".encode()
                form = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
                fields = {part.get_param("name", header="content-disposition"): part for part in form.iter_parts()}
                purpose = fields["purpose"].get_content().strip() if "purpose" in fields else None
                if purpose != "batch" or "file" not in fields:
                    self._send(400, {"error": {"message": f"expected purpose=batch and a file, got {purpose!r}", "type": "invalid_request_error"}})
                    return
                self._send(200, server.upload(fields["file"].get_payload(decode=True) or b""))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                route = self.path.split("?")[0].rstrip("/")
                if route.endswith("/files"):
                    self._upload(raw)
                    return
                if route.endswith("/batches"):
                    self._send(*server.create_batch(json.loads(raw or b"{}")))
                    return
                body = json.loads(raw or b"{}")
                model = str(body.get("model", ""))
                with server._lock:
                    if server.stats.first_request_at is None:
                        server.stats.first_request_at = time.monotonic()
                    server.bodies.append(body)
                    server.stats.requests += 1
                    server.stats.by_model[model] = server.stats.by_model.get(model, 0) + 1
                    server.stats.in_flight += 1
                    server.stats.peak_in_flight = max(server.stats.peak_in_flight, server.stats.in_flight)
                try:
                    self._answer(body, model)
                finally:
                    with server._lock:
                        server.stats.in_flight -= 1
                        server.stats.last_response_at = time.monotonic()

            def _answer(self, body: dict[str, Any], model: str) -> None:
                fault = server._next_fault(model)
                if fault and fault.hang:
                    time.sleep(fault.hang)
                if fault and fault.drop:
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if fault and fault.status != 200:
                    headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
                    text = f"scripted {fault.status}"
                    if fault.echo_auth:
                        text = f"Incorrect API key provided: {self.headers.get('Authorization', '')}"
                    self._send(fault.status, {"error": {"message": text, "type": "scripted"}}, headers)
                    return
                delay = server.judge_latency if "judge" in model else server.latency
                if delay:
                    time.sleep(delay)
                fault = fault or Fault()
                if self.path.rstrip("/").endswith("/messages"):
                    content = fault.content if fault.content is not None else server.respond(as_chat(body))
                    self._send(200, self._message(body, model, content, fault), trickle=fault.trickle)
                    return
                self._send(200, server.completion(body, fault), trickle=fault.trickle)

            def _message(self, body: dict[str, Any], model: str, content: str, fault: Fault) -> dict[str, Any]:
                """An Anthropic Messages reply; its input_tokens leave out what the cache read or wrote, as Anthropic's do."""
                parts = segments(body)
                prompt = prompt_tokens(parts)
                read, written = server.prompt_cache.explicit(model, parts)
                with server._counting:
                    server.stats.count(model, prompt, read, written)
                return {
                    "id": f"msg_{server.stats.requests}",
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [{"type": "text", "text": content}],
                    "stop_reason": "max_tokens" if fault.finish_reason == "length" else "end_turn",
                    "stop_sequence": None,
                    "usage": {
                        "input_tokens": prompt - read - written,
                        "output_tokens": len(content) // 4,
                        "cache_read_input_tokens": read,
                        "cache_creation_input_tokens": written,
                    },
                }

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the loopback OpenAI-compatible stub until interrupted.")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args()
    with LoopbackServer(latency=args.latency) as server:
        print(server.api_base, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
