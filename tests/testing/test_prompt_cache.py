"""The loopback's prompt cache counts as the providers do, so the measured shares mean something."""

from __future__ import annotations

from xpert_pytest.testing.prompt_cache import BLOCK_CHARS, BLOCK_TOKENS, MIN_TOKENS, PrefixCache, Segment, segments

SYSTEM = "S" * 3000
PREFIX = "P" * 2500


def _chat(answer: str, system: str = SYSTEM) -> list[Segment]:
    return segments({"messages": [{"role": "system", "content": system}, {"role": "user", "content": PREFIX + answer}]})


def test_automatic_caching_counts_the_longest_seen_prefix_in_whole_blocks() -> None:
    cache = PrefixCache()
    assert cache.automatic("m", _chat("answer one")) == 0  # nothing seen before
    shared_chars = len(SYSTEM) + len(PREFIX) + len("answer ")
    assert cache.automatic("m", _chat("answer two")) == shared_chars // BLOCK_CHARS * BLOCK_TOKENS
    assert cache.automatic("m", _chat("answer two")) == (len(SYSTEM) + len(PREFIX) + 10) // BLOCK_CHARS * BLOCK_TOKENS
    assert cache.automatic("other-model", _chat("answer two")) == 0  # each model has its own cache


def test_automatic_caching_needs_1024_tokens_and_a_same_start() -> None:
    cache = PrefixCache()
    short = segments({"messages": [{"role": "user", "content": "x" * (MIN_TOKENS * 4 - 4)}]})
    cache.automatic("m", short)
    assert cache.automatic("m", short) == 0  # under the minimum a prompt is never cached
    cache.automatic("m", _chat("a"))
    assert cache.automatic("m", _chat("a", system="T" + SYSTEM[1:])) == 0  # one byte changed at the start
    moved = segments({"messages": [{"role": "system", "content": SYSTEM[:-1]}, {"role": "user", "content": "S" + PREFIX + "a"}]})
    assert cache.automatic("m", moved) == len(SYSTEM[:-1]) // BLOCK_CHARS * BLOCK_TOKENS  # message boundaries count


def test_explicit_caching_reads_and_writes_only_at_marks() -> None:
    cache = PrefixCache()

    def anthropic(answer: str, marked: bool = True) -> list[Segment]:
        blocks = [{"type": "text", "text": PREFIX, **({"cache_control": {"type": "ephemeral"}} if marked else {})},
                  {"type": "text", "text": answer}]
        return segments({"system": SYSTEM, "messages": [{"role": "user", "content": blocks}]})

    shared = (len(SYSTEM) + len(PREFIX)) // 4
    assert cache.explicit("claude", anthropic("one", marked=False)) == (0, 0)  # no mark: Claude caches nothing
    assert cache.explicit("claude", anthropic("one")) == (0, shared)  # written on first sight, to the mark
    assert cache.explicit("claude", anthropic("two")) == (shared, 0)  # read up to the mark, not a byte further
    assert segments({"system": [{"type": "text", "text": "sys"}], "messages": []}) == [Segment("system", "sys")]
