"""Loading the task set and its graded anchors, with errors that point at file, line and field.

A local dataset folder is read straight from its JSON Lines files: it is the same data that
`datasets.load_dataset(folder)` yields (a test holds the two equal), without importing
`datasets` and pyarrow or writing an Arrow cache on every pytest run. A Hub id goes through
`datasets`, imported only then. Either way the dataset card (`README.md`) declares the
taxonomy the records are validated against. This module reads XpertBench's own format;
`formats` selects it or an importer from `FORMAT:PATH`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from xpert_pytest.data.rules import DEFAULT, Scoring
from xpert_pytest.data.schema import TAXONOMY, Exemplar, Task
from xpert_pytest.data.taxonomy import Taxonomy, TaxonomyError, parse_card, read_card

DATA_GLOB = "data/*.jsonl"
EXEMPLAR_GLOB = "*.jsonl"
SPLIT = "test"
CARD = "README.md"
NATIVE = "xpertbench"


class DataError(Exception):
    """Bad input data; `problems` holds one located message per fault."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Located:
    """Where a record came from, so every later message can name it."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Benchmark:
    """A validated task set with its anchors, ready to run."""

    name: str
    tasks: list[Task]
    exemplars: dict[str, list[Exemplar]]
    fingerprint: str
    taxonomy: Taxonomy
    where: dict[str, Located | str] = field(default_factory=dict)
    exemplars_source: str = "none"
    format: str = NATIVE
    scoring: Scoring = DEFAULT

    @property
    def anchors(self) -> int:
        return sum(len(anchors) for anchors in self.exemplars.values())

    @cached_property
    def by_id(self) -> dict[str, Task]:
        return {task.id: task for task in self.tasks}


def format_validation_error(where: Located | str, record_id: str | None, error: ValidationError) -> list[str]:
    label = f"[{record_id}] " if record_id else ""
    lines = []
    for item in error.errors():
        message = item["msg"].removeprefix("Value error, ")
        loc = ".".join(str(part) for part in item["loc"])
        lines.append(f"{where}: {label}field {loc}: {message}" if loc else f"{where}: {label}{message}")
    return lines


def read_jsonl(path: Path, problems: list[str]) -> Iterator[tuple[Located, dict[str, Any]]]:
    """Each line's object with its location; a line that is not UTF-8, not JSON or nested past
    what the parser takes is a located problem, and the rest of the file is still read."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        problems.append(f"{path}: cannot be read as a JSON Lines file: {exc.strerror or exc}")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            where = Located(str(path), number)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.append(f"{where}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
                continue
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: not valid JSON: {exc.msg.removesuffix(' at')} at column {exc.colno}")
                continue
            except RecursionError:
                problems.append(f"{where}: not valid JSON: nested too deeply to read")
                continue
            if not isinstance(value, dict):
                problems.append(f"{where}: expected a JSON object, got {type(value).__name__}")
                continue
            yield where, value


def validate_rows(
    model: type[BaseModel],
    rows: Iterable[tuple[Located | str, dict[str, Any]]],
    key: str,
    problems: list[str],
    taxonomy: Taxonomy | None = None,
) -> Iterator[tuple[Located | str, Any]]:
    context = {TAXONOMY: taxonomy} if taxonomy is not None else None
    for where, row in rows:
        record_id = row.get(key) if isinstance(row.get(key), str) else None
        try:
            yield where, model.model_validate(row, context=context)
        except ValidationError as exc:
            problems.extend(format_validation_error(where, record_id, exc))


def check_tasks(located: list[tuple[Located | str, Task]], problems: list[str]) -> list[Task]:
    first_seen: dict[str, Located | str] = {}
    tasks = []
    for where, task in located:
        if task.id in first_seen:
            problems.append(f"{where}: [{task.id}] field id: duplicate task id (first at {first_seen[task.id]})")
            continue
        first_seen[task.id] = where
        tasks.append(task)
    return tasks


