"""`kg.bulk.shared`: jobs on this process and forked helpers, results in job order."""

from __future__ import annotations

import functools
import multiprocessing
import os
import time
from typing import Any

import pytest

from kg.bulk import JobFailed, shared
from kg.errors import KgError


def where(index: int) -> tuple[int, int]:
    time.sleep(0.05)  # long enough that every process gets jobs
    return index, os.getpid()


def test_every_job_runs_once_on_this_process_and_a_helper() -> None:
    heard: list[int] = []
    results = shared(
        [functools.partial(where, index) for index in range(12)],
        on_done=lambda index, _: heard.append(index),
        workers=2,
    )
    assert [index for index, _ in results] == list(range(12))  # in job order
    assert sorted(heard) == list(range(12))
    pids = {pid for _, pid in results}
    assert os.getpid() in pids  # this process took jobs itself
    assert len(pids) == 2


def refuse() -> None:
    raise KgError("bad record")


def test_a_kg_error_is_the_result_of_its_job() -> None:
    results = shared([refuse, functools.partial(where, 1)], workers=2)
    assert isinstance(results[0], KgError)
    assert results[1][0] == 1


def crash() -> None:
    time.sleep(0.05)
    raise ZeroDivisionError("in a job")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_crash_is_raised_once_the_other_jobs_are_done(workers: int) -> None:
    finished: list[int] = []
    jobs = [crash, *(functools.partial(where, index) for index in range(1, 4))]
    with pytest.raises((ZeroDivisionError, JobFailed), match="in a job"):
        shared(jobs, on_done=lambda index, _: finished.append(index), workers=workers)
    assert 0 not in finished


def test_an_unpicklable_result_from_a_helper_is_a_failure() -> None:
    def local_lambda(index: int) -> object:
        time.sleep(0.05)
        return lambda: index  # a helper cannot send this back

    jobs = [functools.partial(local_lambda, index) for index in range(4)]
    with pytest.raises(JobFailed):
        shared(jobs, workers=2)


def busy_here_or_large_there(parent: int, started: Any) -> tuple[str, float, bytes]:
    if os.getpid() == parent:
        started.set()
        time.sleep(1.0)  # a long job in this process, such as a writer
        return "parent", time.monotonic(), b""
    # The helper waits until this process has a job: on a loaded machine it could otherwise
    # take all five before this process claims one.
    started.wait(10)
    return "helper", time.monotonic(), b"x" * (1 << 20)  # more than a pipe holds


def test_helpers_results_are_taken_while_this_process_works() -> None:
    """A helper's large result (a shard's long report) does not wait in a full pipe until
    this process is done with its own job, and progress hears of it at once."""
    heard: dict[int, float] = {}
    started = multiprocessing.get_context("fork").Event()
    jobs = [functools.partial(busy_here_or_large_there, os.getpid(), started) for _ in range(5)]
    results = shared(
        jobs, on_done=lambda index, _: heard.setdefault(index, time.monotonic()), workers=2
    )
    ended = {index: end for index, (where, end, _) in enumerate(results) if where == "parent"}
    assert len(ended) == 1  # this process was busy with one job while the helper did four
    parent_end = next(iter(ended.values()))
    for index, (where, end, payload) in enumerate(results):
        if where == "helper":
            assert len(payload) == 1 << 20
            assert end < parent_end and heard[index] < parent_end
