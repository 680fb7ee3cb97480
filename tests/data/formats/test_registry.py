from __future__ import annotations

from pathlib import Path

import pytest

from xpert_pytest.data.dataset import DataError
from xpert_pytest.data.formats.registry import FORMATS, describe, load, parse
from xpert_pytest.data.locate import packaged_dataset


def test_a_prefix_selects_the_format_and_none_means_ours() -> None:
    assert [(f.name, where) for f, where in [parse("healthbench:data/x.jsonl"), parse("benchmark"), parse("org/name")]] == [
        ("healthbench", "data/x.jsonl"), ("xpertbench", "benchmark"), ("xpertbench", "org/name"),
    ]
    assert parse(f"xpertbench:{packaged_dataset()}")[1] == str(packaged_dataset())
    assert describe("org/name") == "org/name"  # a Hub id is named as given


def test_an_existing_path_with_a_colon_is_not_split(tmp_path: Path) -> None:
    odd = tmp_path / "set:v2"
    odd.mkdir()
    assert parse(str(odd)) == (FORMATS["xpertbench"], str(odd))
    relative = Path("healthbench:thing")
    assert not relative.exists() and parse(str(relative))[0].name == "healthbench"


def test_an_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(DataError) as excinfo:
        load("medbench:tasks.jsonl")
    assert excinfo.value.problems == ["medbench:tasks.jsonl: unknown dataset format 'medbench'; known formats: xpertbench, healthbench, prbench, profbench, researchrubrics"]
