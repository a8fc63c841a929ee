"""The same queries on a real Oxigraph server: the same rows as rdflib gives locally.

The server runs on 127.0.0.1 (tests/servers.py) with the exported graph in a named graph,
loaded with a plain Graph Store Protocol PUT. One server serves the whole module: every query
here only reads, and one test checks that nothing a parameter says can change that.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg import query
from kg.cli import cli
from tests.conftest import DATA
from tests.servers import OxigraphServer
from tests.test_query import BUNDLED, HOSTILE, PERSON_QUERIES, answer

pytestmark = pytest.mark.slow

GRAPH = "https://lapuschkin.com/kg/"
OTHER_VALUES = [
    ("works_by_person", {"name": "Samek W"}),
    ("works_by_person", {"name": "Sebastian Bach"}),
    ("coauthors_by_joint_works", {"name": "Samek W"}),
    ("publications_per_year", {"name": "Bach S"}),
    ("career_timeline", {"name": "Wojciech Samek"}),
    ("person_graph", {"name": "Bach S"}),
    ("projects_active_in_year", {"year": "2019"}),
    ("projects_active_in_year", {"year": "2027"}),
    ("coauthor_network_edges", {"min_weight": "10"}),
]


def put(server: OxigraphServer, file: Path, graph: str) -> None:
    """Replace a named graph with a file's triples: Graph Store Protocol PUT (§5.3)."""
    request = urllib.request.Request(
        f"{server.store_url}?graph={urllib.parse.quote(graph, safe='')}",
        data=file.read_bytes(),
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status in (201, 204)


def triples_in_store(server: OxigraphServer) -> int:
    counted = query.parse(
        "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }", "count"
    )
    return int(str(query.run_remote(counted, server.query_url).rows[0]["n"]))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, built: Path) -> Iterator[OxigraphServer]:
    started = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "db").start()
    try:
        put(started, built / "kg.nt", GRAPH)
        yield started
    finally:
        started.stop()


def remote(server: OxigraphServer, name: str, values: dict[str, str]) -> query.QueryResult:
    bundled = BUNDLED[name]
    return query.run_remote(bundled, server.query_url, query.bind(bundled, values), graph=GRAPH)


def assert_same(local: query.QueryResult, other: query.QueryResult) -> None:
    if local.form == "SELECT":
        assert other.variables == local.variables
        assert len(other.rows) == len(local.rows)
        for number, (mine, theirs) in enumerate(zip(local.rows, other.rows, strict=True)):
            assert theirs == mine, f"row {number} differs"
    else:
        assert local.graph is not None and other.graph is not None
        assert set(other.graph) == set(local.graph)


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_query_gives_the_same_rows_locally_and_on_oxigraph(
    server: OxigraphServer, built: Path, name: str
) -> None:
    local = answer(built / "kg.nt", name, ())
    assert local.rows or local.graph
    assert_same(local, remote(server, name, {}))


@pytest.mark.parametrize(("name", "values"), OTHER_VALUES, ids=lambda v: str(v))
def test_parameters_bind_the_same_way_locally_and_on_oxigraph(
    server: OxigraphServer, built: Path, name: str, values: dict[str, str]
) -> None:
    local = answer(built / "kg.nt", name, tuple(sorted(values.items())))
    assert_same(local, remote(server, name, values))


def test_hostile_values_are_only_strange_values(server: OxigraphServer, built: Path) -> None:
    before = triples_in_store(server)
    for name in PERSON_QUERIES:
        for value in HOSTILE:
            theirs = remote(server, name, {"name": value})
            assert not theirs.rows and not theirs.graph, f"{value!r} matched someone"
        for value in HOSTILE[:3]:
            local = answer(built / "kg.nt", name, (("name", value),))
            assert_same(local, remote(server, name, {"name": value}))
    assert triples_in_store(server) == before
    for name in sorted(BUNDLED):  # and every other answer is as it was
        assert_same(answer(built / "kg.nt", name, ()), remote(server, name, {}))


def test_hostile_values_reach_the_server_unchanged(server: OxigraphServer) -> None:
    echo = query.parse(
        "#+ params: [{name: value, type: string}]\nSELECT ?echo WHERE { BIND(?value AS ?echo) }",
        "echo",
    )
    for value in HOSTILE:
        result = query.run_remote(echo, server.query_url, query.bind(echo, {"value": value}))
        assert [str(row["echo"]) for row in result.rows] == [value]


