"""Deterministic, stateless randomness: every draw is a hash of the spec seed and what it is for.

Python's `random` module is avoided on purpose: its algorithms are an implementation detail, and global
state would make one item's draws depend on the items compiled before it. Here a draw depends only on
(seed, scope...), so an item's fragments do not change when other items are added or removed.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")
_FOUR_WORDS = struct.Struct(">4Q")  # a sha256 digest as four big-endian 64-bit words


class HashRng:
    """A stream of uniform integers derived from sha256 over a seed and a scope.

    `HashRng(seed, "librispeech", "1089-134686-0000", "ASR")` gives the same sequence of draws on every
    machine and Python version.
    """

    __slots__ = ("_buffer", "_counter", "_prefix")

    def __init__(self, seed: int | None, *scope: str) -> None:
        parts = [str(seed if seed is not None else 0), *scope]
        # \x1f (unit separator) keeps ("ab", "c") and ("a", "bc") apart
        self._prefix = "\x1f".join(parts).encode("utf-8")
        self._counter = 0
        self._buffer: list[int] = []

    def child(self, *scope: str) -> HashRng:
        """An independent stream for a sub-purpose (e.g. the typos of one variant)."""
        rng = HashRng.__new__(HashRng)
        rng._prefix = self._prefix + b"\x1e" + "\x1f".join(scope).encode("utf-8")
        rng._counter = 0
        rng._buffer = []
        return rng

    def _next64(self) -> int:
        # one sha256 digest gives four 64-bit draws, taken in order
        if not self._buffer:
            digest = hashlib.sha256(self._prefix + b"\x1d" + str(self._counter).encode("ascii")).digest()
            self._counter += 1
            first, second, third, fourth = _FOUR_WORDS.unpack(digest)
            self._buffer = [fourth, third, second, first]  # popped from the end: first word first
        return self._buffer.pop()

    def below(self, n: int) -> int:
        """A uniform integer in [0, n); the modulo bias of a 64-bit draw is negligible for small n."""
        if n <= 0:
            raise ValueError("below() needs a positive bound")
        return self._next64() % n

    def unit(self) -> float:
        """A uniform float in [0, 1)."""
        return (self._next64() >> 11) / float(1 << 53)

    def index(self, seq: Sequence[T]) -> int:
        """A uniform index into a non-empty sequence."""
        return self.below(len(seq))

    def choice(self, seq: Sequence[T]) -> T:
        """A uniform element of a non-empty sequence."""
        return seq[self.below(len(seq))]

    def sample_indices(self, n: int, k: int) -> list[int]:
        """`k` distinct indices from range(n) (all of them when k >= n), in the order drawn."""
        pool = list(range(n))
        picked: list[int] = []
        for _ in range(min(k, n)):
            picked.append(pool.pop(self.below(len(pool))))
        return picked
