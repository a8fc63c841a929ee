"""`kg query`: a thin layer over kg.query; data on stdout, one `Error:` line on stderr."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg import query
from kg.cli import cli
from tests.conftest import ROOT
from tests.servers import free_port


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def graph_file(built: Path) -> list[str]:
    return ["--graph-file", str(built / "kg.nt")]


def test_list_shows_every_query_with_its_parameters() -> None:
    code, stdout, _ = invoke("query", "list")
    assert code == 0
    assert "projects_active_in_year [year=2022]\n    Research projects active" in stdout
    assert 'works_by_person [name=""]' in stdout


def test_list_as_json() -> None:
    code, stdout, _ = invoke("query", "list", "--format", "json")
    assert code == 0
    assert json.loads(stdout) == query.catalogue()


def test_show_prints_the_query_file() -> None:
    code, stdout, _ = invoke("query", "show", "publications_list")
    assert code == 0
    assert stdout == (ROOT / "kg" / "queries" / "publications_list.rq").read_text("utf-8")


def test_run_prints_a_table_and_counts_rows_on_stderr(graph_file: list[str]) -> None:
    code, stdout, stderr = invoke("query", "run", "patents_by_family", *graph_file)
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].split() == [
        "family",
        "jurisdiction",
        "number",
        "status",
        "date",
        "title",
        "document",
    ]
    assert set(lines[1]) == {"-", " "}
    assert len(lines) == 2 + 12
    assert stderr == "12 rows\n"


def test_run_on_the_records_in_data() -> None:
    code, stdout, stderr = invoke(
        "query", "run", "projects_active_in_year", "--param", "year=2019", "--format", "csv"
    )
    assert code == 0, stderr
    # (CliRunner turns the CSV's CRLF line ends into LF.)
    assert stdout.startswith("project_name,title,start,end,role,project\nTraMeExCo,")
    assert stderr == "1 row\n"


def test_run_json_is_sparql_results(graph_file: list[str]) -> None:
    code, stdout, _ = invoke(
        "query", "run", "talks_by_year_and_kind", *graph_file, "--format", "json"
    )
    assert code == 0
    document = json.loads(stdout)
    assert document["head"]["vars"] == ["year", "kind", "date", "title", "event", "talk"]
    assert len(document["results"]["bindings"]) == 23
    assert document["results"]["bindings"][0]["talk"]["type"] == "uri"


def test_run_construct_gives_turtle(graph_file: list[str]) -> None:
    code, stdout, stderr = invoke(
        "query", "run", "person_graph", "--param", "name=Bach S", *graph_file
    )
    assert code == 0
    graph = Graph().parse(data=stdout, format="turtle")
    assert len(graph) > 100
    assert stderr == f"{len(graph)} triples\n"


def test_run_a_query_file(tmp_path: Path, graph_file: list[str]) -> None:
    file = tmp_path / "granted.rq"
    file.write_text(
        "#+ summary: Granted patent documents in a jurisdiction.\n"
        "#+ params: [{name: where, type: string}]\n"
        "PREFIX schema: <http://schema.org/>\n"
        "SELECT ?number WHERE { ?d schema:creativeWorkStatus 'granted' ;"
        " schema:identifier ?number ; schema:spatialCoverage/schema:name ?where }\n",
        encoding="utf-8",
    )
    code, stdout, _ = invoke("query", "run", str(file), "--param", "where=EP", *graph_file)
    assert code == 0
    assert stdout.splitlines()[2] == "EP 3271863"


def test_cli_only_passes_options_to_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_run(name: str, params: dict[str, str], **options: Any) -> query.QueryResult:
        seen.update(name=name, params=params, **options)
        return query.QueryResult("SELECT", ["x"], [])

    monkeypatch.setattr(query, "run", fake_run)
    code, _, _ = invoke(
        "query", "run", "works_by_person", "--param", "name=a=b", "--endpoint", "http://h/q",
        "--graph", "urn:g", "--timeout", "5",
    )  # fmt: skip
    assert code == 0
    assert seen == {
        "name": "works_by_person",
        "params": {"name": "a=b"},
        "data": Path("data"),
        "graph_file": None,
        "endpoint": "http://h/q",
        "graph": "urn:g",
        "timeout": 5,
    }


def test_hostile_value_is_a_strange_name(graph_file: list[str]) -> None:
    code, stdout, stderr = invoke(
        "query", "run", "works_by_person", "--param", 'name=" } } UNION { ?s ?p ?o } #', *graph_file
    )
    assert code == 0
    assert stderr == "0 rows\n"
    assert len(stdout.splitlines()) == 2


# --- errors: one line, exit 2 for usage, 1 for the endpoint ---------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["show", "publication_list"],
            "unknown query 'publication_list'; did you mean 'publications_list'? `kg query list` shows the bundled queries",
        ),
        (
            ["run", "nothing_like_it"],
            "unknown query 'nothing_like_it'; `kg query list` shows the bundled queries",
        ),
        (
            ["run", "projects_active_in_year", "--param", "yaer=2021"],
            "unknown parameter 'yaer' for query projects_active_in_year; it takes year",
        ),
        (
            ["run", "projects_active_in_year", "--param", "year=next"],
            "parameter 'year' must be a year of four digits, not 'next'",
        ),
        (
            ["run", "projects_active_in_year", "--param", "2021"],
            "--param takes NAME=VALUE, not '2021'",
        ),
        (
            ["run", "person_graph", "--format", "csv"],
            "a CONSTRUCT query gives a graph: use --format turtle",
        ),
        (
            ["run", "patents_by_family", "--graph", "urn:g"],
            "--graph names a graph on an endpoint; give --endpoint too",
        ),
        (
            ["run", "patents_by_family", "--endpoint", "localhost:7878"],
            "--endpoint must be an http(s) URL, not 'localhost:7878'",
        ),
        (
            ["run", "patents_by_family", "--endpoint", "http://h/q", "--graph-file", "kg.nt"],
            "--graph-file reads a local file; it cannot go with --endpoint",
        ),
        (
            ["run", "patents_by_family", "--graph-file", "no-such.ttl"],
            "graph file no-such.ttl does not exist",
        ),
        (["run", "no-such.rq"], "cannot read query file no-such.rq: No such file or directory"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], message: str) -> None:
    code, stdout, stderr = invoke("query", *args)
    assert (code, stdout, stderr) == (2, "", f"Error: {message}\n")


def test_malformed_query_file_is_one_line(tmp_path: Path) -> None:
    file = tmp_path / "broken.rq"
    file.write_text("#+ summary: Broken.\nSELECT ?s WHERE { ?s ?p }\n", encoding="utf-8")
    code, stdout, stderr = invoke("query", "run", str(file))
    assert (code, stdout) == (2, "")
    assert stderr.startswith(f"Error: {file}: not a valid SPARQL 1.1 query: ")
    assert stderr.count("\n") == 1


def test_malformed_header_is_one_line(tmp_path: Path) -> None:
    file = tmp_path / "header.rq"
    file.write_text("#+ summary: [oops\nSELECT * {}\n", encoding="utf-8")
    code, _, stderr = invoke("query", "show", str(file))
    assert code == 2
    assert stderr.startswith(f"Error: {file}:1: the #+ header is not valid YAML: ")
    assert stderr.count("\n") == 1


def test_unreadable_graph_file_is_one_line(tmp_path: Path) -> None:
    file = tmp_path / "broken.ttl"
    file.write_text("<a> <b> .", encoding="utf-8")
    code, _, stderr = invoke("query", "run", "patents_by_family", "--graph-file", str(file))
    assert code == 2
    assert stderr.startswith(f"Error: cannot read graph file {file}: ")
    assert stderr.count("\n") == 1


def test_unreachable_endpoint() -> None:
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    code, stdout, stderr = invoke("query", "run", "patents_by_family", "--endpoint", endpoint)
    assert (code, stdout) == (1, "")
    assert stderr.startswith(f"Error: cannot reach {endpoint}: ")
    assert stderr.count("\n") == 1


def test_endpoint_that_never_answers_times_out() -> None:
    with socket.socket() as listener:  # accepts connections (the backlog), never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        code, stdout, stderr = invoke(
            "query", "run", "patents_by_family", "--endpoint", endpoint, "--timeout", "1"
        )
    assert (code, stdout, stderr) == (1, "", f"Error: {endpoint} did not answer within 1 s\n")
