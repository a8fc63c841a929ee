"""`kg push` against a real Oxigraph server: the pushed graph is exactly the export, a second
push changes nothing, invalid data and failures leave the previous graph, no staging graph
stays behind, and no password reaches any output (issue 5, DESIGN.md §7).
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner

from kg import push as pushing
from kg.cli import cli
from kg.errors import PushError
from kg.push import (
    Credentials,
    Endpoint,
    Payload,
    Settings,
    endpoint_for,
    find_credentials,
    load_payload,
    push,
    push_payload,
    staging_prefix,
)
from tests.servers import Answer, FakeStore, OxigraphServer, Recorded, free_port

GRAPH = "https://example.org/graphs/kg"
OTHER = "https://example.org/graphs/other"
FAST = Settings(backoff=0.01)
SECRET = "pw-7c1e9f0a-never-print-me"
SCHEMA = "http://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


# --- helpers ---------------------------------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def parse(data: bytes) -> set[pyoxigraph.Triple]:
    return set(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))


def exported(built: Path) -> set[pyoxigraph.Triple]:
    return parse((built / "kg.nt").read_bytes())


def stored(server: OxigraphServer, graph: str = GRAPH) -> set[pyoxigraph.Triple]:
    """The graph as the store serves it over the Graph Store Protocol."""
    url = f"{server.store_url}?{urllib.parse.urlencode({'graph': graph})}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return parse(response.read())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return set()
        raise


def named_graphs(server: OxigraphServer) -> set[str]:
    body = urllib.parse.urlencode({"query": "SELECT ?g WHERE { GRAPH ?g { } }"}).encode()
    request = urllib.request.Request(
        server.query_url, body, {"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    return {row["g"]["value"] for row in rows}


def sparql_update(server: OxigraphServer, text: str) -> None:
    request = urllib.request.Request(
        server.update_url, text.encode(), {"Content-Type": "application/sparql-update"}
    )
    urllib.request.urlopen(request, timeout=30).close()


def push_args(server_url: str, *more: str) -> list[str]:
    return ["push", "--endpoint", server_url, "--preset", "oxigraph", "--graph", GRAPH, *more]


def forward(base: str, request: Recorded) -> Answer:
    """Pass a request on to the real store and its answer back."""
    headers = {k: v for k, v in request.headers.items() if k.lower() in ("content-type", "accept")}
    forwarded = urllib.request.Request(
        base + request.path, request.body, headers, method=request.method
    )
    try:
        with urllib.request.urlopen(forwarded, timeout=60) as response:
            return (
                response.status,
                {"Content-Type": response.headers["Content-Type"] or ""},
                (response.read()),
            )
    except urllib.error.HTTPError as error:
        return error.code, {}, error.read()


@pytest.fixture
def proxy() -> Iterator[Callable[[Callable[[Recorded], Answer]], FakeStore]]:
    """Start FakeStores, and stop them after the test."""
    started: list[FakeStore] = []

    def start(answer: Callable[[Recorded], Answer]) -> FakeStore:
        started.append(FakeStore(answer).start())
        return started[-1]

    yield start
    for store in started:
        store.stop()


def people(count: int) -> bytes:
    """A synthetic graph of `count` people, three triples each, valid under kg's shapes."""
    lines = []
    for number in range(count):
        person = f"<https://example.org/kg/person/p{number:07d}>"
        lines.append(f"{person} <{RDF_TYPE}> <{SCHEMA}Person> .\n")
        lines.append(f'{person} <{SCHEMA}name> "Person {number}" .\n')
        lines.append(f'{person} <{SCHEMA}familyName> "Family{number}" .\n')
    return "".join(lines).encode()


def people_payload(count: int) -> Payload:
    # Built as load_payload builds it, without the SHACL run that takes 30 to 70 s for 300,000
    # triples here; test_synthetic_people_are_valid validates the same generator's output.
    return Payload(people(count), 3 * count, f"{count} synthetic people")