def check_exemplars(
    located: list[tuple[Located | str, Exemplar]],
    tasks: dict[str, Task],
    problems: list[str],
    invalid_tasks: frozenset[str] = frozenset(),
    tasks_unreadable: bool = False,
) -> dict[str, list[Exemplar]]:
    """Every verdict names a real checkpoint and every checkpoint of the task has a verdict.

    Anchors of tasks that failed validation are skipped: their task's error is already reported;
    so are anchors without a task when some task line could not be read at all.
    """
    by_task: dict[str, list[Exemplar]] = {}
    for where, exemplar in located:
        if exemplar.task_id in invalid_tasks:
            continue
        task = tasks.get(exemplar.task_id)
        if task is None:
            if tasks_unreadable:
                continue
            problems.append(f"{where}: [{exemplar.task_id}] field task_id: no task with this id in the dataset")
            continue
        rubric_ids = [c.id for c in task.rubric]
        given = [v.checkpoint_id for v in exemplar.verdicts]
        unknown = [cid for cid in given if cid not in rubric_ids]
        missing = [cid for cid in rubric_ids if cid not in given]
        for cid in unknown:
            problems.append(f"{where}: [{exemplar.task_id}] field verdicts: verdict for unknown checkpoint {cid!r}")
        if missing:
            problems.append(
                f"{where}: [{exemplar.task_id}] field verdicts: no verdict for checkpoint(s) {', '.join(missing)}"
            )
        if not unknown and not missing:
            by_task.setdefault(exemplar.task_id, []).append(exemplar)
    return by_task


def _invalid_ids(rows: list[tuple[Located | str, dict[str, Any]]], tasks: list[Task]) -> frozenset[str]:
    valid = {task.id for task in tasks}
    return frozenset(row["id"] for _, row in rows if isinstance(row.get("id"), str) and row["id"] not in valid)


