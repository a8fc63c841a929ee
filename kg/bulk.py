"""Building millions of small objects at once: records, triples, rows, views."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


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
