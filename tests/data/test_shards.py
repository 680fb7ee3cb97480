from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from xpert_pytest.data.shards import ShardSpec, deal, parse_shard, selection_of, share

# 7 domains of uneven size, several categories each: 10 + 7 + 5 + 3 + 2 + 1 + 1 = 29 tasks.
SIZES = {"education": 10, "engineering": 7, "finance": 5, "law": 3, "humanities": 2, "computer_science": 1, "healthcare": 1}
TASKS = [
    (domain, f"cat-{n % 3}", f"{domain[:3]}-{n % 3}-{n:04d}") for domain, size in SIZES.items() for n in range(size)
]


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, 40])
def test_shares_are_disjoint_and_make_up_the_selection(count: int) -> None:
    shares = [share(TASKS, ShardSpec(k, count)) for k in range(1, count + 1)]
    assert sum(len(s) for s in shares) == len(TASKS)
    assert set().union(*shares) == {task_id for _, _, task_id in TASKS}


@pytest.mark.parametrize("count", [2, 3, 4, 7])
def test_every_shard_gets_its_part_of_each_domain_category_and_the_total(count: int) -> None:
    shard_of = deal(TASKS, count)
    groups = {
        "total": lambda t: "all",
        "domain": lambda t: t[0],
        "category": lambda t: (t[0], t[1]),
    }
    for name, key in groups.items():
        sizes = Counter(key(t) for t in TASKS)
        per_shard = Counter((key(t), shard_of[t[2]]) for t in TASKS)
        for group, size in sizes.items():
            counts = [per_shard[(group, k)] for k in range(1, count + 1)]
            assert max(counts) - min(counts) <= 1, (name, group, counts)
            assert sum(counts) == size


def test_the_deal_does_not_depend_on_the_order_tasks_come_in() -> None:
    shuffled = list(TASKS)
    random.Random(7).shuffle(shuffled)
    assert deal(shuffled, 4) == deal(TASKS, 4)
    assert selection_of(t[2] for t in shuffled) == selection_of(t[2] for t in TASKS)


def test_the_deal_follows_the_selection() -> None:
    """`-k` first, shards second: the shards of a selection split that selection."""
    finance = [t for t in TASKS if t[0] == "finance"]
    shares = [share(finance, ShardSpec(k, 2)) for k in (1, 2)]
    assert sorted(len(s) for s in shares) == [2, 3]
    assert set().union(*shares) == {t[2] for t in finance}


def test_the_selection_digest_tells_selections_apart() -> None:
    ids = [t[2] for t in TASKS]
    assert selection_of(ids).count == len(ids)
    assert selection_of(ids) != selection_of(ids[1:])
    assert selection_of([*ids, ids[0]]) == selection_of(ids)


def test_parse_shard() -> None:
    assert parse_shard("2/4") == ShardSpec(2, 4)
    assert parse_shard(" 1 / 1 ") == ShardSpec(1, 1)
    assert str(ShardSpec(3, 8)) == "3/8"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5/4", "--xpert-shard='5/4': shard 5 is out of range 1..4"),
        ("0/4", "--xpert-shard='0/4': shard 0 is out of range 1..4"),
        ("1/0", "--xpert-shard='1/0': the number of shards must be 1 or more"),
        ("2", "--xpert-shard='2': expected K/N, two whole numbers with 1 <= K <= N, e.g. 2/4"),
        ("-1/4", "expected K/N"),
        ("1.5/4", "expected K/N"),
        ("one/two", "expected K/N"),
    ],
)
def test_parse_shard_names_the_option_and_the_fault(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_shard(text)
