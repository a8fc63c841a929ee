"""How the benchmarks measure: wall seconds and peak memory of a process or a forked step.

Peak memory is what the machine had to hold: the largest of the process's own high-water mark
(`VmHWM`, or `ru_maxrss` from `wait4` for a whole command) and, sampled every 0.1 s, the
proportional set (PSS) of every process in the tree, so a build that fans out over forked
workers is charged for all of them without counting the pages they share twice. A slow
sample makes the next one wait longer (sampling takes about 2% of a core), but never more
than 2 s. A forked step is charged its whole resident set instead (as a fresh process
holding the setup's data would be), plus its descendants' PSS.
Only the standard library is imported here, so measuring adds nothing to what is measured.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Measurement", "NotAvailable", "run_forked", "run_process"]

PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024
SAMPLING_COST_RATIO = 50  # the memory sampler waits 50x as long as its last sample took
SAMPLING_MAX_INTERVAL = 2.0  # seconds


class NotAvailable(Exception):
    """A stage cannot run on this version of kg (yet); the message says why."""


@dataclass
class Measurement:
    """One run of a command: wall seconds, peak MB, exit code and the tail of its output."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def _rss(pid: int) -> int:
    fields = _read(f"/proc/{pid}/statm").split()
    return int(fields[1]) * PAGE if len(fields) > 1 else 0


def _pss(pid: int) -> int:
    for line in _read(f"/proc/{pid}/smaps_rollup").splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return _rss(pid)


def _descendants(root: int) -> list[int]:
    """Every live descendant of `root`, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _read(f"/proc/{entry}/stat")
        # the command name may hold spaces and parentheses: the fields follow the last ')'
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found: list[int] = []
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


class _TreeSampler(threading.Thread):
    """Polls the memory of a process tree; `peak` holds the largest sum.

    Every descendant counts its PSS. The root counts its PSS too when it is a whole command
    (`whole`): the tree then shares pages only within itself, and the PSS of its processes
    add up to exactly what it holds (the root's RSS would count every page it shares with a
    forked worker once more). A forked step's root counts its RSS: the pages it shares with
    the harness are the setup's data, which it holds as its own.
    """

    def __init__(self, pid: int, interval: float = 0.1, whole: bool = False) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.root_size = _pss if whole else _rss
        self.interval = interval
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            started = time.perf_counter()
            try:
                children = _descendants(self.pid)
                root = self.root_size(self.pid) if children else _rss(self.pid)
                total = root + sum(_pss(child) for child in children)
            except (OSError, ValueError):
                total = 0
            self.peak = max(self.peak, total)
            # Reading a PSS walks the page tables under the process's memory-map lock: 30 ms
            # for 2 GB, stalling the measured process's own mmap calls meanwhile. Sampling
            # every 0.1 s regardless slowed a 100k build by a third (88 s -> 115-120 s).
            # Never more than 2 s apart, so that a worker living that long is seen.
            cost = time.perf_counter() - started
            wait = min(max(self.interval, cost * SAMPLING_COST_RATIO), SAMPLING_MAX_INTERVAL)
            self.done.wait(wait)

    def stop(self) -> int:
        self.done.set()
        self.join()
        return self.peak


def run_process(
    command: list[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> Measurement:
    """Run a whole command as a user would, timing it from spawn to exit."""
    # A command's `ru_maxrss` starts at its spawner's high-water mark: Linux keeps the peak
    # of the memory that `execve` replaces, which for Popen's vfork is this process's. The
    # harness once read two 100k builds' outputs (4 GB) to compare them, and each command
    # spawned after that was charged 4 GB. Reset here, the mark is this process's current
    # size (tens of MB for the harness).
    _reset_peak()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=out, stderr=err, env=dict(env) if env else None, cwd=cwd
        )
        sampler = _TreeSampler(process.pid, whole=True)
        sampler.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            for pid in [process.pid, *_descendants(process.pid)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        # wait4, not Popen.wait: it returns this child's own rusage (its ru_maxrss).
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        if timer:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        peak = max(usage.ru_maxrss * 1024, sampler.stop())
        out.seek(0)
        err.seek(0)
        return Measurement(
            seconds,
            peak / MB,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            timed_out.is_set(),
        )


def _reset_peak() -> None:
    """Start this process's high-water mark afresh (Linux ≥ 4.0), so a forked step is charged
    for what it holds and does, not for what its parent did before the fork."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def _own_peak() -> int:
    for line in _read("/proc/self/status").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_forked(step: Callable[[], dict[str, Any] | None], timeout: float | None) -> dict[str, Any]:
    """Run `step` in a forked child that starts from the caller's state (the untimed setup).

    The child starts with nothing imported or cached that the setup did not need, so each step
    is measured as a fresh process that holds the setup's data would measure it. A step may
    return its own "seconds" when only part of it is the work to time. Returns "seconds" and
    "peak_mb", or "status" ("n/a: …", "error: …", "timeout …") and any extra figures.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reader)
        os.dup2(2, 1)  # stray prints of the measured code must not mix with the results
        result: dict[str, Any]
        try:
            _reset_peak()
            start = time.perf_counter()
            extra = step() or {}
            seconds = extra.pop("seconds", time.perf_counter() - start)
            result = {"seconds": seconds, "peak_mb": _own_peak() / MB, **extra}
        except NotAvailable as error:
            result = {"status": f"n/a: {error}"}
        except BaseException as error:  # report, never hang the harness
            traceback.print_exc()
            result = {"status": f"error: {type(error).__name__}: {error}"[:500]}
        with os.fdopen(writer, "w") as pipe:
            pipe.write(json.dumps(result))
        sys.stderr.flush()
        os._exit(0)
    os.close(writer)
    sampler = _TreeSampler(pid)
    sampler.start()
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        for victim in [pid, *_descendants(pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)

    timer = threading.Timer(timeout, kill) if timeout else None
    if timer:
        timer.start()
    with os.fdopen(reader) as pipe:
        payload = pipe.read()
    _, status, _usage = os.wait4(pid, 0)
    if timer:
        timer.cancel()
    tree_peak = sampler.stop()
    if timed_out.is_set():
        return {"status": f"timeout after {timeout:.0f} s"}
    if not payload:
        code = os.waitstatus_to_exitcode(status)
        reason = f"killed by signal {-code}" if code < 0 else f"exit {code}"
        return {"status": f"error: the step process died ({reason}; out of memory?)"}
    result = json.loads(payload)
    if "peak_mb" in result:
        result["peak_mb"] = max(result["peak_mb"], tree_peak / MB)
    return dict(result)