def fingerprint(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_exemplar_dir(dataset: str) -> Path | None:
    folder = Path(dataset)
    for candidate in (folder / "exemplars", folder.parent / "exemplars"):
        if candidate.is_dir():
            return candidate
    return None


def _files(folder: Path, pattern: str, problems: list[str]) -> list[Path]:
    found = sorted(folder.glob(pattern))
    problems += [f"{path}: is a directory, not a JSON Lines file" for path in found if not path.is_file()]
    return [path for path in found if path.is_file()]


def load_local(folder: Path, exemplar_dir: Path | None, explicit_exemplars: bool = False) -> Benchmark:
    """`explicit_exemplars`: the folder was named by the user, so a missing or empty one is an
    error rather than a quietly zero-shot judge."""
    problems: list[str] = []
    if not folder.is_dir():
        raise DataError([f"{folder}: dataset folder not found"])
    data_files = _files(folder, DATA_GLOB, problems)
    if not data_files and not problems:
        raise DataError([f"{folder}: no data files matching {DATA_GLOB}"])
    try:
        taxonomy = read_card(folder / CARD)
    except TaxonomyError as exc:
        raise DataError([str(exc)]) from exc
    rows: list[tuple[Located | str, dict[str, Any]]] = [
        item for path in data_files for item in read_jsonl(path, problems)
    ]
    unreadable = bool(problems)
    tasks = check_tasks(list(validate_rows(Task, rows, "id", problems, taxonomy)), problems)
    if explicit_exemplars and exemplar_dir is not None and not exemplar_dir.is_dir():
        raise DataError([f"{exemplar_dir}: --xpert-exemplars is not a folder of graded anchors (*.jsonl)"])
    exemplar_files = _files(exemplar_dir, EXEMPLAR_GLOB, problems) if exemplar_dir else []
    exemplar_rows: list[tuple[Located | str, dict[str, Any]]] = [
        item for path in exemplar_files for item in read_jsonl(path, problems)
    ]
    exemplars = check_exemplars(
        list(validate_rows(Exemplar, exemplar_rows, "task_id", problems)),
        {t.id: t for t in tasks},
        problems,
        _invalid_ids(rows, tasks),
        unreadable,
    )
    if explicit_exemplars and not exemplar_rows and not problems:
        problems.append(f"{exemplar_dir}: --xpert-exemplars holds no graded anchors (no *.jsonl records)")
    if problems:
        raise DataError(problems)
    where = {row["id"]: loc for loc, row in rows if isinstance(row.get("id"), str)}
    return Benchmark(
        name=folder.resolve().name,
        tasks=tasks,
        exemplars=exemplars,
        fingerprint=fingerprint([*data_files, *exemplar_files]),
        taxonomy=taxonomy,
        where=where,
        exemplars_source=str(exemplar_dir.resolve()) if exemplar_dir else "none",
    )


def hub_card(repo_id: str) -> Taxonomy:
    """The taxonomy of a Hub dataset's card (a local folder given as the id: its README.md)."""
    if os.path.isdir(repo_id):
        card = Path(repo_id) / CARD
    else:
        from huggingface_hub import hf_hub_download

        try:
            card = Path(hf_hub_download(repo_id, CARD, repo_type="dataset"))
        except Exception as exc:  # offline, missing, private: many unrelated types
            raise DataError([f"{repo_id}: cannot fetch its dataset card {CARD}: {type(exc).__name__}: {exc}"]) from exc
    try:
        return parse_card(card.read_text(encoding="utf-8"), f"{repo_id}:{CARD}")
    except TaxonomyError as exc:
        raise DataError([str(exc)]) from exc


def load_hub(repo_id: str, cache_dir: str | None = None) -> Benchmark:
    """Resolve a Hub dataset through `datasets`; the exemplars are its `exemplars` config."""
    import datasets

    problems: list[str] = []
    try:
        table = datasets.load_dataset(repo_id, "all", split=SPLIT, cache_dir=cache_dir)
    except Exception as exc:  # datasets raises many unrelated types for "cannot resolve"
        raise DataError([f"{repo_id}: cannot load dataset: {type(exc).__name__}: {exc}"]) from exc
    taxonomy = hub_card(repo_id)
    rows: list[tuple[Located | str, dict[str, Any]]] = [(f"{repo_id}[{i}]", row) for i, row in enumerate(table)]
    tasks = check_tasks(list(validate_rows(Task, rows, "id", problems, taxonomy)), problems)
    invalid = _invalid_ids(rows, tasks)
    try:
        anchor_table = datasets.load_dataset(repo_id, "exemplars", split=SPLIT, cache_dir=cache_dir)
        anchor_rows: list[tuple[Located | str, dict[str, Any]]] = [
            (f"{repo_id}:exemplars[{i}]", row) for i, row in enumerate(anchor_table)
        ]
    except ValueError:
        anchor_rows = []
    exemplars = check_exemplars(
        list(validate_rows(Exemplar, anchor_rows, "task_id", problems)), {t.id: t for t in tasks}, problems, invalid
    )
    if problems:
        raise DataError(problems)
    return Benchmark(
        name=repo_id, tasks=tasks, exemplars=exemplars, fingerprint=table._fingerprint, taxonomy=taxonomy,
        exemplars_source=f"{repo_id}:exemplars",
    )


def load_benchmark(dataset: str, exemplar_dir: str | None = None) -> Benchmark:
    """A local folder when one exists at `dataset`, else a Hugging Face Hub id."""
    if os.path.isdir(dataset):
        exemplars = Path(exemplar_dir) if exemplar_dir else default_exemplar_dir(dataset)
        return load_local(Path(dataset), exemplars, explicit_exemplars=bool(exemplar_dir))
    if exemplar_dir:
        raise DataError([f"{dataset}: --xpert-exemplars is only supported with a local dataset folder"])
    return load_hub(dataset)
