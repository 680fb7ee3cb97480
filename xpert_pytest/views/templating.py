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


def file_template(path: str) -> Any:
    """A user's own template file, outside the package, in the same strict prompt environment;
    Jinja's own errors (syntax, with the line) propagate to the caller, which names the file."""
    import jinja2

    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    with open(path, encoding="utf-8") as handle:
        return env.from_string(handle.read())
