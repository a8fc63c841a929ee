"""Golden cases: each folder holds records (data/) beside the graph they must map to."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic

from kg import load_graph

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(path.name for path in GOLDEN.iterdir() if (path / "data").is_dir())


@pytest.mark.parametrize("case", CASES)
def test_records_map_to_the_expected_graph(case: str) -> None:
    _, graph = load_graph(GOLDEN / case / "data")
    expected = Graph().parse(GOLDEN / case / "expected.ttl")
    actual = graph.public_graph()
    if not isomorphic(actual, expected):
        _, missing, extra = graph_diff(expected, actual)
        pytest.fail(
            f"missing:\n{missing.serialize(format='nt')}\nunexpected:\n{extra.serialize(format='nt')}"
        )
