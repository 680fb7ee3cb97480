"""The plugin loads in every pytest run of anyone who installs us: it must stay light."""

from __future__ import annotations

import subprocess
import sys


def test_plugin_import_pulls_in_no_heavy_dependency() -> None:
    code = (
        "import sys, xpert_pytest.plugin.hooks; "
        "print(','.join(m for m in ('litellm', 'datasets', 'pandas', 'pyarrow', 'pydantic', 'jinja2', 'openai') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_plugin_is_registered_through_the_pytest11_entry_point() -> None:
    from importlib.metadata import entry_points

    assert [e.value for e in entry_points(group="pytest11") if e.name == "xpert"] == ["xpert_pytest.plugin.hooks"]
