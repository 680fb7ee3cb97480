"""The Jinja environment over the templates shipped in the package, for prompts and reports alike."""

from __future__ import annotations

from typing import Any


def environment(*, autoescape: bool) -> Any:
    """Strict about undefined names, so a template that drifts from its context fails loudly;
    `auto_reload` is off because the templates ship with the package (no stat() per render)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("xpert_pytest.views", "templates"),
        auto_reload=False,
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
