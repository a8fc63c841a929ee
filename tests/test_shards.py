"""Validation in record-sized shards reports exactly what whole-graph validation reports.

Shards are forced tiny here, so every record's neighbourhood crosses shard boundaries.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from rdflib import URIRef

from benchmarks.generate import generate
from kg.errors import Problem
from kg.graph import KnowledgeGraph
from kg.pipeline import load_graph
from kg.serialize import Rows
from kg.shacl import CompiledShapes
from kg.shards import sharded_violations
from kg.terms import IRI, Literal, Term, from_rdflib
from kg.validate import check_graph, locate, shard_plan
from kg.vocab import RDF, RDFS, SCHEMA
from tests.conftest import DATA

HERE = Path(__file__).parent
CASES = sorted(path.stem for path in (HERE / "shapes").glob("*.ru"))


def sharded(graph: KnowledgeGraph, shard_triples: int, public: bool = True) -> list[Problem]:
    triples = graph.triples if public else graph.triples | graph.private_triples
    plan = shard_plan(graph, Rows(triples), public, shard_triples=shard_triples)
    assert len(plan) > 3
    return locate(sharded_violations(plan, workers=2), graph.origins)


def whole(graph: KnowledgeGraph, public: bool = True) -> list[Problem]:
    return check_graph(graph, public, shards=False)


def golden_graph() -> KnowledgeGraph:
    """The three golden datasets in one graph, origins included."""
    merged: KnowledgeGraph | None = None
    for data in sorted(HERE.glob("golden/*/data")):
        _, graph = load_graph(data)
        if merged is None:
            merged = graph
        else:
            merged.triples |= graph.triples
            merged.origins.update(graph.origins)
    assert merged is not None
    return merged


def updated(graph: KnowledgeGraph, update: str) -> KnowledgeGraph:
    """The graph after a SPARQL Update (a test's injected error), origins kept."""
    rdf = graph.public_graph()
    rdf.update(update)
    return dataclasses.replace(graph, triples={_triple(t) for t in rdf})


def _triple(triple: tuple[object, object, object]) -> tuple[IRI, IRI, Term]:
    s, p, o = triple
    assert isinstance(s, URIRef) and isinstance(p, URIRef)
    return IRI(str(s)), IRI(str(p)), from_rdflib(o)


@pytest.mark.parametrize("case", CASES)
def test_each_injected_violation_is_found_once_in_shards(case: str) -> None:
    graph = updated(golden_graph(), (HERE / "shapes" / f"{case}.ru").read_text("utf-8"))
    expected = whole(graph)
    assert expected  # the case does break a shape
    assert sharded(graph, shard_triples=20) == expected


def test_all_injected_violations_at_once() -> None:
    graph = golden_graph()
    for case in CASES:
        graph = updated(graph, (HERE / "shapes" / f"{case}.ru").read_text("utf-8"))
    expected = whole(graph)
    assert len(expected) >= len(CASES)
    assert sharded(graph, shard_triples=20) == expected


def test_a_corpus_with_every_37th_triple_lost(tmp_path: Path) -> None:
    """Hundreds of violations of every kind: missing names, types, ranks, venues, chains."""
    generate(200, tmp_path / "data", seed=3)
    _, graph = load_graph(tmp_path / "data")
    assert whole(graph) == []
    kept = {t for index, t in enumerate(sorted(graph.triples)) if index % 37}
    broken = dataclasses.replace(graph, triples=kept)
    expected = whole(broken)
    assert len(expected) > 200
    assert len({problem.message for problem in expected}) > 10
    assert sharded(broken, shard_triples=500) == expected


def test_the_researchers_private_graph_in_shards() -> None:
    _, graph = load_graph(DATA)
    assert whole(graph, public=False) == []
    assert sharded(graph, shard_triples=100, public=False) == []
    leaked = dataclasses.replace(graph, triples=graph.triples | graph.private_triples)
    expected = whole(leaked)  # the privacy shapes catch personal data in a public graph
    assert expected
    assert sharded(leaked, shard_triples=100) == expected


def test_large_graphs_are_sharded_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.validate

    _, graph = load_graph(DATA)
    broken = updated(graph, "DELETE WHERE { ?role <https://w3id.org/kg-exporter/ns#rank> 2 }")
    calls = []
    monkeypatch.setattr(kg.validate, "SHARDED_MIN_TRIPLES", 1)
    monkeypatch.setattr(
        kg.validate,
        "sharded_violations",
        lambda plan: calls.append(plan) or sharded_violations(plan),
    )
    assert check_graph(broken) == whole(broken)
    assert calls and len(calls[0]) >= 1


def test_a_rebuild_validates_only_the_shards_whose_triples_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.shacl import CompiledShapes

    generate(200, tmp_path / "data", seed=5)
    _, graph = load_graph(tmp_path / "data")
    reports = tmp_path / "reports"

    def run(graph: KnowledgeGraph) -> tuple[list[Problem], int, int]:
        stores: list[int] = []
        validate = CompiledShapes.validate
        monkeypatch.setattr(
            CompiledShapes,
            "validate",
            lambda self, store, threads=None: stores.append(1) or validate(self, store, threads),
        )
        plan = shard_plan(graph, Rows(graph.triples), shard_triples=500, cache=reports)
        found = [v for shard in range(len(plan)) for v in plan.violations(shard)]  # in-process
        problems = locate(found, graph.origins)
        monkeypatch.undo()
        return problems, len(stores), len(plan)

    assert run(graph) == (
        [],
        len(list(reports.rglob("*.json"))),
        len(list(reports.rglob("*.json"))),
    )
    problems, validated, shards = run(graph)
    assert (problems, validated) == ([], 0)  # nothing changed: every report comes from the cache

    name = next(t for t in sorted(graph.triples) if "/person/" in t[0] and t[1] == SCHEMA.name)
    broken = dataclasses.replace(graph, triples=graph.triples - {name})
    problems, validated, shards = run(broken)
    assert problems == whole(broken) and problems
    assert 0 < validated < shards / 2  # only the shards that hold that person (or read it)


def test_shard_boundaries_do_not_move_when_a_record_grows(tmp_path: Path) -> None:
    generate(200, tmp_path / "data", seed=5)
    _, graph = load_graph(tmp_path / "data")
    before = shard_plan(graph, Rows(graph.triples), shard_triples=500)
    work = next(s for s, p, _ in sorted(graph.triples) if "/work/" in s and p.endswith("#type"))
    extra = {(work, IRI(f"https://example.org/extra/{n}"), Literal(str(n))) for n in range(300)}
    grown = dataclasses.replace(graph, triples=graph.triples | extra)
    after = shard_plan(grown, Rows(grown.triples), shard_triples=500)

    def members(plan: object) -> list[frozenset[str]]:
        return [
            frozenset(plan.subjects[index][0] for index in shard)  # type: ignore[attr-defined]
            for shard in plan.shards  # type: ignore[attr-defined]
        ]

    same = set(members(before)) & set(members(after))
    assert len(same) >= len(before) - 2  # only the grown work's shard (and its next) differ


def test_shards_hold_about_the_triples_asked_for(tmp_path: Path) -> None:
    """A work's code link sorts far from the work itself: shards are cut over whole records,
    so none piles up the works whose links came first."""
    generate(2000, tmp_path / "data", seed=5)
    _, graph = load_graph(tmp_path / "data")
    rows = Rows(graph.triples)
    plan = shard_plan(graph, rows, shard_triples=2000)
    sizes = [sum(len(rows.subjects[index][2]) for index in shard) for shard in plan.shards]
    largest_record = 400  # the researcher's profile and career, the largest group here
    assert max(sizes) <= 2 * 2000 + largest_record
    assert sum(sizes) == len(rows)


def test_a_shard_holds_only_the_triples_a_constraint_can_read() -> None:
    graph = golden_graph()
    rows = Rows(graph.triples)
    plan = shard_plan(graph, rows, shard_triples=300)
    readable = plan.shapes.read_predicates()
    assert readable is not None and str(SCHEMA.name) in readable
    held = {
        line.split(" ", 2)[1][1:-1]
        for shard in range(len(plan))
        for line in plan.ntriples(plan.neighbourhood(plan.shards[shard])).decode().splitlines()
    }
    in_graph = {predicate for _, predicate, _ in graph.triples}
    assert held == in_graph & readable
    assert str(SCHEMA.url) in in_graph - held  # no shape checks a link's URL


SPARQL_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this <http://example.org/part> ?p . %s }" ] .
"""


@pytest.mark.parametrize(
    ("pattern", "reads"),
    [
        ("FILTER NOT EXISTS { ?p <http://example.org/size> ?s }", {"part", "size"}),
        ("?p <http://example.org/a>/<http://example.org/b>* ?s", {"part", "a", "b"}),
        ("FILTER EXISTS { ?p ?any ?s }", None),
        ("?p !<http://example.org/a> ?s", None),
    ],
)
def test_the_predicates_a_sparql_constraint_reads(pattern: str, reads: set[str] | None) -> None:
    shapes = CompiledShapes.from_turtle([SPARQL_SHAPE % pattern])
    found = shapes.read_predicates()
    if reads is None:
        assert found is None  # a variable or negated predicate: a shard keeps every triple
    else:
        ex = "http://example.org/"
        expected = {ex + name for name in reads | {"name"}} | {str(RDF.type), str(RDFS.subClassOf)}
        assert found == expected