# --- the pushed graph ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_pushed_graph_is_exactly_the_export(
    oxigraph: OxigraphServer, built: Path, method: str
) -> None:
    code, stdout, stderr = run(*push_args(oxigraph.url, "--method", method))
    assert code == 0, stderr
    assert stdout == ""
    triples = exported(built)
    assert stderr.startswith(f"pushed {len(triples)} triples to <{GRAPH}> ({method}, ")
    assert stored(oxigraph) == triples
    assert named_graphs(oxigraph) == {GRAPH}  # no staging graph remains


def test_second_push_leaves_the_same_graph(oxigraph: OxigraphServer, built: Path) -> None:
    for _ in range(2):
        code, _, stderr = run(*push_args(oxigraph.url, "--file", str(built / "kg.nt")))
        assert code == 0, stderr
        assert stored(oxigraph) == exported(built)
    assert named_graphs(oxigraph) == {GRAPH}


def test_both_methods_give_the_same_graph(oxigraph: OxigraphServer, built: Path) -> None:
    endpoint = endpoint_for(oxigraph.url, "oxigraph")
    payload = load_payload(file=built / "kg.nt")
    push_payload(payload, endpoint, GRAPH, method="gsp")
    push_payload(payload, endpoint, OTHER, method="update", settings=Settings(batch_size=1000))
    assert stored(oxigraph, GRAPH) == stored(oxigraph, OTHER) == exported(built)
    push_payload(payload, endpoint, GRAPH, method="update")
    assert stored(oxigraph, GRAPH) == exported(built)
    assert named_graphs(oxigraph) == {GRAPH, OTHER}


def test_push_replaces_a_different_previous_graph(oxigraph: OxigraphServer, built: Path) -> None:
    endpoint = endpoint_for(oxigraph.url, "oxigraph")
    push_payload(people_payload(50), endpoint, GRAPH)
    push_payload(load_payload(file=built / "kg.nt"), endpoint, GRAPH)
    assert stored(oxigraph) == exported(built)


# --- validation first ------------------------------------------------------------------------


def test_invalid_records_leave_the_graph_and_send_nothing(
    oxigraph: OxigraphServer, built: Path, data_copy: Path, proxy: Callable[..., FakeStore]
) -> None:
    assert run(*push_args(oxigraph.url))[0] == 0
    profile = data_copy / "profile.yaml"
    profile.write_text(profile.read_text().replace("given_name:", "givenname:", 1))
    code, _, stderr = run(*push_args(oxigraph.url, "--data", str(data_copy)))
    assert code == 1
    assert "unknown field 'givenname'" in stderr
    assert stderr.strip().endswith("Error: 1 problem in the records")
    assert stored(oxigraph) == exported(built)
    watcher = proxy(lambda request: (500, {}, b""))
    assert run(*push_args(watcher.url, "--data", str(data_copy)))[0] == 1
    assert watcher.requests == []  # validated before any network call


def test_graph_violating_the_shapes_is_refused(
    oxigraph: OxigraphServer, built: Path, tmp_path: Path
) -> None:
    assert run(*push_args(oxigraph.url))[0] == 0
    broken = tmp_path / "broken.nt"
    person = "<https://example.org/kg/person/nameless>"
    broken.write_bytes(people(3) + f"{person} <{RDF_TYPE}> <{SCHEMA}Person> .\n".encode())
    code, _, stderr = run(*push_args(oxigraph.url, "--file", str(broken)))
    assert code == 1
    assert (
        f"{broken} https://example.org/kg/person/nameless name: a person needs exactly one name"
        in stderr
    )
    assert stderr.strip().endswith("Error: 1 SHACL violation")
    assert stored(oxigraph) == exported(built)


def test_synthetic_people_are_valid(tmp_path: Path) -> None:
    sample = tmp_path / "people.nt"
    sample.write_bytes(people(1000))
    assert load_payload(file=sample).count == 3000


