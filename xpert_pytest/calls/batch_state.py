"""The state file of a batch run: which provider batches it submitted and what became of them.

A batch run spans several invocations of the same command: the first submits, later ones
collect. `batches.json` in the run folder is what makes that safe: it names the run (its
identity, so that a later command that differs is told how), and for every batch the requests
inside it (each request's id is its cache key), so a rerun never submits a request that a live
batch already holds. It is written atomically after every change, and a batch is entered once
its input file is uploaded, before the provider is asked to create it, so a crash between the
two leaves a record that the next invocation finishes instead of submitting again.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

STATE_FILE = "batches.json"
STATE_SCHEMA = 1
TERMINAL = frozenset({"completed", "expired", "failed", "cancelled"})


class BatchStateError(Exception):
    """The state file cannot be used for this run; the message names the file and what differs."""


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BatchRecord(Record):
    id: str | None = None  # None while the input file is uploaded but the provider has not yet created the batch
    model: str
    role: str = "model"  # model or judge: whose client reads it (a model may judge itself, with other settings)
    input_file_id: str
    requests: list[str]  # custom ids: the cache key of each request
    kinds: dict[str, int] = Field(default_factory=dict)  # requests per kind (answer, judge request, judge repair)
    submitted: dt.datetime
    status: str = "submitting"
    completed: int = 0  # answered (once collected: by our count of its result lines)
    failed: int = 0  # failed lines (retried online)
    collected: bool = False  # its output and error files have been read into the store
    note: str | None = None  # how it ended, when it ended without every answer

    @property
    def live(self) -> bool:
        return not self.collected


class BatchState(Record):
    schema_version: int = STATE_SCHEMA
    run_key: str
    identity: dict[str, str]  # what the run key is made of, named, so a mismatch can say what differs
    created: dt.datetime
    closed: dt.datetime | None = None  # the run reached its verdict: a new command starts a new batch run
    batches: list[BatchRecord] = Field(default_factory=list)

    def live(self) -> list[BatchRecord]:
        return [b for b in self.batches if b.live]

    def live_keys(self) -> set[str]:
        return {key for b in self.live() for key in b.requests}


def differences(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """Each setting that differs, as `name A (batch run) vs B (this run)`."""
    names = sorted(recorded.keys() | current.keys())
    return [
        f"{name} {recorded.get(name, '-')} (batch run) vs {current.get(name, '-')} (this run)"
        for name in names
        if recorded.get(name) != current.get(name)
    ]


def read_state(path: Path) -> BatchState:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BatchStateError(f"{path}: not a readable batch state file: {exc}") from exc
    version = data.get("schema_version") if isinstance(data, dict) else None
    if version != STATE_SCHEMA:
        raise BatchStateError(f"{path}: batch state schema {version!r}; this xpertbench reads schema {STATE_SCHEMA}")
    try:
        return BatchState.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BatchStateError(f"{path}: malformed batch state at {where}: {first['msg']}") from exc


def write_state(state: BatchState, path: Path) -> None:
    """Atomically: an interrupted write never leaves half a record of what was paid for."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(state.model_dump_json(indent=1), encoding="utf-8")
    tmp.replace(path)


def find_open(report_dir: Path, run_key: str) -> Path | None:
    """The newest run folder under `report_dir` holding an unfinished batch run with this key."""
    found = []
    for path in report_dir.glob(f"*/{STATE_FILE}"):
        try:
            state = read_state(path)
        except BatchStateError:
            continue  # another layout or a broken file is not this run's; naming it is for --xpert-batch-run
        if state.run_key == run_key and state.closed is None:
            found.append((state.created, path.parent))
    return max(found)[1] if found else None


def open_state(folder: Path, run_key: str, identity: dict[str, str], given: bool) -> BatchState | None:
    """The batch run kept in `folder`, checked against this run; None when it has none yet.

    `given`: the folder was named by the user (--xpert-batch-run), so one that holds no batch
    run, a finished one, or another run's is an error rather than a fresh start.
    """
    path = folder / STATE_FILE
    if not path.exists():
        if given:
            raise BatchStateError(f"--xpert-batch-run={folder}: no {STATE_FILE} there; it is not a batch run's folder")
        return None
    state = read_state(path)
    if state.run_key != run_key:
        changed = differences(state.identity, identity) or [f"run key {state.run_key} (batch run) vs {run_key} (this run)"]
        raise BatchStateError(
            f"{path} belongs to another run: " + "; ".join(changed)
            + ". Its batches cannot answer this run's requests: run that command to collect them, or start a new "
            "batch run without --xpert-batch-run"
        )
    if state.closed is not None and given:
        raise BatchStateError(
            f"--xpert-batch-run={folder}: that batch run finished on {state.closed:%Y-%m-%d %H:%M}; "
            "run without --xpert-batch-run to start a new one"
        )
    return state
