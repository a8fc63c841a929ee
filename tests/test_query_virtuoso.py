"""The same queries on Virtuoso Open Source, the store many institutes run: the same rows.

Virtuoso 7 is the strictest test of "standard SPARQL 1.1": it cannot CONCAT aggregates, loses
columns in some nested OPTIONALs, and compares long literals only partly in ORDER BY unless
they go through STR(). The bundled queries avoid all three. The test skips, saying why, where
Virtuoso is not installed (tests/run.sh installs it on Debian).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg import query
from tests.test_query import BUNDLED, HOSTILE, PERSON_QUERIES, answer

pytestmark = pytest.mark.slow

GRAPH = "https://lapuschkin.com/kg/"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, built: Path) -> Iterator[Any]:
    from tests.servers import VirtuosoServer

    missing = VirtuosoServer.missing()
    if missing:
        pytest.skip(missing)
    location = tmp_path_factory.mktemp("virtuoso")
    shutil.copy(built / "kg.nt", location / "kg.nt")  # the server may read its own folder
    server = VirtuosoServer(location, password="kg-query-test").start()
    try:
        server.sql(f"DB.DBA.TTLP_MT(file_to_string_output('kg.nt'), '', '{GRAPH}');")
        yield server
    finally:
        server.stop()


def on_virtuoso(server: Any, name: str, values: dict[str, str]) -> query.QueryResult:
    bundled = BUNDLED[name]
    bindings = query.bind(bundled, values)
    return query.run_remote(bundled, f"{server.url}/sparql", bindings, graph=GRAPH)


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_query_gives_the_same_rows_on_virtuoso(virtuoso: Any, built: Path, name: str) -> None:
    local = answer(built / "kg.nt", name, ())
    theirs = on_virtuoso(virtuoso, name, {})
    if local.form == "SELECT":
        assert theirs.variables == local.variables
        assert theirs.rows == local.rows
    else:
        assert local.graph is not None and theirs.graph is not None
        assert set(theirs.graph) == set(local.graph)


def test_hostile_values_are_only_strange_values_on_virtuoso(virtuoso: Any) -> None:
    for name in PERSON_QUERIES:
        for value in HOSTILE:
            theirs = on_virtuoso(virtuoso, name, {"name": value})
            assert not theirs.rows and not theirs.graph, (name, value)
    echo = query.parse(
        "#+ params: [{name: value, type: string}]\nSELECT ?echo WHERE { BIND(?value AS ?echo) }",
        "echo",
    )
    for value in HOSTILE:
        bindings = query.bind(echo, {"value": value})
        result = query.run_remote(echo, f"{virtuoso.url}/sparql", bindings)
        assert [str(row["echo"]) for row in result.rows] == [value]
