"""The build cache: a rebuild after an edit equals a cold build byte for byte, the cache is
plain JSON beside the data (never in out/, never code that could run), and what no build
has used for a month is pruned."""

from __future__ import annotations

import gc
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import build
from kg.cache import KEEP_DAYS, prune, read_entry, write_entry
from kg.cli import cli
from kg.pipeline import cache_folder
from kg.records import Record, load_dataset
from tests.conftest import ROOT


def outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_rebuild_after_an_edit_equals_a_cold_build(data_copy: Path, tmp_path: Path) -> None:
    build(data_copy, tmp_path / "first")
    entries = sorted(cache_folder(data_copy).rglob("*.json"))
    assert len(entries) == len(list(data_copy.glob("*.yaml"))) - 1  # every file but kg.yaml
    talks = data_copy / "talks.yaml"
    talks.write_text(
        talks.read_text(encoding="utf-8").replace("Beyond Heatmaps", "Beyond Maps", 1),
        encoding="utf-8",
    )
    build(data_copy, tmp_path / "incremental")
    build(data_copy, tmp_path / "cold", cache=False)
    assert outputs(tmp_path / "incremental") == outputs(tmp_path / "cold")
    assert outputs(tmp_path / "incremental") != outputs(tmp_path / "first")
    assert b"Beyond Maps" in (tmp_path / "cold" / "kg.nt").read_bytes()


def test_the_cache_is_json_and_a_broken_entry_is_ignored(data_copy: Path, tmp_path: Path) -> None:
    build(data_copy, tmp_path / "first")
    entries = sorted(cache_folder(data_copy).rglob("*.json"))
    for entry in entries:
        json.loads(entry.read_text(encoding="utf-8"))
    entries[0].write_bytes(b"\x80\x04not json at all")
    build(data_copy, tmp_path / "again")
    assert outputs(tmp_path / "again") == outputs(tmp_path / "first")


def test_the_cache_stays_out_of_the_public_outputs(data_copy: Path, tmp_path: Path) -> None:
    build(data_copy, tmp_path / "out")
    assert not list((tmp_path / "out").rglob(".kg-cache"))
    cached = "".join(
        entry.read_text(encoding="utf-8") for entry in cache_folder(data_copy).rglob("*.json")
    )
    assert "1986-12-16" in cached, "the cache holds private data: it lives with the data"


def test_no_cache(data_copy: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["build", "--data", str(data_copy), "--out", str(tmp_path), "--no-cache"]
    )
    assert result.exit_code == 0, result.stderr
    assert not cache_folder(data_copy).exists()


def test_a_file_renamed_is_parsed_again_with_its_new_name(data_copy: Path, tmp_path: Path) -> None:
    build(data_copy, tmp_path / "first")
    (data_copy / "talks.yaml").rename(data_copy / "lectures-and-talks.yaml")
    (data_copy / "talks.yaml").write_text(
        "talks: [{key: x, title: X, kind: keynot, date: '2020', event: E}]\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli, ["build", "--data", str(data_copy), "--out", str(tmp_path / "second")]
    )
    assert result.exit_code == 1
    assert f"{data_copy / 'talks.yaml'}:1 talks/x kind:" in result.stderr


def test_loaded_records_are_freed_by_reference_counting_alone() -> None:
    """Nested records point up to their parent weakly: were the link strong, every nested record
    would be a reference cycle, and a large dataset would be freed only by the cycle collector,
    seconds later, in whatever code happens to allocate next (a query, a writer)."""
    gc.collect()
    gc.disable()
    try:
        dataset = load_dataset(ROOT / "data")
        nested = [child for record in dataset.all_records() for child in nested_records(record)]
        assert nested, "the bundled data has nested records (a work's versions)"
        assert all(record.parent is not None for record in nested)
        del dataset, nested
        assert gc.collect() == 0
    finally:
        gc.enable()


def nested_records(record: Record) -> list[Record]:
    found = []
    for value in record.values.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Record):
                found += [item, *nested_records(item)]
    return found


def age(path: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_a_build_prunes_what_no_build_used_for_a_month(data_copy: Path, tmp_path: Path) -> None:
    build(data_copy, tmp_path / "first")
    in_use = sorted(cache_folder(data_copy).rglob("*.json"))
    for entry in in_use:
        age(entry, KEEP_DAYS + 5)  # old, but this data still needs every one of them
    talks = data_copy / "talks.yaml"
    talks.write_text(
        talks.read_text(encoding="utf-8").replace("Beyond Heatmaps", "Beyond Maps", 1),
        encoding="utf-8",
    )
    build(data_copy, tmp_path / "edited")  # reads every entry but the old talks.yaml's
    left = sorted(cache_folder(data_copy).rglob("*.json"))
    assert len(set(in_use) - set(left)) == 1  # the old talks.yaml's entry went
    assert len(set(left) - set(in_use)) == 1  # the edited one's came
    assert all(time.time() - entry.stat().st_mtime < 3600 for entry in left)  # used: fresh


def test_pruning_keeps_recent_entries_and_what_is_not_kgs(tmp_path: Path) -> None:
    folder = tmp_path / "records" / "ab"
    folder.mkdir(parents=True)
    recent, stale, abandoned, foreign = (
        folder / "recent.json",
        folder / "stale.json",
        folder / ".stale.json.123.tmp",
        folder / "notes.txt",
    )
    for path in (recent, stale, abandoned, foreign):
        path.write_text("[]", encoding="utf-8")
    age(recent, KEEP_DAYS - 1)
    age(stale, KEEP_DAYS + 1)
    age(abandoned, 0.1)  # a temporary file from a process killed 2.4 hours ago
    age(foreign, 400)
    assert prune(tmp_path) == 2
    assert sorted(path.name for path in folder.iterdir()) == ["notes.txt", "recent.json"]
    assert read_entry(recent) == [] and time.time() - recent.stat().st_mtime < 60


def test_pruning_removes_emptied_folders(tmp_path: Path) -> None:
    folder = tmp_path / "shards" / "cd"
    folder.mkdir(parents=True)
    write_entry(folder / "old.json", [["<a>", None, None, "m", "s"]])
    age(folder / "old.json", KEEP_DAYS + 1)
    assert prune(tmp_path) == 1
    assert not folder.exists()
    assert prune(tmp_path / "missing") == 0  # no cache yet: nothing to do


def _no_parsing(job: object) -> object:
    raise AssertionError("a file was parsed again")


def test_validate_and_query_read_the_records_a_build_cached(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An institute runs `kg validate`, `kg query` and `kg push` between builds: none of
    them parses the 100k unchanged files again."""
    import kg.records
    from kg import query, validate_data

    build(data_copy, tmp_path / "out")
    monkeypatch.setattr(kg.records, "_parse_encoded", _no_parsing)
    graph = validate_data(data_copy)
    assert len(graph.triples) > 5000
    assert len(query.local_store(data_copy)) == len(graph.triples)
    with pytest.raises(AssertionError, match="parsed again"):
        validate_data(data_copy, cache=False)
