"""Sharded runs: which share of the selected tasks shard K of N grades (`--xpert-shard K/N`).

The selection is dealt round-robin in (domain, category, id) order, one deal across the whole
selection, so each shard gets within one task of 1/N of every domain, every category and the
total, and every machine (and every xdist worker) computes the same shares from the same
selection. The shares depend on the selection only, so `-k`, `-m` and node ids compose with
sharding: the shards of `-k finance` split the finance tasks.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import NamedTuple

SHARD_FORM = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


class ShardSpec(NamedTuple):
    index: int  # K, counted from 1
    count: int  # N

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


class Selection(NamedTuple):
    """The whole (unsharded) selection, as every shard of one run must record it alike."""

    digest: str
    count: int


def parse_shard(text: str) -> ShardSpec:
    match = SHARD_FORM.fullmatch(text)
    if match is None:
        raise ValueError(f"--xpert-shard={text!r}: expected K/N, two whole numbers with 1 <= K <= N, e.g. 2/4")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1:
        raise ValueError(f"--xpert-shard={text!r}: the number of shards must be 1 or more")
    if not 1 <= index <= count:
        raise ValueError(f"--xpert-shard={text!r}: shard {index} is out of range 1..{count}")
    return ShardSpec(index, count)


def deal(tasks: Iterable[tuple[str, str, str]], count: int) -> dict[str, int]:
    """Shard number (1..count) of each task, given as (domain, category, task id)."""
    ordered = sorted(set(tasks))
    return {task_id: n % count + 1 for n, (_, _, task_id) in enumerate(ordered)}


def share(tasks: Iterable[tuple[str, str, str]], shard: ShardSpec) -> set[str]:
    """Ids of the tasks shard `shard` grades."""
    return {task_id for task_id, index in deal(tasks, shard.count).items() if index == shard.index}


def selection_of(task_ids: Iterable[str]) -> Selection:
    ids = sorted(set(task_ids))
    return Selection(hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()[:16], len(ids))