def test_blank_nodes_are_refused(tmp_path: Path) -> None:
    blank = tmp_path / "blank.nt"
    blank.write_text(f'_:b1 <{SCHEMA}name> "x" .\n_:b2 <{SCHEMA}name> "y" .\n')
    code, _, stderr = run(*push_args("http://127.0.0.1:9", "--file", str(blank)))
    assert code == 1
    assert stderr == (
        f"Error: {blank} has 2 blank nodes; kg pushes only graphs whose nodes all have IRIs, "
        "so that a second push gives the same graph\n"
    )
    turtle = tmp_path / "blank.ttl"  # Turtle has anonymous ones too
    turtle.write_text(f'<https://example.org/a> <{SCHEMA}author> [ <{SCHEMA}name> "x" ] .\n')
    with pytest.raises(PushError, match="has 1 blank node;"):
        load_payload(file=turtle)


def test_a_literal_that_looks_like_a_blank_node_is_no_blank_node(tmp_path: Path) -> None:
    sample = tmp_path / "people.nt"
    sample.write_bytes(people(10).replace(b'"', b'"_:', 1))
    assert b"_:" in sample.read_bytes()
    assert load_payload(file=sample).count == 30


def test_a_blank_node_label_split_between_read_blocks_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pushing, "_SCAN_BLOCK", 8)
    blank = tmp_path / "blank.nt"
    blank.write_text(f"<https://example.org/abcdef> <{SCHEMA}knows> _:b1 .\n")
    assert blank.read_bytes().index(b"_:") % 8 == 7  # "_" ends one block, ":" starts the next
    with pytest.raises(PushError, match="has 1 blank node;"):
        load_payload(file=blank)


def test_unreadable_file_is_a_load_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text("<a> <b> .\n")
    code, _, stderr = run(*push_args("http://127.0.0.1:9", "--file", str(bad)))
    assert code == 2
    assert stderr.startswith(f"Error: {bad} is not valid nt: ")


def test_dry_run_validates_and_sends_nothing(built: Path, proxy: Callable[..., FakeStore]) -> None:
    watcher = proxy(lambda request: (500, {}, b""))
    code, stdout, stderr = run(*push_args(watcher.url, "--dry-run"))
    assert code == 0, stderr
    assert watcher.requests == []
    count = len(exported(built))
    assert f"source:      data ({count} triples, " in stdout
    assert f"GSP URL:     {watcher.url}/store\n" in stdout
    assert "&no_transaction\n" in stdout
    assert f"2. compare:  if it holds any: GET {watcher.url}/store?graph={GRAPH}\n" in stdout
    assert "3. delta:    if at most 10000 triples differ and none is blank: " in stdout
    assert f"4. put:      if it is empty: PUT {watcher.url}/store?graph={GRAPH}, one " in stdout
    assert "5. upload:   otherwise: PUT " in stdout
    assert f"8. check:    in every case: <{GRAPH}> holds {count} triples\n" in stdout
    assert stdout.endswith("credentials: none\n")
    assert stderr == "dry run: valid, nothing sent\n"


# --- failures --------------------------------------------------------------------------------


def test_closed_port_fails_in_seconds_with_one_line(built: Path) -> None:
    port = free_port()
    started = time.monotonic()
    code, stdout, stderr = run(
        *push_args(f"http://127.0.0.1:{port}", "--file", str(built / "kg.nt"))
    )
    assert time.monotonic() - started < 15
    assert code == 1
    assert stdout == ""
    assert stderr == (
        f"Error: asking the store: cannot reach http://127.0.0.1:{port}: connection refused "
        "(is the store running, and is the port right?) (tried 4 times)\n"
    )


def test_transient_errors_are_retried_with_backoff(
    oxigraph: OxigraphServer, built: Path, proxy: Callable[..., FakeStore]
) -> None:
    answers = iter([(503, {}, b"busy"), (502, {}, b""), (500, {}, b"")])

    def flaky(request: Recorded) -> Answer:
        return next(answers, None) or forward(oxigraph.url, request)

    store = proxy(flaky)
    endpoint = endpoint_for(store.url, "oxigraph")
    result = push_payload(load_payload(file=built / "kg.nt"), endpoint, GRAPH, settings=FAST)
    assert result.retries == 3
    assert stored(oxigraph) == exported(built)


