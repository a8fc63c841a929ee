"""The build cache in `DATA/.kg-cache`: JSON entries named by content hashes, pruned by age.

An entry is named by the hash of what it was made from (a record file's path and bytes, a
shard's triples and the shapes), so it is never stale, only unused: each edit leaves the
entry of the old content behind, and a nightly build of an institute's data would fill the
disk over the years. A build refreshes the time of every entry it reads (a new entry is
fresh anyway) and, once it has succeeded, removes the entries that no build has used for
`KEEP_DAYS` days. Entries that only another kind of build uses (`--private`, another
`--base`) survive as long as that build runs within those days. JSON, never pickle: a data
folder must not run code.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

__all__ = ["KEEP_DAYS", "prune", "read_entry", "write_entry"]

KEEP_DAYS = 30
TEMPORARY_SECONDS = 3600  # a temporary file this old was left by a process that was killed


def read_entry(entry: Path) -> Any | None:
    """The JSON value kept at `entry`, or None (missing or unreadable); marks it as used."""
    try:
        value = json.loads(entry.read_bytes())
    except (OSError, ValueError):
        return None
    with contextlib.suppress(OSError):  # a read-only cache still serves
        os.utime(entry)
    return value


def write_entry(entry: Path, value: Any) -> None:
    """Keep `value` as JSON at `entry` (atomically: a reader sees all of it or nothing)."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, entry)
    except OSError:
        pass  # a cache that cannot be written only costs time


def prune(cache: Path, keep_days: float = KEEP_DAYS, now: float | None = None) -> int:
    """Remove the entries of `cache` unused for `keep_days` days, and temporary files left
    by killed processes; returns how many files went."""
    now = time.time() if now is None else now
    unused_since, abandoned_since = now - keep_days * 86400, now - TEMPORARY_SECONDS
    removed = 0
    # CACHE/KIND/PREFIX/ENTRY.json: a folder per kind of entry (records, shards), then one
    # per hash prefix.
    for prefix in cache.glob("*/*/"):
        if not prefix.is_symlink():
            removed += _prune_folder(prefix, unused_since, abandoned_since)
    return removed


def _prune_folder(folder: Path, unused_since: float, abandoned_since: float) -> int:
    removed = 0
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            temporary = entry.name.startswith(".") and entry.name.endswith(".tmp")
            if not (temporary or entry.name.endswith(".json")):
                continue  # not kg's: left alone
            with contextlib.suppress(OSError):
                modified = entry.stat(follow_symlinks=False).st_mtime
                if modified < (abandoned_since if temporary else unused_since):
                    os.unlink(entry.path)
                    removed += 1
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty
    return removed
