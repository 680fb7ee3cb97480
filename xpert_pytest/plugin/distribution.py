"""pytest-xdist support: a scheduler that gives each worker a partition it can predict.

A worker runs its tests one by one, so to keep many calls in flight it must start tasks before
their tests come up, and for that it must know which tasks it will run. With this scheduler,
collection index i always goes to worker gw(i mod n); the worker computes the same partition
from its own id and starts all of it at once. A crashed worker's remaining tasks go to whichever
worker asks next; that worker then runs them on demand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from xdist.scheduler import LoadScheduling

T = TypeVar("T")


def worker_partition(items: Sequence[T], worker_id: str, worker_count: int) -> list[T]:
    index = int(worker_id.removeprefix("gw"))
    return list(items[index::worker_count])


class PartitionScheduling(LoadScheduling):
    def schedule(self) -> None:
        assert self.collection_is_completed
        if self.collection is not None:
            for node in self.nodes:
                self.check_schedule(node)
            return
        if not self._check_nodes_have_same_collection():
            self.log("**Different tests collected, aborting run**")
            return
        collection: list[str] = next(iter(self.node2collection.values()))
        self.collection = collection
        self.pending: list[int] = []
        indices = list(range(len(collection)))
        for node in self.nodes:
            mine = worker_partition(indices, node.gateway.id, self.numnodes)
            if mine:
                self.node2pending[node].extend(mine)
                node.send_runtest_some(mine)
        for node in self.nodes:
            node.shutdown()

    def check_schedule(self, node: Any, duration: float = 0) -> None:
        if node.shutting_down:
            return
        if self.pending:
            self._send_tests(node, len(self.pending))
        node.shutdown()
