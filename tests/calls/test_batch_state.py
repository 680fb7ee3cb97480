"""The state file of a batch run: written atomically, read back whole, refused for another run."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from xpert_pytest.calls.batch_state import (
    STATE_FILE,
    BatchRecord,
    BatchState,
    BatchStateError,
    differences,
    find_open,
    open_state,
    read_state,
    write_state,
)

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
IDENTITY = {"model": "openai/gpt-5", "judges": "openai/judge", "dataset fingerprint": "abc"}


def _state(run_key: str = "key-a", created: dt.datetime = NOW, identity: dict[str, str] | None = None) -> BatchState:
    record = BatchRecord(
        id="batch_1", model="openai/gpt-5", input_file_id="file_1", requests=["k1", "k2"], kinds={"answer": 2},
        submitted=created, status="in_progress",
    )
    return BatchState(run_key=run_key, identity=identity or IDENTITY, created=created, batches=[record])


def test_a_state_file_reads_back_as_written_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "run" / STATE_FILE
    state = _state()
    write_state(state, path)
    assert read_state(path) == state
    assert sorted(p.name for p in path.parent.iterdir()) == [STATE_FILE]
    assert read_state(path).live_keys() == {"k1", "k2"}


def test_collected_batches_hold_no_live_request() -> None:
    state = _state()
    state.batches.append(state.batches[0].model_copy(update={"id": "batch_2", "requests": ["k3"], "collected": True}))
    assert [b.id for b in state.live()] == ["batch_1"]
    assert state.live_keys() == {"k1", "k2"}


def test_differences_name_each_setting_that_changed() -> None:
    current = {**IDENTITY, "judges": "anthropic/claude", "epochs": "2"}
    assert differences(IDENTITY, current) == [
        "epochs - (batch run) vs 2 (this run)",
        "judges openai/judge (batch run) vs anthropic/claude (this run)",
    ]


def test_another_runs_state_is_refused_naming_what_differs(tmp_path: Path) -> None:
    write_state(_state(), tmp_path / STATE_FILE)
    current = {**IDENTITY, "judges": "anthropic/claude"}
    with pytest.raises(BatchStateError, match=r"belongs to another run: judges openai/judge \(batch run\) vs anthropic/claude \(this run\)"):
        open_state(tmp_path, "key-b", current, given=True)
    assert open_state(tmp_path, "key-a", IDENTITY, given=True) == _state()


def test_a_named_folder_without_a_batch_run_or_with_a_finished_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BatchStateError, match="no batches.json there; it is not a batch run's folder"):
        open_state(tmp_path, "key-a", IDENTITY, given=True)
    assert open_state(tmp_path, "key-a", IDENTITY, given=False) is None
    write_state(_state().model_copy(update={"closed": NOW}), tmp_path / STATE_FILE)
    with pytest.raises(BatchStateError, match="that batch run finished on 2026-12-01 12:00"):
        open_state(tmp_path, "key-a", IDENTITY, given=True)


def test_broken_and_foreign_files_are_named(tmp_path: Path) -> None:
    path = tmp_path / STATE_FILE
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BatchStateError, match=f"{path}: not a readable batch state file"):
        read_state(path)
    path.write_text(json.dumps({"schema_version": 9}), encoding="utf-8")
    with pytest.raises(BatchStateError, match="batch state schema 9; this xpertbench reads schema 1"):
        read_state(path)
    data = json.loads(_state().model_dump_json())
    data["batches"][0]["requests"] = "k1"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BatchStateError, match="malformed batch state at batches.0.requests"):
        read_state(path)


def test_the_newest_unfinished_batch_run_of_the_same_key_is_found(tmp_path: Path) -> None:
    write_state(_state(created=NOW), tmp_path / "older" / STATE_FILE)
    write_state(_state(created=NOW + dt.timedelta(hours=1)), tmp_path / "newer" / STATE_FILE)
    write_state(_state(created=NOW + dt.timedelta(hours=2)).model_copy(update={"closed": NOW}), tmp_path / "finished" / STATE_FILE)
    write_state(_state(run_key="key-b", created=NOW + dt.timedelta(hours=3)), tmp_path / "other" / STATE_FILE)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / STATE_FILE).write_text("[]", encoding="utf-8")
    assert find_open(tmp_path, "key-a") == tmp_path / "newer"
    assert find_open(tmp_path, "key-c") is None
