"""Shared fixtures.

numpy is imported here, before any test: pytester takes sys.modules back to its state before each
test that uses it, and numpy, once dropped that way after an in-process import (by the report's
statistics, say), cannot be imported again in the same process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy  # noqa: F401
import pytest

from tests import factory
from xpert_pytest.testing.loopback import LoopbackServer


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def bench_dir(pytester: pytest.Pytester) -> Path:
    """A pytester project holding the standard three-task dataset as benchmark/ and exemplars/."""
    return factory.write_dataset(pytester.path)


def model_args(server: LoopbackServer, *, model: str = "openai/stub-model", judge: str = "openai/stub-judge") -> list[str]:
    args = [f"--xpert-model={model}", *(f"--xpert-judge={j}" for j in judge.split("+"))]
    for flag in ("--xpert-model-arg", "--xpert-judge-arg"):
        args += [flag, f"api_base={server.api_base}", flag, "api_key=sk-loopback", flag, "max_retries=2"]
    return args


def latest_results(folder: Path) -> Path:
    """The results.json written last under `folder` (run folders of one second sort by run id)."""
    paths = list(folder.glob("*/results.json"))
    assert paths, f"no results.json under {folder}"
    return max(paths, key=lambda p: p.stat().st_mtime_ns)


def results_of(root: Path) -> dict[str, Any]:
    return json.loads(latest_results(root / "reports").read_text(encoding="utf-8"))


def scores_of(root: Path) -> dict[str, float | None]:
    return {t["task_id"]: t["score"] for t in results_of(root)["tasks"]}
