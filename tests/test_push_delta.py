"""How `kg push` picks its strategy, against a real Oxigraph server: a re-push sends only what
changed (`delta`), a first push into an empty graph is one transactional PUT (`put`), and
everything else goes through a staging graph and `MOVE` (`staged`). Whatever the strategy, the
graph ends up exactly the payload, and a store killed mid-push keeps the old graph.

Requests are recorded by a FakeStore that forwards them to the real server.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.errors import PushError
from kg.push import (
    Credentials,
    Endpoint,
    Payload,
    PushResult,
    Settings,
    endpoint_for,
    push_payload,
    staging_prefix,
)
from tests.servers import Answer, FakeStore, OxigraphServer, Recorded, VirtuosoServer
from tests.test_push import (
    FAST,
    GRAPH,
    SCHEMA,
    SECRET,
    forward,
    named_graphs,
    parse,
    people,
    people_payload,
    sparql_update,
    stored,
)

XSD = "http://www.w3.org/2001/XMLSchema#"


# --- helpers ---------------------------------------------------------------------------------


def payload_of(data: bytes) -> Payload:
    """A payload from N-Triples lines, as load_payload builds it (one triple a line)."""
    return Payload(data, data.count(b"\n"), "test")


def person(number: int) -> str:
    return f"<https://example.org/kg/person/p{number:07d}>"


def renamed(data: bytes, *numbers: int) -> bytes:
    """`data` with the names of the given people changed."""
    for number in numbers:
        old = f'{person(number)} <{SCHEMA}name> "Person {number}" .\n'.encode()
        new = f'{person(number)} <{SCHEMA}name> "Person number {number}" .\n'.encode()
        assert old in data
        data = data.replace(old, new)
    return data


class Recorder:
    """A FakeStore in front of the real server: every request passes, and is kept."""

    def __init__(self, server: OxigraphServer) -> None:
        self.server = server
        self.refuse: Callable[[Recorded], Answer | None] = lambda request: None
        self.fake = FakeStore(self.answer).start()

    def answer(self, request: Recorded) -> Answer:
        return self.refuse(request) or forward(self.server.url, request)

    @property
    def endpoint(self) -> Endpoint:
        return endpoint_for(self.fake.url, "oxigraph")

    @property
    def requests(self) -> list[Recorded]:
        return self.fake.requests

    def updates(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.path == "/update"]

    def puts(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "PUT"]

    def gets(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "GET"]

    def moves(self) -> list[Recorded]:
        return [r for r in self.updates() if r.body.startswith(b"MOVE GRAPH")]


@pytest.fixture
def recorder(oxigraph: OxigraphServer) -> Iterator[Recorder]:
    started = Recorder(oxigraph)
    try:
        yield started
    finally:
        started.fake.stop()


def push_directly(server: OxigraphServer, data: bytes) -> None:
    push_payload(payload_of(data), endpoint_for(server.url, "oxigraph"), GRAPH)
    assert stored(server) == parse(data)


GRAPH_PARAMETER = f"graph={urllib.parse.quote(GRAPH, safe='')}"


# --- put: the first push into an empty graph -------------------------------------------------


def test_first_push_into_an_empty_graph_is_one_transactional_put(recorder: Recorder) -> None:
    payload = people_payload(500)
    result = push_payload(payload, recorder.endpoint, GRAPH)
    assert result.strategy == "put"
    ((put,),) = [recorder.puts()]
    assert put.path == f"/store?{GRAPH_PARAMETER}"  # the target itself, without no_transaction
    assert put.body == payload.data
    assert recorder.updates() == []  # no staging graph, no MOVE
    assert recorder.gets() == []  # an empty graph is not fetched
    assert stored(recorder.server) == parse(payload.data)
    assert named_graphs(recorder.server) == {GRAPH}


def test_other_stores_stage_even_into_an_empty_graph(recorder: Recorder) -> None:
    """Only Oxigraph's PUT is known to be one transaction."""
    endpoint = dataclasses.replace(recorder.endpoint, preset="generic", bulk_put=False)
    result = push_payload(people_payload(50), endpoint, GRAPH)
    assert result.strategy == "staged"
    assert len(recorder.moves()) == 1
    assert stored(recorder.server) == parse(people(50))


# --- delta: a re-push sends what changed -----------------------------------------------------