def test_retries_are_bounded(proxy: Callable[..., FakeStore]) -> None:
    store = proxy(lambda request: (503, {}, b"<html>down for maintenance</html>"))
    started = time.monotonic()
    with pytest.raises(PushError) as failure:
        push_payload(people_payload(2), endpoint_for(store.url, "oxigraph"), GRAPH, settings=FAST)
    assert time.monotonic() - started < 5
    assert len(store.requests) == 4
    assert str(failure.value) == (
        f"asking the store: POST {store.url}/query answered 503 Service Unavailable: "
        "down for maintenance (tried 4 times)"
    )


def test_a_silent_store_times_out() -> None:
    """A store that accepts connections and never answers: bounded by the probe's timeout."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        settings = Settings(probe_timeout=0.3, backoff=0.01)
        started = time.monotonic()
        with pytest.raises(PushError) as failure:
            push_payload(people_payload(2), endpoint_for(url, "oxigraph"), GRAPH, settings=settings)
        assert time.monotonic() - started < 5
    assert (
        str(failure.value) == f"asking the store: no answer from {url}: timed out (tried 4 times)"
    )


def test_a_connection_that_hangs_times_out() -> None:
    """A listener whose queue is full drops new connections, as a firewall would."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as full:
        address = full.getsockname()
        waiting = [socket.socket() for _ in range(3)]
        for client in waiting:
            client.setblocking(False)
            client.connect_ex(address)
        time.sleep(0.2)
        url = f"http://127.0.0.1:{address[1]}"
        settings = Settings(connect_timeout=0.3, backoff=0.01)
        try:
            with pytest.raises(PushError) as failure:
                push_payload(
                    people_payload(2), endpoint_for(url, "oxigraph"), GRAPH, settings=settings
                )
        finally:
            for client in waiting:
                client.close()
    assert str(failure.value) == f"asking the store: cannot reach {url}: timed out (tried 4 times)"


def test_a_failed_upload_leaves_no_staging_graph(
    oxigraph: OxigraphServer, built: Path, proxy: Callable[..., FakeStore]
) -> None:
    """The second INSERT DATA batch is refused: the first is in the staging graph by then."""
    assert run(*push_args(oxigraph.url))[0] == 0
    inserts = []

    def refuse_second_batch(request: Recorded) -> Answer:
        if request.body.startswith(b"INSERT DATA"):
            inserts.append(request)
            if len(inserts) == 2:
                return 400, {}, b"no"
        return forward(oxigraph.url, request)

    store = proxy(refuse_second_batch)
    with pytest.raises(PushError, match="inserting triples 1001-2000 into the staging graph"):
        push_payload(
            load_payload(file=built / "kg.nt"),
            endpoint_for(store.url, "oxigraph"),
            GRAPH,
            method="update",
            settings=Settings(batch_size=1000),
        )
    assert named_graphs(oxigraph) == {GRAPH}
    assert stored(oxigraph) == exported(built)


def test_an_upload_that_loses_triples_never_reaches_the_graph(
    oxigraph: OxigraphServer, built: Path, proxy: Callable[..., FakeStore]
) -> None:
    assert run(*push_args(oxigraph.url))[0] == 0
    sink = proxy(lambda request: (204, {}, b""))  # accepts the PUT, keeps nothing
    code, _, stderr = run(*push_args(oxigraph.url, "--gsp-url", f"{sink.url}/store"))
    assert code == 1
    count = len(exported(built))
    assert stderr == (
        f"Error: the staging graph holds 0 triples, not {count}: is another push to <{GRAPH}> "
        f"running? <{GRAPH}> is unchanged\n"
    )
    assert stored(oxigraph) == exported(built)
    assert named_graphs(oxigraph) == {GRAPH}


