"""The loopback server's stand-in for a provider's prompt cache, counted the way providers count.

Tokens are estimated as one per 4 characters of message text, as the loopback's usage is.

- Automatic (OpenAI and compatible servers): a prompt of at least 1,024 tokens is cut into
  blocks of 128 tokens (512 characters). Its cached tokens are its leading blocks whose whole
  prefix, up to the end of the block, an earlier request to the same model already had: the
  longest prefix seen before, rounded down to 128 tokens, as OpenAI reports cache hits in steps of
  128 tokens. The characters past the last whole block are never cached.
- Explicit (Anthropic): only prefixes that end at a content block marked `cache_control` are
  stored, and only from 1,024 tokens on. A request reads the longest stored prefix it starts with
  and writes the rest of its prompt up to its last mark.

Message boundaries and roles are part of a prefix, so two prompts that only share text across
different messages share no cache. The store lives as long as the server, for every model apart.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Any

CHARS_PER_TOKEN = 4
BLOCK_TOKENS = 128
MIN_TOKENS = 1024
BLOCK_CHARS = BLOCK_TOKENS * CHARS_PER_TOKEN


@dataclass(frozen=True)
class Segment:
    """One piece of message text in prompt order, and whether it carries a `cache_control` mark."""

    role: str
    text: str
    marked: bool = False


def _pieces(role: str, content: Any) -> list[Segment]:
    if isinstance(content, list):
        return [
            Segment(role, str(block.get("text", "")), bool(block.get("cache_control")))
            for block in content
            if isinstance(block, dict)
        ]
    return [Segment(role, "" if content is None else str(content))]


def segments(body: dict[str, Any]) -> list[Segment]:
    """The prompt of a chat-completions body, or of an Anthropic messages body (system first)."""
    found = _pieces("system", body["system"]) if body.get("system") else []
    for message in body.get("messages", []):
        found += _pieces(str(message.get("role", "")), message.get("content"))
    return found


def prompt_tokens(parts: list[Segment]) -> int:
    return sum(len(p.text) for p in parts) // CHARS_PER_TOKEN


class PrefixCache:
    def __init__(self) -> None:
        self._seen: set[bytes] = set()
        self._lock = threading.Lock()

    @staticmethod
    def _walk(model: str, parts: list[Segment]) -> tuple[list[bytes], list[tuple[int, bytes]]]:
        """Keys of the prompt's whole blocks, and (characters so far, key) at the end of each marked segment."""
        digest = hashlib.sha256(model.encode())
        blocks: list[bytes] = []
        marks: list[tuple[int, bytes]] = []
        position = 0
        for part in parts:
            digest.update(b"\x00" + part.role.encode() + b"\x00")
            text = part.text
            offset = 0
            while offset < len(text):
                take = min(BLOCK_CHARS - position % BLOCK_CHARS, len(text) - offset)
                digest.update(text[offset : offset + take].encode("utf-8", "surrogatepass"))
                offset += take
                position += take
                if position % BLOCK_CHARS == 0:
                    blocks.append(b"block" + digest.copy().digest())
            if part.marked:
                marks.append((position, b"mark" + digest.copy().digest()))
        return blocks, marks

    def automatic(self, model: str, parts: list[Segment]) -> int:
        """Cached tokens of this prompt; the prompt is remembered for the requests after it."""
        if prompt_tokens(parts) < MIN_TOKENS:
            return 0
        blocks, _ = self._walk(model, parts)
        with self._lock:
            hits = next((i for i, key in enumerate(blocks) if key not in self._seen), len(blocks))
            self._seen.update(blocks)
        return hits * BLOCK_TOKENS

    def explicit(self, model: str, parts: list[Segment]) -> tuple[int, int]:
        """(tokens read from the cache, tokens written to it) for this prompt's marks."""
        _, marks = self._walk(model, parts)
        marks = [(chars, key) for chars, key in marks if chars // CHARS_PER_TOKEN >= MIN_TOKENS]
        if not marks:
            return 0, 0
        with self._lock:
            read = max((chars for chars, key in marks if key in self._seen), default=0)
            self._seen.update(key for _, key in marks)
        last = marks[-1][0]
        read_tokens = read // CHARS_PER_TOKEN
        return read_tokens, last // CHARS_PER_TOKEN - read_tokens
