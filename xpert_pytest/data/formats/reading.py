"""What every importer does first: find the released JSON Lines files and validate each line.

A location is a file, a folder of `*.jsonl` files, or a Hub dataset `ORG/NAME[/FILE.jsonl]`
downloaded as released. A line that does not match the publisher's shape is a problem naming
file, line, the record's id and the field; the importers add their own checks after this.
"""

from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from xpert_pytest.data.dataset import DataError, Located, check_tasks, format_validation_error, read_jsonl, validate_rows
from xpert_pytest.data.schema import Task
from xpert_pytest.data.taxonomy import Taxonomy

Record = TypeVar("Record", bound=BaseModel)


def _hub_files(location: str) -> list[Path]:
    """The released JSON Lines files of a Hub dataset repository, downloaded as they are."""
    from huggingface_hub import snapshot_download

    parts = location.strip("/").split("/")
    repo_id, inside = "/".join(parts[:2]), "/".join(parts[2:])
    try:
        folder = Path(snapshot_download(repo_id, repo_type="dataset", allow_patterns=[inside or "*.jsonl"]))
    except Exception as exc:  # offline, missing, private: many unrelated types
        raise DataError(
            [f"{location}: no such file or folder, and not loadable as a Hub dataset {repo_id}: {type(exc).__name__}: {exc}"]
        ) from exc
    found = [folder / inside] if inside else sorted(folder.glob("**/*.jsonl"))
    return [path for path in found if path.is_file()]


def files(location: str) -> list[Path]:
    path = Path(location)
    if path.is_file():
        return [path]
    if path.is_dir():
        found = sorted(p for p in path.glob("*.jsonl") if p.is_file())
        if not found:
            raise DataError([f"{location}: no *.jsonl files in this folder"])
        return found
    if "/" in location and not location.startswith((".", "~")) and not os.path.isabs(location):  # ORG/NAME[/FILE]
        found = _hub_files(location)
        if not found:
            raise DataError([f"{location}: the Hub dataset holds no such JSON Lines file"])
        return found
    raise DataError([f"{location}: no such file or folder"])


def dataset_name(location: str) -> str:
    """A set's name: its file or folder's, else the Hub id it was downloaded by."""
    return Path(location).name if Path(location).exists() else location


def read_records(
    paths: list[Path], model: type[Record], id_field: str, problems: list[str], what: str
) -> list[tuple[Located, Record]]:
    """Every line of `paths` validated as `model`, with where it was read; a line that is not is
    a problem named by its `id_field` value when it has a usable one. Reading none is an error:
    the problems found, else that the files hold no `what`."""
    records: list[tuple[Located, Record]] = []
    for path in paths:
        for where, row in read_jsonl(path, problems):
            value = row.get(id_field)
            record_id = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
            try:
                records.append((where, model.model_validate(row)))
            except ValidationError as exc:
                problems.extend(format_validation_error(where, record_id, exc))
    if not records:
        raise DataError(problems or [f"{', '.join(map(str, paths))}: no {what}"])
    return records


def tasks_of(
    records: list[tuple[Located, Record]], to_task: Callable[[Record, str], dict[str, Any]], taxonomy: Taxonomy, problems: list[str]
) -> list[Task]:
    """The records mapped to task records (`to_task` gets the record and its file's name) and
    validated as tasks in the imported vocabulary, each problem located where its record was read."""
    rows = [(where, to_task(record, Path(where.path).name)) for where, record in records]
    return check_tasks(list(validate_rows(Task, rows, "id", problems, taxonomy)), problems)