def test_staging_graphs_of_interrupted_pushes_are_removed(
    oxigraph: OxigraphServer, built: Path
) -> None:
    dead = f"{staging_prefix(GRAPH)}0123456789abcdef"
    elsewhere = f"{staging_prefix(OTHER)}0123456789abcdef"
    for graph in (dead, elsewhere):
        sparql_update(oxigraph, f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> <urn:c> }} }}")
    assert run(*push_args(oxigraph.url))[0] == 0
    assert named_graphs(oxigraph) == {GRAPH, elsewhere}


def test_redirects_are_reported_not_followed(proxy: Callable[..., FakeStore]) -> None:
    store = proxy(lambda request: (301, {"Location": "https://store.example.org/query"}, b""))
    with pytest.raises(PushError) as failure:
        push_payload(people_payload(2), endpoint_for(store.url, "oxigraph"), GRAPH)
    assert str(failure.value).endswith(
        "answered 301 Moved Permanently; the store redirects to "
        "https://store.example.org/query: give that URL"
    )


@pytest.mark.slow
@pytest.mark.parametrize("method", ["gsp", "update"])
def test_store_killed_mid_push_keeps_the_old_graph(
    tmp_path: Path, built: Path, method: str
) -> None:
    """SIGKILL the store a third into a 300,000-triple push; restarted on the same database it
    holds the old graph, complete, and the next push succeeds and removes the leftovers."""
    server = OxigraphServer(tmp_path / "db").start()
    try:
        endpoint = endpoint_for(server.url, "oxigraph")
        old = load_payload(file=built / "kg.nt")
        push_payload(old, endpoint, GRAPH)
        big = people_payload(100_000)
        assert big.count == 300_000
        killed_at = []

        def kill_a_third_in(sent: int, total: int) -> None:
            if sent >= total // 3 and server.process is not None:
                server.stop(hard=True)
                killed_at.append(sent)

        with pytest.raises(PushError) as failure:
            push_payload(
                big, endpoint, GRAPH, method=method, settings=FAST, progress=kill_a_third_in
            )
        assert killed_at and killed_at[0] < big.size
        assert "connection refused" in str(failure.value) or "no answer" in str(failure.value)
        assert str(failure.value).endswith("; the next push to this graph removes what it left")

        server = OxigraphServer(server.location, port=server.port).start()
        assert stored(server) == parse(old.data)
        leftovers = named_graphs(server) - {GRAPH}  # Oxigraph keeps the staging graph's name
        assert all(graph.startswith(staging_prefix(GRAPH)) for graph in leftovers)
        new = people_payload(1000)
        push_payload(new, endpoint, GRAPH)
        assert stored(server) == parse(new.data)
        assert named_graphs(server) == {GRAPH}
    finally:
        server.stop()


# --- credentials -----------------------------------------------------------------------------


def challenge(header: str) -> Callable[[Recorded], Answer]:
    return lambda request: (401, {"WWW-Authenticate": header}, b"who are you?")


def echo_headers(request: Recorded) -> Answer:
    """A careless store that echoes the request's headers in its error page."""
    return 500, {}, json.dumps(request.headers).encode()


@pytest.mark.parametrize(
    "answer",
    [
        challenge('Basic realm="kg"'),
        challenge('Digest realm="kg", nonce="4f2a", qop="auth", algorithm="MD5"'),
        echo_headers,
        None,  # a closed port
    ],
    ids=["basic-401", "digest-401", "echoed-headers", "closed-port"],
)
def test_password_never_appears(
    answer: Callable[[Recorded], Answer] | None,
    proxy: Callable[..., FakeStore],
    caplog: pytest.LogCaptureFixture,
    built: Path,
) -> None:
    url = proxy(answer).url if answer else f"http://127.0.0.1:{free_port()}"
    env = {"KG_PUSH_USER": "researcher", "KG_PUSH_PASSWORD": SECRET}
    token = base64.b64encode(f"researcher:{SECRET}".encode()).decode()
    caplog.set_level(logging.DEBUG)
    code, stdout, stderr = run(*push_args(url, "--file", str(built / "kg.nt")), env=env)
    assert code == 1
    with pytest.raises(PushError) as failure:
        push(url, GRAPH, preset="oxigraph", file=built / "kg.nt", environ=env, settings=FAST)
    said = stdout + stderr + str(failure.value) + repr(failure.value) + caplog.text
    assert SECRET not in said
    assert token not in said
    if answer is echo_headers:
        assert "Basic ****" not in said  # the store never asked for basic auth: not sent at all


