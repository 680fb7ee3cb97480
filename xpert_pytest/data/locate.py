"""Which task set runs when none is named: a checkout's `benchmark/`, else the packaged copy.

Contributors work in a checkout, so a `benchmark/` folder found from the directory a command
was started in (that folder or any above it) wins. Model teams run from their own
repositories, where the copy shipped inside the wheel is used. A `benchmark/` folder only
counts when its dataset card carries the XpertBench canary, so a team's unrelated
`benchmark/` folder is never mistaken for ours.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from xpert_pytest.data.schema import CANARY

FOLDER = "benchmark"
PACKAGED = "packaged"


def _bundled() -> Path:
    return (Path(str(files("xpert_pytest"))) / "bundled" / FOLDER).resolve()


def packaged_dataset() -> Path:
    """The wheel's copy (`xpert_pytest/bundled/`); in a source checkout, the checkout's own."""
    bundled = _bundled()
    return bundled if bundled.is_dir() else Path(__file__).resolve().parents[2] / FOLDER


def is_xpert_dataset(folder: Path) -> bool:
    card = folder / "README.md"
    try:
        return CANARY in card.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def find_dataset(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        candidate = directory / FOLDER
        if is_xpert_dataset(candidate):
            return candidate
    return None


def default_dataset(start: Path) -> Path:
    return find_dataset(start.resolve()) or packaged_dataset()


def describe(dataset: str | Path) -> str:
    """How results and the summary name a dataset: "packaged", or the folder or Hub id given."""
    path = Path(dataset)
    if not path.is_dir():
        return str(dataset)
    resolved = path.resolve()
    return PACKAGED if resolved == _bundled() else str(resolved)
