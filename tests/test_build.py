"""`kg build`: three formats, one graph, no blank nodes, byte-identical rebuilds, and the
homepage (out/index.html) generated from the same graph."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from pyld import jsonld
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from kg import build
from kg.cli import cli
from kg.graph import KnowledgeGraph, build_graph
from kg.terms import Triple, TripleSet
from tests.conftest import DATA

GRAPH_FILES = ("kg.ttl", "kg.jsonld", "kg.nt")
FILES = (*GRAPH_FILES, "index.html")


def rdflib_graph(path: Path) -> Graph:
    return Graph().parse(
        path, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[path.suffix[1:]]
    )


def test_build_writes_the_three_files_and_the_homepage(built: Path) -> None:
    assert sorted(path.name for path in built.iterdir()) == sorted(FILES)


def test_rdflib_reads_the_three_files_as_one_graph(built: Path) -> None:
    turtle, ntriples, json_ld = (rdflib_graph(built / name) for name in GRAPH_FILES)
    assert len(turtle) > 5000
    assert isomorphic(turtle, ntriples)
    assert isomorphic(turtle, json_ld)


def test_pyoxigraph_reads_the_three_files_as_one_graph(built: Path) -> None:
    formats = {
        "kg.ttl": pyoxigraph.RdfFormat.TURTLE,
        "kg.nt": pyoxigraph.RdfFormat.N_TRIPLES,
        "kg.jsonld": pyoxigraph.RdfFormat.JSON_LD,
    }
    parsed = {
        name: set(pyoxigraph.parse(path=built / name, format=fmt)) for name, fmt in formats.items()
    }
    assert parsed["kg.ttl"] == parsed["kg.nt"] == parsed["kg.jsonld"]
    assert len(parsed["kg.nt"]) == len(rdflib_graph(built / "kg.nt"))


def test_pyld_expands_the_jsonld_to_the_same_graph(built: Path) -> None:
    document = json.loads((built / "kg.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert isomorphic(Graph().parse(data=nquads, format="nt"), rdflib_graph(built / "kg.nt"))


def test_jsonld_is_self_contained(built: Path) -> None:
    document = json.loads((built / "kg.jsonld").read_text(encoding="utf-8"))
    assert isinstance(document["@context"], dict), "the context is inline, not a remote URL"


def test_no_blank_nodes(built: Path) -> None:
    graph = rdflib_graph(built / "kg.nt")
    assert not [triple for triple in graph if any(isinstance(term, BNode) for term in triple)]


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    build(DATA, tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_base_option_changes_every_node(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["build", "--data", str(DATA), "--out", str(tmp_path), "--base", "https://example.org/x/"],
    )
    assert result.exit_code == 0, result.stderr
    subjects = {str(s) for s in rdflib_graph(tmp_path / "kg.nt").subjects()}
    assert subjects and all(s.startswith("https://example.org/x/") for s in subjects)


def test_cli_prints_files_on_stdout_and_summary_on_stderr(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--data", str(DATA), "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert sorted(Path(line).name for line in result.stdout.split()) == sorted(FILES)
    assert "valid" in result.stderr


def test_private_export_goes_to_files_named_private(tmp_path: Path) -> None:
    result = build(DATA, tmp_path, private=True)
    names = sorted(path.name for path in result.files)
    assert names == sorted([*FILES, "kg.private.ttl", "kg.private.jsonld", "kg.private.nt"])
    public = (tmp_path / "kg.nt").read_text(encoding="utf-8")
    private = (tmp_path / "kg.private.nt").read_text(encoding="utf-8")
    assert "birthDate" not in public and "birthDate" in private


@pytest.mark.parametrize("name", FILES)
def test_failed_build_leaves_previous_outputs_untouched(
    data_copy: Path, tmp_path: Path, name: str
) -> None:
    build(data_copy, tmp_path)
    before = (tmp_path / name).read_bytes()
    records = data_copy / "profile.yaml"
    records.write_text(
        records.read_text(encoding="utf-8").replace("family_name:", "familyname:", 1),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["build", "--data", str(data_copy), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert (tmp_path / name).read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_private_record_stays_out_of_the_public_outputs(data_copy: Path, tmp_path: Path) -> None:
    books = data_copy / "books.yaml"
    text = books.read_text(encoding="utf-8")
    books.write_text(
        text.replace("  - key: ", "  - visibility: private\n    key: ", 1), encoding="utf-8"
    )
    result = build(data_copy, tmp_path, private=True)
    private_work = [s for s, _, _ in result.graph.private_triples if "/work/" in s]
    assert private_work, "the private work is in the private graph"
    public = (tmp_path / "kg.nt").read_text(encoding="utf-8")
    assert not any(f"<{subject}>" in public for subject in private_work)
    assert f"<{private_work[0]}>" in (tmp_path / "kg.private.nt").read_text(encoding="utf-8")


@pytest.fixture
def in_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the institute-sized path (forked writers and validation shards) on small data."""
    import kg.pipeline
    import kg.validate

    monkeypatch.setattr(kg.pipeline, "PARALLEL_MIN_TRIPLES", 1)
    monkeypatch.setattr(kg.validate, "SHARDED_MIN_TRIPLES", 1)


