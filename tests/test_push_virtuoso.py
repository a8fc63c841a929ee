"""`kg push --preset virtuoso` against a real Virtuoso Open Source server (Debian's
`virtuoso-opensource`, which tests/run.sh installs): digest authentication on the `-auth`
endpoints, both methods, the exact graph, no staging graph left (issue 5).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import VirtuosoServer
from tests.test_push import GRAPH, SECRET, exported, parse, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    missing = VirtuosoServer.missing()
    if missing:
        pytest.skip(f"Virtuoso is not installed ({missing})")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"), password=SECRET).start()
    try:
        yield server
    finally:
        server.stop()


def credentials(password: str = SECRET) -> dict[str, str]:
    return {"KG_PUSH_USER": "dba", "KG_PUSH_PASSWORD": password}


def push_args(server: VirtuosoServer, *more: str) -> list[str]:
    return ["push", "--endpoint", server.url, "--preset", "virtuoso", "--graph", GRAPH, *more]


def stored(server: VirtuosoServer) -> set[object]:
    url = f"{server.url}/sparql-graph-crud?{urllib.parse.urlencode({'graph': GRAPH})}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return set(parse(response.read()))


def staging_graphs(server: VirtuosoServer) -> list[str]:
    query = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        'FILTER(STRSTARTS(STR(?g), "urn:kg:staging:")) }'
    )
    url = f"{server.url}/sparql?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return [row["g"]["value"] for row in json.load(response)["results"]["bindings"]]


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_push_to_virtuoso_is_exactly_the_export(
    virtuoso: VirtuosoServer, built: Path, method: str
) -> None:
    for _ in range(2):  # the second push leaves the same graph
        code, _, stderr = run(
            *push_args(virtuoso, "--method", method, "--file", str(built / "kg.nt")),
            env=credentials(),
        )
        assert code == 0, stderr
        assert stored(virtuoso) == exported(built)
    assert staging_graphs(virtuoso) == []


def test_wrong_password_is_refused_and_not_printed(virtuoso: VirtuosoServer, built: Path) -> None:
    wrong = f"{SECRET}-wrong"
    code, stdout, stderr = run(
        *push_args(virtuoso, "--file", str(built / "kg.nt")), env=credentials(wrong)
    )
    assert code == 1
    assert stderr == (
        f"Error: asking the store: POST {virtuoso.url}/sparql-auth answered 401 digest auth "
        "failed; the credentials from KG_PUSH_USER/KG_PUSH_PASSWORD were refused\n"
    )
    assert wrong not in stdout + stderr


def test_anonymous_push_is_refused_and_the_graph_kept(
    virtuoso: VirtuosoServer, built: Path, tmp_path: Path
) -> None:
    """Virtuoso refuses the anonymous user's update (a delta of one new triple)."""
    assert run(*push_args(virtuoso, "--file", str(built / "kg.nt")), env=credentials())[0] == 0
    changed = tmp_path / "changed.nt"
    extra = b'<https://example.org/a> <https://example.org/b> "c" .\n'
    changed.write_bytes((built / "kg.nt").read_bytes() + extra)
    code, _, stderr = run(
        *push_args(virtuoso, "--file", str(changed)),
        env={"KG_PUSH_USER": None, "KG_PUSH_PASSWORD": None},
    )
    assert code == 1
    assert stderr.startswith(f"Error: updating <{GRAPH}> (-0 +1 triples): POST ")
    assert "No permission" in stderr
    assert stored(virtuoso) == exported(built)
    assert staging_graphs(virtuoso) == []
