"""What a taxonomy is, and reading one from a dataset card.

The vocabulary (domains, their categories, checkpoint dimensions, skill groups) belongs to a
dataset, not to this code: XpertBench's card declares its 7 domains, 32 categories and 16
dimensions in a `taxonomy:` block of its YAML front matter, and an imported benchmark brings
its own (HealthBench: themes, physician-agreed categories and axes). The schema, the test ids
and markers, the gates, the statistics, the summary and the report all read the taxonomy
that was loaded with the data. Slugs are what data files and test ids use; titles are what
people read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

SLUG = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
CARD_KEY = "taxonomy"
FRONT_MATTER = re.compile(r"\A---\n(.*?\n)?---\n", re.DOTALL)

Slug = Annotated[str, StringConstraints(pattern=SLUG)]
Name = Annotated[str, StringConstraints(min_length=1)]


class TaxonomyError(ValueError):
    """A card whose taxonomy is missing or malformed; the message names the card."""


class Domain(BaseModel):
    """`expert` is who grades this domain's work in the judge prompt (default: "<title> professional")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Name
    categories: dict[Slug, Name] = Field(min_length=1)
    expert: Name | None = None


class Taxonomy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    domains: dict[Slug, Domain] = Field(min_length=1)
    dimensions: list[Name] = Field(min_length=1)
    skill_groups: dict[Name, list[Name]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Taxonomy:
        repeated = sorted({d for d in self.dimensions if self.dimensions.count(d) > 1})
        if repeated:
            raise ValueError(f"dimensions: {', '.join(repeated)} listed more than once")
        for group, members in self.skill_groups.items():
            unknown = [d for d in members if d not in self.dimensions]
            if unknown:
                raise ValueError(f"skill_groups.{group}: {', '.join(unknown)} is not one of the dimensions")
        return self

    def domain_title(self, domain: str) -> str:
        """A name this taxonomy does not know (a results file from elsewhere) is shown as is."""
        return self.domains[domain].title if domain in self.domains else domain

    def category_title(self, domain: str, category: str) -> str:
        return self.domains[domain].categories.get(category, category) if domain in self.domains else category

    def category_label(self, key: str, with_domain: bool = True) -> str:
        domain, _, category = key.partition("/")
        title = self.category_title(domain, category)
        return f"{self.domain_title(domain)} · {title}" if with_domain else title

    def expert(self, domain: str) -> str:
        known = self.domains.get(domain)
        if known is not None and known.expert:
            return known.expert
        return f"{self.domain_title(domain)} professional"

    def domain_order(self, present: Iterable[str]) -> list[str]:
        """The names in `present`: this taxonomy's order first, unknown names after, sorted."""
        names = set(present)
        return [d for d in self.domains if d in names] + sorted(names - self.domains.keys())

    def dimension_order(self, present: Iterable[str]) -> list[str]:
        names = set(present)
        return [d for d in self.dimensions if d in names] + sorted(names - set(self.dimensions))

    def card_block(self) -> dict[str, Any]:
        """The `taxonomy:` value of a card's front matter."""
        return self.model_dump(mode="json", exclude_none=True)


def category_key(domain: str, category: str) -> str:
    """How results name a category: categories are only unique within their domain."""
    return f"{domain}/{category}"


def title_from_slug(slug: str) -> str:
    """`emergency_referrals` -> "Emergency referrals": a readable name for vocabulary that comes without titles."""
    words = re.sub(r"[-_]+", " ", slug).strip()
    return words[:1].upper() + words[1:] if words else slug


def front_matter(text: str) -> dict[str, Any] | None:
    """The card's YAML front matter as a mapping, or None when the card has none."""
    import yaml

    match = FRONT_MATTER.match(text)
    if match is None:
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    meta = yaml.load(match.group(1) or "", Loader=loader)
    return meta if isinstance(meta, dict) else {}


def parse_card(text: str, where: str) -> Taxonomy:
    """The taxonomy a dataset card declares; `where` names the card in every message."""
    import yaml

    try:
        meta = front_matter(text)
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{where}: the card's YAML front matter does not parse: {exc}") from exc
    block = (meta or {}).get(CARD_KEY)
    if block is None:
        raise TaxonomyError(
            f"{where}: the dataset card declares no taxonomy: add a `{CARD_KEY}:` block (domains with their "
            "categories, dimensions, skill_groups) to its YAML front matter, as benchmark/README.md does"
        )
    try:
        return Taxonomy.model_validate(block)
    except ValidationError as exc:
        details = "; ".join(
            f"{CARD_KEY}.{'.'.join(str(p) for p in e['loc'])}: {str(e['msg']).removeprefix('Value error, ')}"
            if e["loc"] else str(e["msg"]).removeprefix("Value error, ")
            for e in exc.errors()
        )
        raise TaxonomyError(f"{where}: {details}") from exc


def read_card(card: Path) -> Taxonomy:
    try:
        text = card.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{card}: no readable dataset card, so no taxonomy: {exc}") from exc
    return parse_card(text, str(card))