def test_the_parallel_build_writes_the_same_bytes(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    build(DATA, tmp_path / "serial", private=True)
    request.getfixturevalue("in_parallel")
    build(DATA, tmp_path / "parallel", private=True)
    serial = {path.name: path.read_bytes() for path in (tmp_path / "serial").iterdir()}
    parallel = {path.name: path.read_bytes() for path in (tmp_path / "parallel").iterdir()}
    assert len(serial) == 7
    assert parallel == serial


def test_the_parallel_build_of_an_invalid_graph_writes_nothing(
    in_parallel: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.graph
    import kg.pipeline
    from kg.errors import ValidationFailed
    from kg.vocab import SCHEMA

    build(DATA, tmp_path)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    def without_names(dataset: object) -> object:
        graph = kg.graph.build_graph(dataset)  # type: ignore[arg-type]
        graph.triples = {t for t in graph.triples if t[1] != SCHEMA.name}
        return graph

    monkeypatch.setattr(kg.pipeline, "build_graph", without_names)
    with pytest.raises(ValidationFailed) as failed:
        build(DATA, tmp_path)
    assert len(failed.value.problems) > 100
    assert any(problem.file.endswith("people.yaml") for problem in failed.value.problems)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before


def test_a_writer_failing_in_a_worker_leaves_no_file_behind(
    in_parallel: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.pipeline
    from kg.errors import KgError

    build(DATA, tmp_path)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    def failing(rows: object) -> Iterator[str]:
        yield "@prefix half: <written> .\n"
        raise KgError("cannot write kg.ttl: No space left on device")

    monkeypatch.setitem(kg.pipeline.STREAMS, "ttl", failing)
    with pytest.raises(KgError, match="No space left"):
        build(DATA, tmp_path)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before


def test_an_interrupted_parallel_build_leaves_the_outputs_and_no_process_behind(
    in_parallel: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C reaches the parent and its helpers at once: each stops after its job, the
    files already staged are removed, and the build ends with the interrupt."""
    import multiprocessing

    import kg.shards
    from kg.bulk import JobFailed

    build(DATA, tmp_path)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    def interrupted(plan: object, shard: int) -> list[object]:
        raise KeyboardInterrupt

    monkeypatch.setattr(kg.shards.ShardPlan, "violations", interrupted)
    with pytest.raises((KeyboardInterrupt, JobFailed)):
        build(DATA, tmp_path)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before
    assert multiprocessing.active_children() == []


class ReadOnce(TripleSet):
    """Triples that may be gone through once, in any process: the sort's pass."""

    passes = 0

    def __iter__(self) -> Iterator[Triple]:
        type(self).passes += 1
        if type(self).passes > 1:
            raise AssertionError("the triples were read again after the sort")
        return super().__iter__()


def test_after_the_sort_a_parallel_build_reads_only_the_rows(
    in_parallel: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writers, shards and the homepage all read the sorted rows. A forked helper that went
    through the triples again would copy nearly every page of the graph (2.2 GB at 100k)."""
    import kg.pipeline

    def mapped(dataset: object) -> KnowledgeGraph:
        graph = build_graph(dataset)  # type: ignore[arg-type]
        graph.triples = ReadOnce(graph.triples)
        ReadOnce.passes = 0
        return graph

    monkeypatch.setattr(kg.pipeline, "build_graph", mapped)
    build(DATA, tmp_path / "parallel")
    assert ReadOnce.passes == 1
    monkeypatch.undo()  # the reference: a build of small data, in this process
    build(DATA, tmp_path / "serial")
    for name in FILES:
        assert (tmp_path / "parallel" / name).read_bytes() == (
            tmp_path / "serial" / name
        ).read_bytes()
