"""The taxonomy is the dataset's: declared by its card, validated, and used to validate the records."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests import factory
from xpert_pytest.data.dataset import DataError, load_local
from xpert_pytest.data.locate import packaged_dataset
from xpert_pytest.data.taxonomy import TaxonomyError, parse_card, read_card


def test_our_card_declares_7_domains_32_categories_16_dimensions_and_two_skill_groups() -> None:
    taxonomy = read_card(packaged_dataset() / "README.md")
    assert len(taxonomy.domains) == 7
    assert sum(len(d.categories) for d in taxonomy.domains.values()) == 32
    assert len(taxonomy.dimensions) == 16
    assert list(taxonomy.skill_groups) == ["quantitative reasoning", "linguistic synthesis"]
    assert taxonomy.category_label("finance/equity-research") == "Finance · Equity Research & Corporate Analysis"
    assert taxonomy.expert("law") == "Law professional"
    assert taxonomy.domain_title("astrology") == "astrology"  # a name it does not know is shown as is


def _card(block: object) -> str:
    return "---\n" + yaml.safe_dump({"license": "cc-by-4.0", "taxonomy": block}, sort_keys=False) + "---\n# card\n"


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (None, "card.md: the dataset card declares no taxonomy: add a `taxonomy:` block"),
        ({"domains": {}, "dimensions": ["a"]}, "card.md: taxonomy.domains: Dictionary should have at least 1 item"),
        ({"domains": {"Bad Slug": {"title": "x", "categories": {"c": "C"}}}, "dimensions": ["a"]}, "taxonomy.domains.Bad Slug.[key]: String should match pattern"),
        ({"domains": {"d": {"title": "D", "categories": {"c": "C"}}}, "dimensions": ["a", "a"]}, "dimensions: a listed more than once"),
        ({"domains": {"d": {"title": "D", "categories": {"c": "C"}}}, "dimensions": ["a"], "skill_groups": {"g": ["b"]}}, "skill_groups.g: b is not one of the dimensions"),
        ({"domains": {"d": {"title": "D", "categories": {"c": "C"}}}, "dimensions": ["a"], "extra": 1}, "taxonomy.extra: Extra inputs are not permitted"),
    ],
)
def test_a_bad_taxonomy_is_named_with_its_card_and_field(block: object, message: str) -> None:
    text = "---\nlicense: mit\n---\n# no taxonomy\n" if block is None else _card(block)
    with pytest.raises(TaxonomyError) as excinfo:
        parse_card(text, "card.md")
    assert message in str(excinfo.value)


def test_a_dataset_brings_its_own_vocabulary(tmp_path: Path) -> None:
    """A folder in our format with another taxonomy: its records are validated against that one."""
    block = {"domains": {"astronomy": {"title": "Astronomy", "categories": {"orbits": "Orbital Mechanics"}}}, "dimensions": ["Rigour"]}
    record = factory.task("ast-t-0001", "astronomy", "orbits", [9, 9])
    for checkpoint in record["rubric"]:
        checkpoint["dimension"] = "Rigour"
    folder = factory.write_dataset(tmp_path, [record])
    (folder / "README.md").write_text(_card(block), encoding="utf-8")
    bench = load_local(folder, tmp_path / "exemplars")
    assert bench.taxonomy.domain_title("astronomy") == "Astronomy" and bench.tasks[0].domain == "astronomy"
    factory.write_dataset(tmp_path, factory.standard_tasks())
    (folder / "README.md").write_text(_card(block), encoding="utf-8")
    with pytest.raises(DataError) as excinfo:
        load_local(folder, None)
    assert any("finance.jsonl:1: [fin-t-0001] field domain: unknown domain 'finance'; expected one of astronomy" in p for p in excinfo.value.problems)


def test_a_folder_without_a_declared_taxonomy_does_not_load(tmp_path: Path) -> None:
    folder = factory.write_dataset(tmp_path)
    (folder / "README.md").write_text("# a card with no front matter\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"README.md: the dataset card declares no taxonomy"):
        load_local(folder, None)
