"""Bulk work: millions of small objects at once (records, triples, rows, views), on all cores."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from kg.errors import KgError

__all__ = ["forked", "in_memory_order", "paused_gc"]

T = TypeVar("T")


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection for the duration; the previous state afterwards.

    kg's bulk structures (records, triples, rows, the homepage's view) are millions of small
    acyclic objects: the cycle collector would rescan them again and again (mapping takes
    twice as long) and find nothing to free. Reference counting frees everything as usual.

    Leaving, what was made meanwhile is frozen (`gc.freeze`) before the collector resumes:
    every object made while it was paused is young to it, and its first collection would
    walk all of them (10 s after a build of 6 M triples) to free nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
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

    A dict (such as `kg.terms.TripleSet`) keeps the order its items were added in, which is
    the order they were made in: it is read as it is, 5x as fast.
    """
    if isinstance(items, dict):
        yield from items
        return
    piles: list[list[T]] = [[] for _ in range(_PILES)]
    shift, mask = _PILE_SHIFT, _PILES - 1
    for item in items:
        piles[(id(item) >> shift) & mask].append(item)
    for pile in piles:
        yield from pile
        pile.clear()


_jobs: Sequence[Callable[[], object]] = []


def _run_job(index: int) -> object:
    try:
        return _jobs[index]()
    except KgError as error:  # returned, so the other jobs still finish and clean up
        return error


@contextmanager
def forked(
    jobs: Sequence[Callable[[], object]], workers: int | None = None
) -> Iterator[list[Future[Any]]]:
    """`jobs` started on forked workers (one per core by default, at most one per job); the
    futures of their results, a `KgError` a job raised being its result. Leaving waits for
    every job.

    The workers inherit everything the jobs read (a graph, sorted rows) through fork: nothing
    is pickled on the way in, only results on the way out.
    """
    global _jobs
    _jobs = jobs
    context = multiprocessing.get_context("fork")
    workers = max(1, min(len(jobs), workers or os.cpu_count() or 1))
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            # The pool forks all its workers at the first submit: they keep these jobs.
            futures = [pool.submit(_run_job, index) for index in range(len(jobs))]
            _jobs = []
            yield futures
    finally:
        _jobs = []
