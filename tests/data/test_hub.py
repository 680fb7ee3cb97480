"""The dataset through the real `datasets` loader, offline, with caches in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factory
from xpert_pytest.data.dataset import load_benchmark, load_hub
from xpert_pytest.data.hub import render_card, stage
from xpert_pytest.data.schema import Task

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def carded(tmp_path: Path) -> Path:
    folder = factory.write_dataset(tmp_path)
    bench = load_benchmark(str(folder))
    card = folder / "README.md"
    card.write_text(render_card(card.read_text(encoding="utf-8"), bench), encoding="utf-8")
    return folder


def test_every_config_loads_with_datasets_and_equals_the_direct_reader(carded: Path, tmp_path: Path) -> None:
    import datasets

    bench = load_benchmark(str(carded))
    rows = datasets.load_dataset(str(carded), split="test", cache_dir=str(tmp_path / "cache"))
    assert [Task.model_validate(r) for r in rows] == bench.tasks
    law = datasets.load_dataset(str(carded), "law", split="test", cache_dir=str(tmp_path / "cache"))
    assert [r["id"] for r in law] == ["law-t-0001"]


def test_staged_folder_carries_the_exemplars_config_and_loads_through_the_hub_path(carded: Path, tmp_path: Path) -> None:
    bench = load_benchmark(str(carded))
    staged = stage(bench, carded, tmp_path / "exemplars", tmp_path / "staged")
    assert "config_name: exemplars" in (staged / "README.md").read_text(encoding="utf-8")
    via_datasets = load_hub(str(staged), cache_dir=str(tmp_path / "cache"))
    assert via_datasets.tasks == bench.tasks
    assert via_datasets.exemplars == bench.exemplars


def test_shipped_benchmark_loads_per_domain_offline(tmp_path: Path) -> None:
    import datasets

    bench = load_benchmark(str(REPO / "benchmark"))
    domains = sorted({t.domain for t in bench.tasks})
    assert len(domains) >= 3
    for domain in domains:
        rows = datasets.load_dataset(str(REPO / "benchmark"), domain, split="test", cache_dir=str(tmp_path / "c"))
        assert [Task.model_validate(r) for r in rows] == [t for t in bench.tasks if t.domain == domain]
