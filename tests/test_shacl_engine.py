"""kg's SHACL engine reports exactly what pySHACL reports, on valid and invalid graphs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.resources import shapes_files, shapes_graph
from kg.shacl import CompiledShapes, UnsupportedShape

HERE = Path(__file__).parent
CASES = sorted(path.stem for path in (HERE / "shapes").glob("*.ru"))

Report = set[tuple[str, str | None, str | None, str]]


def as_nt(term: object) -> str | None:
    if term is None or isinstance(term, BNode):
        return None
    if isinstance(term, Literal) and term.datatype is None and term.language is None:
        return '"' + str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    assert isinstance(term, (URIRef, Literal))
    return term.n3()


def pyshacl_report(graph: Graph) -> Report:
    _, report, _ = pyshacl_validate(graph, shacl_graph=shapes_graph(True), advanced=True)
    return {
        (
            as_nt(report.value(r, SH.focusNode)) or "",
            as_nt(report.value(r, SH.resultPath)),
            as_nt(report.value(r, SH.value)),
            str(report.value(r, SH.resultMessage)),
        )
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    }


def kg_report(graph: Graph, threads: int | None = None) -> Report:
    store = ox.Store()
    store.bulk_load(graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    shapes = CompiledShapes.from_turtle(
        entry.read_text(encoding="utf-8") for entry in shapes_files(True)
    )
    return {(v.focus, v.path, v.value, v.message) for v in shapes.validate(store, threads)}


def fixture(case: str | None) -> Graph:
    graph = Graph()
    for expected in sorted((HERE / "golden").glob("*/expected.ttl")):
        graph.parse(expected)
    if case is not None:
        graph.update((HERE / "shapes" / f"{case}.ru").read_text(encoding="utf-8"))
    return graph


@pytest.mark.parametrize("case", [None, *CASES])
def test_same_report_as_pyshacl(case: str | None) -> None:
    graph = fixture(case)
    expected = pyshacl_report(graph)
    assert kg_report(graph) == expected
    assert (case is None) == (not expected)


def test_same_report_on_many_injected_errors_at_once() -> None:
    graph = fixture(None)
    for case in CASES:
        graph.update((HERE / "shapes" / f"{case}.ru").read_text(encoding="utf-8"))
    expected = pyshacl_report(graph)
    assert len(expected) >= len(CASES)
    assert kg_report(graph) == expected
    # The constraints run on threads; any number of them finds the same.
    assert kg_report(graph, threads=1) == expected == kg_report(graph, threads=5)


def test_unsupported_features_are_refused() -> None:
    shape = """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ;
            sh:property [ sh:path <urn:p> ; sh:maxLength 3 ] .
    """
    with pytest.raises(UnsupportedShape, match="maxLength"):
        CompiledShapes.from_turtle([shape])


def test_both_engines_locate_the_same_problems_in_the_records() -> None:
    from kg import load_graph
    from kg.terms import IRI, Literal
    from kg.validate import check_graph
    from kg.vocab import KG, SCHEMA
    from tests.conftest import DATA

    _, graph = load_graph(DATA)
    version = IRI("https://lapuschkin.com/kg/work/audiomnist/arxiv")
    role = IRI(f"{version}/author/samek-w")
    graph.triples -= {t for t in graph.triples if t[0] == version and t[1] == SCHEMA.name}
    graph.triples -= {t for t in graph.triples if t[0] == role and t[1] == KG.rank}
    graph.triples.add((role, KG.rank, Literal(9)))
    graph.triples.add((version, SCHEMA.datePublished, Literal("2018-13", datatype=SCHEMA.Date)))
    ours, reference = check_graph(graph, engine="kg"), check_graph(graph, engine="pyshacl")
    assert ours == reference
    assert {(p.record, p.field) for p in ours} >= {
        ("works/audiomnist/arxiv", "title"),
        ("works/audiomnist/arxiv", "authors"),
        ("works/audiomnist/arxiv", "year"),  # the date comes from the record's year
    }
    assert all(p.file.endswith("journal-articles.yaml") and p.line > 0 for p in ours)
