"""Keeps the project's own test runs offline and out of the user's home directory.

The settings live in an autouse fixture rather than at import time, so a benchmark run
(`pytest --xpert-model=...`) in this repository is not affected by them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

OFFLINE = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}


@pytest.fixture(autouse=True, scope="session")
def _offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for key, value in OFFLINE.items():
            patch.setenv(key, value)
        patch.setenv("HF_HOME", str(tmp_path_factory.mktemp("hf_home")))
        for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL"):
            patch.delenv(key, raising=False)
        yield