def test_echoed_credentials_are_blanked_out(
    proxy: Callable[..., FakeStore], caplog: pytest.LogCaptureFixture
) -> None:
    """The store asks for basic auth, then echoes the Authorization header in its 500 page."""

    def careless(request: Recorded) -> Answer:
        if "Authorization" not in request.headers:
            return 401, {"WWW-Authenticate": 'Basic realm="kg"'}, b""
        return echo_headers(request)

    store = proxy(careless)
    caplog.set_level(logging.DEBUG)
    env = {"KG_PUSH_USER": "researcher", "KG_PUSH_PASSWORD": SECRET}
    with pytest.raises(PushError) as failure:
        push(store.url, GRAPH, preset="oxigraph", data="data", environ=env, settings=FAST)
    token = base64.b64encode(f"researcher:{SECRET}".encode()).decode()
    assert token in store.requests[-1].headers["Authorization"]  # it was sent, and echoed
    assert '"Authorization": "Basic ****"' in str(failure.value)
    assert token not in str(failure.value) + caplog.text
    assert SECRET not in str(failure.value) + caplog.text


def test_basic_credentials_are_sent_once_asked_for(proxy: Callable[..., FakeStore]) -> None:
    def ask_for_basic(request: Recorded) -> Answer:
        if "Authorization" not in request.headers:
            return 401, {"WWW-Authenticate": 'Basic realm="kg"'}, b""
        return 200, {"Content-Type": "application/sparql-results+json"}, b'{"boolean": true}'

    store = proxy(ask_for_basic)
    credentials = Credentials("researcher", SECRET)
    with pytest.raises(PushError):  # the fake store is no real store past the ASK
        push_payload(
            people_payload(2), endpoint_for(store.url, "oxigraph"), GRAPH, credentials=credentials
        )
    token = base64.b64encode(f"researcher:{SECRET}".encode()).decode()
    sent = [request.headers.get("Authorization") for request in store.requests]
    assert sent[:3] == [None, f"Basic {token}", f"Basic {token}"]  # up front after the challenge


def test_wrong_password_is_refused_clearly(proxy: Callable[..., FakeStore]) -> None:
    store = proxy(challenge('Basic realm="kg"'))
    env = {"KG_PUSH_USER": "researcher", "KG_PUSH_PASSWORD": SECRET}
    with pytest.raises(PushError) as failure:
        push(store.url, GRAPH, preset="oxigraph", file=None, data="data", environ=env)
    assert str(failure.value) == (
        f"asking the store: POST {store.url}/query answered 401 Unauthorized: who are you?; "
        "the credentials from KG_PUSH_USER/KG_PUSH_PASSWORD were refused"
    )


