"""The parsed-records cache: a rebuild after an edit equals a cold build byte for byte, and
the cache is plain JSON beside the data (never in out/, never code that could run)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg import build
from kg.cli import cli
from kg.pipeline import cache_folder


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
