"""Bulk work: millions of small objects at once (records, triples, rows, views), on all cores."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import TypeVar

from kg.errors import KgError

__all__ = ["JobFailed", "in_memory_order", "paused_gc", "shared"]

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


class JobFailed(RuntimeError):
    """A job of `shared` failed on a helper: the message carries its traceback."""


_DONE = None  # what a helper sends when it has no more jobs to claim


def shared(
    jobs: Sequence[Callable[[], object]],
    on_done: Callable[[int, object], None] | None = None,
    workers: int | None = None,
) -> list[object]:
    """Run `jobs` on this process and on forked helpers (one core each: `workers` cores in
    all, every core by default); their results in job order, a `KgError` a job raised being
    its result. Jobs are claimed in order from a shared counter, so list the largest first.

    This process works too: its pages are never copied, where each forked helper copies
    every page whose reference counts it touches (at 100k publications, most of the
    parent's heap). A thread here takes the helpers' results as they come, so a
    helper never waits on a full pipe while this process runs a long job, and
    `on_done(index, result)` hears of each result at once (from that thread or this one,
    never both at a time). Returns only when every claimed job has finished: a failure
    (another exception, a helper that died) stops the claiming and is raised after that.
    """
    total = len(jobs)
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)

    def claim() -> int | None:
        with counter.get_lock():
            index = counter.value
            counter.value = index + 1
        return index if index < total else None

    results: dict[int, object] = {}
    failures: list[BaseException] = []
    taking = threading.Lock()

    def fail(error: BaseException) -> None:
        failures.append(error)
        with counter.get_lock():  # no job is claimed after a failure
            counter.value = total

    def take(index: int, result: object) -> None:
        with taking:
            results[index] = result
            if on_done is not None:
                on_done(index, result)

    running: dict[Connection, multiprocessing.process.BaseProcess] = {}
    for _ in range(max(0, min(total, workers or os.cpu_count() or 1) - 1)):
        reader, writer = context.Pipe(duplex=False)
        helper = context.Process(target=_help, args=(jobs, claim, writer), daemon=True)
        helper.start()
        writer.close()
        running[reader] = helper

    def receive() -> None:
        while running:
            for connection in wait(list(running)):
                assert isinstance(connection, Connection)
                try:
                    message = connection.recv()
                except EOFError:  # the helper died (out of memory, killed) without a word
                    message = _DONE
                    fail(JobFailed("a helper process ended unexpectedly"))
                try:
                    if message is _DONE:
                        running.pop(connection).join()
                        connection.close()
                    elif isinstance(message[1], JobFailed):
                        fail(message[1])
                    else:
                        take(*message)
                except BaseException as error:  # on_done failed: keep draining the pipes
                    fail(error)

    receiver = threading.Thread(target=receive, daemon=True)
    receiver.start()
    try:
        while not failures and (index := claim()) is not None:
            try:
                result = jobs[index]()
            except KgError as error:
                result = error
            take(index, result)
    except BaseException as error:
        fail(error)
    finally:
        receiver.join()
    if failures:
        raise failures[0]
    if len(results) != total:
        raise JobFailed(f"{total - len(results)} of {total} jobs gave no result")
    return [results[index] for index in range(total)]


def _help(
    jobs: Sequence[Callable[[], object]], claim: Callable[[], int | None], results: Connection
) -> None:
    """A helper of `shared`: claims jobs until none are left, sends each result back."""
    try:
        while (index := claim()) is not None:
            try:
                result: object = jobs[index]()
            except KgError as error:
                result = error
            except BaseException:
                results.send((index, JobFailed(traceback.format_exc())))
                break
            try:
                results.send((index, result))
            except Exception:  # a result that cannot be pickled
                results.send((index, JobFailed(traceback.format_exc())))
                break
    finally:
        results.send(_DONE)
        results.close()
        os._exit(0)  # no exit handlers: they belong to the process this was forked from