def test_credentials_come_from_the_environment_then_netrc(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine store.example.org login alice password {SECRET}\n")
    netrc.chmod(0o600)
    url = "https://store.example.org/sparql"
    env = {"KG_PUSH_USER": "bob", "KG_PUSH_PASSWORD": "x"}
    assert find_credentials(url, env, netrc) == Credentials(
        "bob", "x", "KG_PUSH_USER/KG_PUSH_PASSWORD"
    )
    assert find_credentials(url, {}, netrc) == Credentials("alice", SECRET, str(netrc))
    assert find_credentials("https://other.example.org/", {}, netrc) is None
    assert find_credentials(url, {}, tmp_path / "absent") is None
    assert SECRET not in repr(find_credentials(url, {}, netrc))
    with pytest.raises(PushError, match="set both KG_PUSH_USER and KG_PUSH_PASSWORD"):
        find_credentials(url, {"KG_PUSH_PASSWORD": SECRET}, netrc)


def test_a_broken_netrc_is_not_quoted(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine store.example.org login alice password {SECRET}\n{SECRET}\n")
    netrc.chmod(0o600)
    with pytest.raises(PushError) as failure:
        find_credentials("https://store.example.org/", {}, netrc)
    assert SECRET not in str(failure.value)
    assert failure.value.exit_code == 2


def test_credentials_in_the_url_are_refused_unechoed() -> None:
    code, _, stderr = run("push", "--endpoint", f"http://me:{SECRET}@127.0.0.1:9", "--graph", GRAPH)
    assert code == 2
    assert SECRET not in stderr
    assert "credentials do not belong in URLs" in stderr


# --- presets and usage -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "url", "authenticated", "expected"),
    [
        (
            "oxigraph",
            "http://h:7878/",
            False,
            ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        ),
        (
            "fuseki",
            "http://h:3030/kg",
            False,
            ("http://h:3030/kg/query", "http://h:3030/kg/update", "http://h:3030/kg/data"),
        ),
        (
            "graphdb",
            "http://h:7200/repositories/kg",
            False,
            (
                "http://h:7200/repositories/kg",
                "http://h:7200/repositories/kg/statements",
                "http://h:7200/repositories/kg/rdf-graphs/service",
            ),
        ),
        (
            "virtuoso",
            "http://h:8890",
            False,
            ("http://h:8890/sparql", "http://h:8890/sparql", "http://h:8890/sparql-graph-crud"),
        ),
        (
            "virtuoso",
            "http://h:8890",
            True,
            (
                "http://h:8890/sparql-auth",
                "http://h:8890/sparql-auth",
                "http://h:8890/sparql-graph-crud-auth",
            ),
        ),
        ("generic", "http://h/sparql", False, ("http://h/sparql", "http://h/sparql", None)),
    ],
)
def test_presets_derive_the_urls(
    preset: str, url: str, authenticated: bool, expected: tuple[str, str, str | None]
) -> None:
    endpoint = endpoint_for(url, preset, authenticated=authenticated)
    assert (endpoint.query_url, endpoint.update_url, endpoint.gsp_url) == expected
    assert endpoint.bulk_put == (preset == "oxigraph")


def test_explicit_urls_override_the_preset() -> None:
    endpoint = endpoint_for("http://h:8890", "virtuoso", gsp_url="http://h:8890/gsp")
    assert endpoint == Endpoint(
        "http://h:8890/sparql",
        "http://h:8890/sparql",
        "http://h:8890/gsp",
        "virtuoso",
        batch_size=1000,
        lists_empty_graphs=False,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--endpoint", "http://h:3030", "--preset", "fuseki"],
            "the fuseki endpoint is the dataset URL, e.g. http://localhost:3030/kg",
        ),
        (
            ["--endpoint", "http://h:7200", "--preset", "graphdb"],
            "the graphdb endpoint is the repository URL, e.g. http://localhost:7200/repositories/kg",
        ),
        (
            ["--endpoint", "http://h/sparql"],
            "the generic preset knows no Graph Store Protocol URL: give --gsp-url, or use --method update",
        ),
        (["--endpoint", "ftp://h/"], "ftp://h/ is not an http(s) URL"),
        (
            ["--endpoint", "http://h/sparql", "--method", "update", "--graph", "no iri"],
            "--graph must be an absolute IRI, not 'no iri'",
        ),
        (
            [
                "--endpoint",
                "http://h/sparql",
                "--method",
                "update",
                "--data",
                "data",
                "--file",
                "out/kg.nt",
            ],
            "give --data (and --base) or --file, not both",
        ),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    if "--graph" not in args:
        args = [*args, "--graph", GRAPH]
    code, _, stderr = run("push", *args)
    assert code == 2
    assert stderr == f"Error: {message}\n"


def test_cli_is_a_thin_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake_push(*args: object, **kwargs: object) -> pushing.PushResult:
        calls.append((args, kwargs))
        endpoint = endpoint_for("http://h/sparql")
        return pushing.PushResult(GRAPH, 3, 300, "update", endpoint, "data", "none", seconds=0.5)

    monkeypatch.setattr(pushing, "push", fake_push)
    code, _, stderr = run(
        "push",
        "--endpoint",
        "http://h/sparql",
        "--graph",
        GRAPH,
        "--method",
        "update",
        "--batch-size",
        "7",
        "--timeout",
        "9",
    )
    assert code == 0
    assert stderr == f"pushed 3 triples to <{GRAPH}> (update, 0.5 s)\n"
    ((args, kwargs),) = calls
    assert args == ("http://h/sparql", GRAPH)
    assert kwargs["method"] == "update" and kwargs["preset"] == "generic"
    assert kwargs["settings"] == Settings(timeout=9, batch_size=7)
    assert kwargs["progress"] is None  # not a terminal: no progress bar


def test_cli_presets_are_the_library_presets() -> None:
    option = next(p for p in cli.commands["push"].params if p.name == "preset")
    assert tuple(option.type.choices) == pushing.PRESETS  # type: ignore[attr-defined]


def test_progress_reports_bytes_sent(oxigraph: OxigraphServer) -> None:
    payload = people_payload(4000)  # 1.2 MB: two chunks of the upload, two INSERT DATA batches
    reports: list[tuple[int, int]] = []
    endpoint = endpoint_for(oxigraph.url, "oxigraph")
    push_payload(
        payload, endpoint, GRAPH, progress=lambda sent, total: reports.append((sent, total))
    )
    assert len(reports) == 2 and reports[-1] == (payload.size, payload.size)
    assert [sent for sent, _ in reports] == sorted(sent for sent, _ in reports)
    reports.clear()
    push_payload(
        payload, endpoint, GRAPH, method="update", progress=lambda s, t: reports.append((s, t))
    )
    assert len(reports) == 2 and reports[-1] == (payload.size, payload.size)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ((404, {}, b"<html>no such endpoint</html>"), "answered 404"),
        ((200, {"Content-Type": "application/sparql-results+json"}, b"{not json"), "Error: "),
        ((200, {"Content-Type": "text/html"}, b"<html>a login page</html>"), "Error: "),
    ],
    ids=["404", "garbage json", "html instead of results"],
)
def test_an_endpoint_that_answers_404_or_garbage_fails_cleanly(
    built: Path, proxy: Callable[..., FakeStore], answer: Answer, expected: str
) -> None:
    store = proxy(lambda request: answer)
    code, _, stderr = run(*push_args(store.url, "--file", str(built / "kg.nt")))
    assert code == 1, stderr
    assert expected in stderr and stderr.strip().splitlines()[-1].startswith("Error: ")
    assert not [r for r in store.requests if r.method in ("PUT", "POST") and b"MOVE" in r.body]


@pytest.mark.parametrize(
    ("strategy", "line"),
    [
        ("delta", f"pushed 3 triples to <{GRAPH}> (gsp, 0.5 s): delta -2 +1\n"),
        ("put", f"pushed 3 triples to <{GRAPH}> (gsp, 0.5 s): put\n"),
        ("staged", f"pushed 3 triples to <{GRAPH}> (gsp, 0.5 s): staged\n"),
    ],
)
def test_the_log_line_names_the_strategy(
    monkeypatch: pytest.MonkeyPatch, strategy: str, line: str
) -> None:
    def fake_push(*args: object, **kwargs: object) -> pushing.PushResult:
        endpoint = endpoint_for("http://h:7878", "oxigraph")
        changes = {"deleted": 2, "inserted": 1} if strategy == "delta" else {}
        return pushing.PushResult(
            GRAPH,
            3,
            300,
            "gsp",
            endpoint,
            "data",
            "none",
            seconds=0.5,
            strategy=strategy,
            **changes,
        )

    monkeypatch.setattr(pushing, "push", fake_push)
    code, _, stderr = run("push", "--endpoint", "http://h:7878", "--graph", GRAPH)
    assert (code, stderr) == (0, line)
