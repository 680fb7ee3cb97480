"""Every shipped check script recomputes its task's numbers from the shipped record, so no number
in a reference or rubric can drift silently."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xpert_pytest.data.dataset import load_local
from xpert_pytest.data.locate import packaged_dataset

DATASET = packaged_dataset()
SCRIPTS = sorted((DATASET / "checks").glob("*.py"))
DIGITS = "0123456789"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_check_script_passes_on_the_shipped_record(script: Path, tmp_path: Path) -> None:
    bench = load_local(DATASET, None)
    task = bench.by_id.get(script.stem)
    assert task is not None, f"{script}: no task {script.stem} in {DATASET}"
    record = tmp_path / f"{task.id}.json"
    record.write_text(task.model_dump_json(exclude_none=True), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(record)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_drifted_number_fails_its_check_script(tmp_path: Path) -> None:
    """The scripts compare against the record: a reference figure changed by one digit is caught."""
    if not SCRIPTS:
        pytest.skip("no check scripts shipped yet")
    bench = load_local(DATASET, None)
    for script in SCRIPTS:
        task = bench.by_id[script.stem]
        drifted = _drift(task.reference_answer)
        if drifted is None:
            continue
        record = tmp_path / f"{task.id}.json"
        record.write_text(task.model_copy(update={"reference_answer": drifted}).model_dump_json(), encoding="utf-8")
        done = subprocess.run([sys.executable, str(script), str(record)], capture_output=True, text=True, check=False)
        assert done.returncode != 0, f"{script} passed a reference with every number changed"


def _drift(text: str) -> str | None:
    """The reference with every digit shifted by one: no figure it states survives."""
    if not any(ch in DIGITS for ch in text):
        return None
    return "".join(DIGITS[(DIGITS.index(ch) + 1) % 10] if ch in DIGITS else ch for ch in text)