def test_graph_restricts_the_query_to_the_named_graph(server: OxigraphServer) -> None:
    bundled = BUNDLED["patents_by_family"]
    assert query.run_remote(bundled, server.query_url).rows == []  # the default graph is empty
    assert len(query.run_remote(bundled, server.query_url, graph=GRAPH).rows) == 12


def test_ask_from_the_endpoint(server: OxigraphServer, tmp_path: Path) -> None:
    file = tmp_path / "profile.rq"
    file.write_text("ASK { ?page a <http://schema.org/ProfilePage> }\n", encoding="utf-8")
    asked = query.load(file)
    assert query.run_remote(asked, server.query_url, graph=GRAPH).boolean is True
    assert query.run_remote(asked, server.query_url).boolean is False
    code, stdout, _ = invoke(
        "query",
        "run",
        str(file),
        "--endpoint",
        server.query_url,
        "--graph",
        GRAPH,
        "--format",
        "json",
    )
    assert (code, json.loads(stdout)) == (0, {"head": {}, "boolean": True})


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["csv", "json", "tsv"])
def test_cli_prints_the_same_answer_from_the_endpoint(
    server: OxigraphServer, built: Path, fmt: str
) -> None:
    name = "coauthors_by_joint_works"
    endpoint = ["--endpoint", server.query_url, "--graph", GRAPH]
    code, remote_out, stderr = invoke("query", "run", name, *endpoint, "--format", fmt)
    assert code == 0, stderr
    graph_file = ["--graph-file", str(built / "kg.nt")]
    code, local_out, _ = invoke("query", "run", name, *graph_file, "--format", fmt)
    assert code == 0
    assert remote_out == local_out
    if fmt == "json":
        assert json.loads(remote_out)["head"]["vars"][0] == "coauthor_name"


def test_cli_construct_from_the_endpoint_is_turtle(server: OxigraphServer) -> None:
    code, stdout, stderr = invoke(
        "query", "run", "person_graph", "--param", "name=Samek W",
        "--endpoint", server.query_url, "--graph", GRAPH,
    )  # fmt: skip
    assert code == 0, stderr
    graph = Graph().parse(data=stdout, format="turtle")
    assert len(graph) > 50


def test_endpoint_errors_are_one_line(server: OxigraphServer) -> None:
    code, stdout, stderr = invoke(
        "query", "run", "patents_by_family", "--endpoint", f"{server.url}/no-such-endpoint"
    )
    assert code == 1
    assert stdout == ""
    assert stderr.startswith(
        f"Error: {server.url}/no-such-endpoint is not a SPARQL query endpoint (HTTP 404)"
    )
    assert len(stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_the_default_local_engine_gives_the_same_rows_as_rdflib(built: Path, name: str) -> None:
    """`kg query run` runs on an in-memory Oxigraph store; rdflib is the independent check."""
    store = query.local_store(graph_file=built / "kg.nt")
    bundled = BUNDLED[name]
    ours = query.run_oxigraph(bundled, store, query.bind(bundled, {}))  # defaults, as `run` does
    assert_same(answer(built / "kg.nt", name, ()), ours)


@pytest.mark.parametrize(("name", "values"), OTHER_VALUES, ids=lambda v: str(v))
def test_the_default_local_engine_binds_parameters_like_rdflib(
    built: Path, name: str, values: dict[str, str]
) -> None:
    store = query.local_store(graph_file=built / "kg.nt")
    bundled = BUNDLED[name]
    local = answer(built / "kg.nt", name, tuple(sorted(values.items())))
    assert_same(local, query.run_oxigraph(bundled, store, query.bind(bundled, values)))


def test_the_records_and_the_built_kg_nt_make_the_same_store(built: Path) -> None:
    """`kg query run` loads the records' sorted N-Triples, which `kg build` writes as kg.nt:
    the two stores hold the same quads (the benchmark times queries on the second)."""
    from_records = query.local_store(DATA)
    from_file = query.local_store(graph_file=built / "kg.nt")
    quads = set(from_records)
    assert len(quads) > 5000
    assert quads == set(from_file)