def test_changing_one_triple_sends_one_small_update(recorder: Recorder) -> None:
    push_directly(recorder.server, people(1000))
    new = renamed(people(1000), 7)
    result = push_payload(payload_of(new), recorder.endpoint, GRAPH)
    assert (result.strategy, result.deleted, result.inserted) == ("delta", 1, 1)
    assert result.triples == 3000
    ((update,),) = [recorder.updates()]
    assert update.body.decode() == (
        f"DELETE DATA {{ GRAPH <{GRAPH}> {{\n"
        f'{person(7)} <{SCHEMA}name> "Person 7" .\n'
        "} } ;\n"
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{\n"
        f'{person(7)} <{SCHEMA}name> "Person number 7" .\n'
        "} }\n"
    )
    assert recorder.puts() == []
    assert len(recorder.gets()) == 1
    assert stored(recorder.server) == parse(new)
    assert named_graphs(recorder.server) == {GRAPH}


def test_an_unchanged_re_push_sends_no_update(recorder: Recorder) -> None:
    push_directly(recorder.server, people(1000))
    result = push_payload(payload_of(people(1000)), recorder.endpoint, GRAPH)
    assert (result.strategy, result.deleted, result.inserted) == ("delta", 0, 0)
    assert recorder.updates() == []
    assert recorder.puts() == []
    assert stored(recorder.server) == parse(people(1000))


@pytest.mark.parametrize(
    ("before", "after", "operation"),
    [(100, 99, b"DELETE DATA"), (99, 100, b"INSERT DATA")],
    ids=["deletions-only", "insertions-only"],
)
def test_one_sided_deltas(recorder: Recorder, before: int, after: int, operation: bytes) -> None:
    push_directly(recorder.server, people(before))
    result = push_payload(payload_of(people(after)), recorder.endpoint, GRAPH)
    assert result.strategy == "delta"
    assert (result.deleted, result.inserted) == ((3, 0) if before > after else (0, 3))
    ((update,),) = [recorder.updates()]
    assert update.body.startswith(operation) and update.body.count(b"DATA") == 1
    assert update.body.count(b" .\n") == 3
    assert stored(recorder.server) == parse(people(after))


def test_a_delta_above_the_batch_size_is_staged_and_exact(recorder: Recorder) -> None:
    push_directly(recorder.server, people(100))
    new = renamed(people(100), 1, 2, 3)  # 6 triples differ
    settings = Settings(batch_size=5)
    result = push_payload(payload_of(new), recorder.endpoint, GRAPH, settings=settings)
    assert result.strategy == "staged"
    assert len(recorder.gets()) == 1 and len(recorder.moves()) == 1
    assert stored(recorder.server) == parse(new)
    assert named_graphs(recorder.server) == {GRAPH}
    recorder.requests.clear()
    exactly = push_payload(payload_of(new), recorder.endpoint, GRAPH, settings=settings)
    assert (exactly.strategy, exactly.deleted, exactly.inserted) == ("delta", 0, 0)


def test_a_count_far_from_the_payload_skips_the_fetch(recorder: Recorder) -> None:
    push_directly(recorder.server, people(100))
    settings = Settings(batch_size=5)
    result = push_payload(payload_of(people(90)), recorder.endpoint, GRAPH, settings=settings)
    assert result.strategy == "staged"
    assert recorder.gets() == []  # 300 against 270 triples: no delta can be 5 or fewer
    assert stored(recorder.server) == parse(people(90))


def test_method_update_always_stages(recorder: Recorder) -> None:
    push_directly(recorder.server, people(100))
    new = renamed(people(100), 5)
    result = push_payload(payload_of(new), recorder.endpoint, GRAPH, method="update")
    assert result.strategy == "staged"
    assert recorder.gets() == [] and len(recorder.moves()) == 1
    assert stored(recorder.server) == parse(new)


def test_blank_nodes_in_the_stored_graph_are_replaced_whole(recorder: Recorder) -> None:
    """DELETE DATA cannot name a blank node: another writer's blank nodes mean staging."""
    push_directly(recorder.server, people(100))
    sparql_update(
        recorder.server, f'INSERT DATA {{ GRAPH <{GRAPH}> {{ _:b <{SCHEMA}name> "x" }} }}'
    )
    result = push_payload(payload_of(people(100)), recorder.endpoint, GRAPH)
    assert result.strategy == "staged"
    assert stored(recorder.server) == parse(people(100))


def test_blank_nodes_in_the_payload_are_staged(recorder: Recorder) -> None:
    push_directly(recorder.server, people(100))
    new = people(100) + f'_:b <{SCHEMA}name> "x" .\n'.encode()
    result = push_payload(payload_of(new), recorder.endpoint, GRAPH)
    assert result.strategy == "staged"
    assert len(stored(recorder.server)) == 301


@pytest.mark.parametrize(
    "answer",
    [
        (500, {}, b"the GET is broken"),
        (404, {}, b"no such graph"),  # while the count says it holds triples
        (200, {"Content-Type": "application/x-unknown"}, b"???"),
        (200, {"Content-Type": "application/n-triples"}, b"<not n-triples"),
        (200, {"Content-Type": "application/n-triples"}, b""),  # disagrees with the count
    ],
    ids=["500", "404", "unknown-format", "unparsable", "empty"],
)
def test_a_fetch_that_fails_falls_back_to_staging(recorder: Recorder, answer: Answer) -> None:
    push_directly(recorder.server, people(100))
    recorder.refuse = lambda request: answer if request.method == "GET" else None
    new = renamed(people(100), 5)
    result = push_payload(payload_of(new), recorder.endpoint, GRAPH, settings=FAST)
    assert result.strategy == "staged"
    assert stored(recorder.server) == parse(new)
    assert named_graphs(recorder.server) == {GRAPH}


def test_a_refused_delta_falls_back_to_staging(recorder: Recorder) -> None:
    """A store whose SPARQL parser refuses what its Graph Store Protocol takes: the refused
    request changed nothing, so the graph is replaced whole."""
    push_directly(recorder.server, people(100))
    recorder.refuse = lambda request: (
        (400, {}, b"SR066: Unsupported case") if b"DATA {" in request.body else None
    )
    new = renamed(people(100), 5)
    result = push_payload(payload_of(new), recorder.endpoint, GRAPH, settings=FAST)
    assert result.strategy == "staged"
    assert len([r for r in recorder.updates() if b"DATA {" in r.body]) == 1  # not retried
    assert stored(recorder.server) == parse(new)


def test_a_delta_that_fails_otherwise_keeps_the_graph(recorder: Recorder) -> None:
    """A store that keeps failing (503) is not sent the whole graph as well."""
    push_directly(recorder.server, people(100))
    recorder.refuse = lambda request: (503, {}, b"busy") if b"DATA {" in request.body else None
    with pytest.raises(PushError, match=r"\(-1 \+1 triples\): .* 503 .*\(tried 4 times\)$"):
        push_payload(payload_of(renamed(people(100), 5)), recorder.endpoint, GRAPH, settings=FAST)
    assert recorder.puts() == []
    assert stored(recorder.server) == parse(people(100))


# --- literals survive the store's own serialization ------------------------------------------

RDF_HTML = "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML"
LITERALS = [  # (before, after): each object, and what it changes to
    ('"Grüße aus Köln, 世界 🌍"', '"Grüße aus Köln, 世界 🌏"'),
    ('"Grüße"@de-DE', '"Grüße"@de-AT'),
    ('"colour"@en-GB', '"colour"@en'),
    ('"written as escapes: \\u00E9 \\U0001F30D"', '"written as escapes: \\u00E8 \\U0001F30E"'),
    ('"quote \\" backslash \\\\ newline \\n tab \\t return \\r"', '"\\"\\\\\\n\\t\\r"'),
    ('"control \\u0001 and delete \\u007F"', '"control \\u0002"'),
    ('"backspace \\b form feed \\f"', '"form feed \\f backspace \\b"'),
    ('""', '" "'),
    ('"line one\\nline two\\n\\nline four"', '"line one\\r\\nline two"'),
    (f'"42"^^<{XSD}integer>', f'"-42"^^<{XSD}integer>'),
    (f'"-0.5"^^<{XSD}decimal>', f'"0.25"^^<{XSD}decimal>'),
    (f'"1000"^^<{XSD}double>', f'"-1000"^^<{XSD}double>'),  # "1.0E3" comes back as "1000"
    (f'"2024-02-29"^^<{XSD}date>', f'"2024-03-01"^^<{XSD}date>'),
    (f'"2024-02-29T12:00:00Z"^^<{XSD}dateTime>', f'"2024-02-29T12:00:01Z"^^<{XSD}dateTime>'),
    (f'"true"^^<{XSD}boolean>', f'"false"^^<{XSD}boolean>'),
    (f'"plain"^^<{XSD}string>', '"plainer"'),
    ('"x"^^<https://example.org/datatypes/custom>', '"x"^^<https://example.org/datatypes/other>'),
    (f'"<b>bold</b>"^^<{RDF_HTML}>', f'"<i>italic</i>"^^<{RDF_HTML}>'),
    ("<https://example.org/kg/thing/café>", "<https://example.org/kg/thing/caffè>"),
    ("<https://example.org/kg/thing/with%20space>", "<https://example.org/kg/thing/with%2Bplus>"),
]


def literals(after: bool = False) -> bytes:
    """One triple per edge case, each on its own subject."""
    return "".join(
        f"<https://example.org/kg/edge/{number}> <{SCHEMA}value> {pair[after]} .\n"
        for number, pair in enumerate(LITERALS)
    ).encode()


def test_literal_edge_cases_survive_a_delta_round_trip(recorder: Recorder) -> None:
    first = push_payload(payload_of(literals()), recorder.endpoint, GRAPH)
    assert first.strategy == "put"
    assert stored(recorder.server) == parse(literals())
    # The store serializes them its own way; compared as triples, nothing differs.
    again = push_payload(payload_of(literals()), recorder.endpoint, GRAPH)
    assert (again.strategy, again.deleted, again.inserted) == ("delta", 0, 0)
    assert recorder.updates() == []
    # Every object changes: one update deletes them all and inserts the new ones.
    changed = push_payload(payload_of(literals(after=True)), recorder.endpoint, GRAPH)
    assert (changed.strategy, changed.deleted, changed.inserted) == (
        "delta",
        len(LITERALS),
        len(LITERALS),
    )
    assert len(recorder.updates()) == 1
    assert stored(recorder.server) == parse(literals(after=True))
    back = push_payload(payload_of(literals()), recorder.endpoint, GRAPH)
    assert (back.strategy, back.deleted, back.inserted) == ("delta", len(LITERALS), len(LITERALS))
    assert stored(recorder.server) == parse(literals())


def test_a_literal_the_store_rewrites_is_resent_and_the_graph_stays_right(
    recorder: Recorder,
) -> None:
    """Oxigraph keeps integers as numbers: "007" comes back as "7". Such a triple differs on
    every push, so every delta sends it again; the count still checks out."""
    data = people(10) + f'{person(0)} <{SCHEMA}age> "007"^^<{XSD}integer> .\n'.encode()
    first = push_payload(payload_of(data), recorder.endpoint, GRAPH)
    assert first.strategy == "put"
    result = push_payload(payload_of(data), recorder.endpoint, GRAPH)
    assert (result.strategy, result.deleted, result.inserted) == ("delta", 1, 1)
    assert len(stored(recorder.server)) == 31


# --- faults ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_store_killed_before_the_delta_keeps_the_old_graph(tmp_path: Path) -> None:
    """SIGKILL the store as the delta update arrives: restarted on the same database it holds
    the old graph, complete, and the next push applies the delta."""
    server = OxigraphServer(tmp_path / "db").start()
    recorder = Recorder(server)
    try:
        push_directly(server, people(1000))

        def kill_at_the_update(request: Recorded) -> Answer | None:
            if request.path == "/update" and b"DATA {" in request.body:
                server.stop(hard=True)
                return 502, {}, b"the store went away"
            return None

        recorder.refuse = kill_at_the_update
        new = renamed(people(1000), 1, 500)
        with pytest.raises(PushError) as failure:
            push_payload(payload_of(new), recorder.endpoint, GRAPH, settings=FAST)
        assert str(failure.value).startswith(f"updating <{GRAPH}> (-2 +2 triples): POST ")
        assert "502" in str(failure.value)

        server = OxigraphServer(server.location, port=server.port).start()
        recorder.server = server
        recorder.refuse = lambda request: None
        assert stored(server) == parse(people(1000))
        result = push_payload(payload_of(new), recorder.endpoint, GRAPH)
        assert (result.strategy, result.deleted, result.inserted) == ("delta", 2, 2)
        assert stored(server) == parse(new)
        assert named_graphs(server) == {GRAPH}
    finally:
        recorder.fake.stop()
        server.stop()


@pytest.mark.slow
def test_store_killed_mid_direct_put_leaves_the_graph_empty(tmp_path: Path) -> None:
    """The direct PUT is one transaction: killed a third in, the graph stays as it was (empty),
    and there is no staging graph to clean up."""
    server = OxigraphServer(tmp_path / "db").start()
    try:
        endpoint = endpoint_for(server.url, "oxigraph")
        big = people_payload(30_000)  # 90,000 triples, 7 MiB: several chunks of the upload

        def kill_a_third_in(sent: int, total: int) -> None:
            if sent >= total // 3 and server.process is not None:
                server.stop(hard=True)

        with pytest.raises(PushError):
            push_payload(big, endpoint, GRAPH, settings=FAST, progress=kill_a_third_in)
        server = OxigraphServer(server.location, port=server.port).start()
        assert stored(server) == set()
        assert named_graphs(server) == set()
        result = push_payload(people_payload(100), endpoint, GRAPH)
        assert result.strategy == "put"
        assert stored(server) == parse(people(100))
        assert not any(g.startswith(staging_prefix(GRAPH)) for g in named_graphs(server))
    finally:
        server.stop()


# --- Virtuoso ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_delta_on_virtuoso(tmp_path: Path) -> None:
    """Virtuoso's Graph Store Protocol serves N-Triples, and one DELETE DATA/INSERT DATA request
    within the preset's 1,000 triples passes its SPARQL compiler."""
    missing = VirtuosoServer.missing()
    if missing:
        pytest.skip(f"Virtuoso is not installed ({missing})")
    server = VirtuosoServer(tmp_path / "virtuoso", password=SECRET).start()
    try:
        endpoint = endpoint_for(server.url, "virtuoso", authenticated=True)
        credentials = Credentials("dba", SECRET)

        def push_and_check(data: bytes) -> PushResult:
            result = push_payload(payload_of(data), endpoint, GRAPH, credentials=credentials)
            url = f"{server.url}/sparql-graph-crud?{urllib.parse.urlencode({'graph': GRAPH})}"
            request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
            with urllib.request.urlopen(request, timeout=60) as response:
                assert parse(response.read()) == parse(data)
            return result

        assert push_and_check(people(300)).strategy == "staged"  # only Oxigraph's PUT is direct
        unchanged = push_and_check(people(300))
        assert (unchanged.strategy, unchanged.deleted, unchanged.inserted) == ("delta", 0, 0)
        changed = push_and_check(renamed(people(301), 1, 2))
        assert (changed.strategy, changed.deleted, changed.inserted) == ("delta", 2, 5)
        # Without the double: Virtuoso writes "1000"^^xsd:double back as "1000.0"
        edges = b"".join(line + b"\n" for line in literals().splitlines() if b"double" not in line)
        swapped = push_and_check(edges)  # 922 triples in one request: under Virtuoso's limit
        assert (swapped.strategy, swapped.deleted, swapped.inserted) == ("delta", 903, 19)
        assert push_and_check(edges).deleted == 0
        changed_edges = b"".join(
            line + b"\n" for line in literals(after=True).splitlines() if b"double" not in line
        )
        edges_result = push_and_check(changed_edges)
        assert (edges_result.strategy, edges_result.deleted) == ("delta", len(LITERALS) - 1)
        # Anonymous: an unchanged graph needs no write, so it passes; a change is refused.
        anonymous = endpoint_for(server.url, "virtuoso")
        assert push_payload(payload_of(changed_edges), anonymous, GRAPH).deleted == 0
        with pytest.raises(PushError) as failure:
            push_payload(payload_of(edges), anonymous, GRAPH, settings=FAST)
        assert str(failure.value).startswith(
            f"updating <{GRAPH}> (-19 +19 triples): POST {server.url}/sparql answered 500 "
        )
        assert "SR186:SECURITY: No permission" in str(failure.value)
        assert push_and_check(changed_edges).deleted == 0  # unchanged
    finally:
        server.stop()


def test_an_n_triples_answer_is_compared_line_by_line_and_parsed_only_where_it_differs() -> None:
    from kg.push import _delta_of_lines

    kept = b'<https://e.org/s> <https://e.org/p> "same" .\n'
    escaped = b'<https://e.org/s> <https://e.org/p> "caf\\u00E9" .\n'  # the store's escaping
    gone = b'<https://e.org/s> <https://e.org/p> "old" .\n'
    payload_text = kept + '<https://e.org/s> <https://e.org/p> "café" .\n'.encode()
    payload_text += b'<https://e.org/s> <https://e.org/p> "new" .\n'
    payload = Payload(payload_text, 3, "test")

    delta = _delta_of_lines(kept + escaped + gone, payload, 3, 10, "urn:g")
    assert delta is not None and delta is not False
    assert [str(t.object) for t in delta.deletions] == ['"old"']
    assert [str(t.object) for t in delta.insertions] == ['"new"']
    # what the line comparison cannot vouch for goes to the whole comparison
    assert _delta_of_lines(kept + gone, payload, 3, 10, "urn:g") is False  # count differs
    assert _delta_of_lines(kept + kept + gone, payload, 3, 10, "urn:g") is False  # a repeat
    blank = b'_:b <https://e.org/p> "x" .\n'
    assert _delta_of_lines(kept + gone + blank, payload, 3, 10, "urn:g") is False
    assert _delta_of_lines(kept + escaped + gone, payload, 3, 1, "urn:g") is None  # too many
