"""Which task set runs when none is named."""

from __future__ import annotations

from pathlib import Path

from xpert_pytest.data.locate import PACKAGED, default_dataset, describe, find_dataset, packaged_dataset
from xpert_pytest.data.schema import CANARY


def _dataset(root: Path, card: str) -> Path:
    folder = root / "benchmark"
    (folder / "data").mkdir(parents=True)
    (folder / "README.md").write_text(card, encoding="utf-8")
    return folder


def test_a_checkout_benchmark_is_found_from_a_subdirectory(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, f"---\n---\ncanary {CANARY}\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_dataset(deep) == folder
    assert default_dataset(deep) == folder
    assert describe(folder) == str(folder.resolve())


def test_an_unrelated_benchmark_folder_is_not_ours(tmp_path: Path) -> None:
    _dataset(tmp_path, "# our team's own benchmarks\n")
    assert find_dataset(tmp_path) is None
    assert default_dataset(tmp_path) == packaged_dataset()


def test_hub_ids_and_missing_folders_are_named_as_given() -> None:
    assert describe("org/xpertbench") == "org/xpertbench"
    assert PACKAGED == "packaged"
