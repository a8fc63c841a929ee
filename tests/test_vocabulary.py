"""Every class and property kg writes exists in the shared vocabularies or in ontology/."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from kg import load_graph
from kg.resources import ontology_graph
from tests.conftest import DATA, VOCAB

BUILT_IN = (str(RDF), str(RDFS), str(XSD))


@cache
def vocabulary() -> frozenset[URIRef]:
    graph = Graph()
    for path in sorted(VOCAB.glob("*.ttl")):
        graph.parse(path)
    graph += ontology_graph()
    return frozenset(s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef))


def used_terms(graph: Graph) -> set[URIRef]:
    predicates = {p for p in graph.predicates() if isinstance(p, URIRef)}
    classes = {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
    return predicates | classes


def test_every_term_of_the_private_graph_exists() -> None:
    _, graph = load_graph(DATA)
    missing = sorted(
        term
        for term in used_terms(graph.private_graph())
        if term not in vocabulary() and not str(term).startswith(BUILT_IN)
    )
    assert missing == []


def test_every_term_of_the_golden_graphs_exists() -> None:
    graph = Graph()
    for path in sorted((Path(__file__).parent / "golden").glob("*/expected.ttl")):
        graph.parse(path)
    assert [
        t for t in used_terms(graph) if t not in vocabulary() and not str(t).startswith(BUILT_IN)
    ] == []


def test_schema_org_terms_are_http() -> None:
    _, graph = load_graph(DATA)
    everything = graph.private_graph()
    terms = {str(term) for triple in everything for term in triple if isinstance(term, URIRef)}
    assert not [term for term in terms if term.startswith("https://schema.org/")]
    assert any(term.startswith("http://schema.org/") for term in terms)


def test_own_terms_have_label_comment_and_alignment() -> None:
    ontology = ontology_graph()
    own = {s for s in ontology.subjects(RDF.type, None) if "#" in str(s)}
    assert own
    for term in own:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, RDFS.comment) is not None, term
        aligned = ontology.value(term, RDFS.seeAlso) or ontology.value(term, RDFS.subPropertyOf)
        assert aligned is not None, term
