"""Building millions of small objects at once: records, triples, rows, views."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["in_memory_order", "paused_gc"]

T = TypeVar("T")


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection for the duration; the previous state afterwards.

    kg's bulk structures (records, triples, rows, the homepage's view) are millions of small
    acyclic objects: the cycle collector would rescan them again and again (mapping takes
    twice as long) and find nothing to free. Reference counting frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# `in_memory_order` deals items into piles of 2 MiB of address space each (wrapping round).
_PILES = 1024
_PILE_SHIFT = 21


def in_memory_order(items: Iterable[T]) -> Iterator[T]:
    """`items` again, roughly in the order they sit in memory.

    A set of triples yields them in hash order, so grouping them by subject straight away
    jumps between a million subjects' lists at random, and on a large graph nearly every step
    misses the CPU caches (grouping grew faster than the graph). Dealt into piles by address
    first, then read pile by pile, neighbours in memory come together: the mapper makes a
    node's triples one after another. Only the order changes, never the items.
    """
    piles: list[list[T]] = [[] for _ in range(_PILES)]
    shift, mask = _PILE_SHIFT, _PILES - 1
    for item in items:
        piles[(id(item) >> shift) & mask].append(item)
    for pile in piles:
        yield from pile
        pile.clear()
