"""Each SHACL shape has a valid fixture (the golden graphs) and an invalid one: the same graph
after the SPARQL Update in tests/shapes/<Shape>.ru, whose first line names the message expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kg.resources import shapes_graph
from kg.validate import shacl_problems

HERE = Path(__file__).parent
CASES = sorted(path.stem for path in (HERE / "shapes").glob("*.ru"))


def valid_graph() -> Graph:
    graph = Graph()
    for expected in sorted((HERE / "golden").glob("*/expected.ttl")):
        graph.parse(expected)
    return graph


def test_the_valid_fixture_conforms() -> None:
    assert shacl_problems(valid_graph(), {}) == []


def test_every_shape_has_an_invalid_fixture() -> None:
    shapes = {
        str(s).rsplit("#", 1)[-1] for s in shapes_graph(True).subjects(RDF.type, SH.NodeShape)
    }
    assert shapes == set(CASES)


@pytest.mark.parametrize("shape", CASES)
def test_invalid_fixture_violates_its_shape(shape: str) -> None:
    update = (HERE / "shapes" / f"{shape}.ru").read_text(encoding="utf-8")
    expected = update.splitlines()[0].removeprefix("# expect: ")
    graph = valid_graph()
    graph.update(update)
    messages = [problem.message for problem in shacl_problems(graph, {})]
    assert any(expected in message for message in messages), messages


def test_every_constraint_has_a_message() -> None:
    shapes = shapes_graph(True)
    constraints = [
        *shapes.objects(None, SH.property),
        *shapes.objects(None, SH.sparql),
    ]
    assert constraints
    assert all(shapes.value(c, SH.message) is not None for c in constraints)
    assert all(isinstance(s, URIRef) for s in shapes.subjects(RDF.type, SH.NodeShape))
