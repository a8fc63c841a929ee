"""The fast writers give exactly the bytes of the straightforward ones, in one piece or in
chunks, and stream into files atomically.

`Reference` below is the first implementation of kg's writers (a row tuple per triple, a dict
per JSON-LD node through `json.dumps`): slow, but obviously the output design. Every case
compares bytes.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.serialize as serialize
from kg.errors import KgError
from kg.graph import build_graph
from kg.records import load_dataset
from kg.serialize import (
    INTEGER,
    LOCAL_NAME,
    STREAMS,
    Rows,
    StagedFiles,
    escape_string,
    iter_jsonld,
    iter_ntriples,
    iter_turtle,
    jsonld_context,
    ntriples_unsorted,
    to_jsonld,
    to_ntriples,
    to_turtle,
    write_files,
)
from kg.terms import IRI, XSD_BOOLEAN, XSD_INTEGER, Literal, Term, Triple
from kg.vocab import FOAF, KG, PREFIXES, RDF, SCHEMA, XSD

GOLDEN = Path(__file__).parent / "golden"
DATA = Path(__file__).resolve().parent.parent / "data"
RDF_TYPE = RDF.type


class Reference:
    """kg's writers as first written: the output contract, spelled out plainly."""

    @staticmethod
    def nt(term: Term) -> str:
        if isinstance(term, Literal):
            lexical, datatype, language = term
            text = f'"{escape_string(lexical)}"'
            if language:
                return f"{text}@{language}"
            return f"{text}^^<{datatype}>" if datatype else text
        return f"<{term}>"

    @classmethod
    def rows(cls, triples: Iterable[Triple]) -> list[tuple[str, str, str, Term]]:
        return sorted((s, p, cls.nt(o), o) for s, p, o in triples)

    @staticmethod
    def compact(iri: str) -> str | None:
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and LOCAL_NAME.fullmatch(iri[len(namespace) :]):
                return f"{prefix}:{iri[len(namespace) :]}"
        return None

    @staticmethod
    def grouped(
        rows: list[tuple[str, str, str, Term]],
    ) -> Iterator[tuple[str, list[tuple[str, list[tuple[str, Term]]]]]]:
        subject: str | None = None
        predicates: list[tuple[str, list[tuple[str, Term]]]] = []
        for s, p, nt, o in rows:
            if s != subject:
                if subject is not None:
                    yield subject, predicates
                subject, predicates = s, []
            if not predicates or predicates[-1][0] != p:
                predicates.append((p, []))
            predicates[-1][1].append((nt, o))
        if subject is not None:
            yield subject, predicates

    @classmethod
    def to_ntriples(cls, triples: Iterable[Triple]) -> str:
        return "".join(f"<{s}> <{p}> {o} .\n" for s, p, o, _ in cls.rows(triples))

    @classmethod
    def to_turtle(cls, triples: Iterable[Triple]) -> str:
        def term(nt: str, value: Term) -> str:
            if isinstance(value, Literal):
                lexical, datatype, language = value
                if datatype == XSD_INTEGER and INTEGER.fullmatch(lexical):
                    return lexical
                if datatype == XSD_BOOLEAN and lexical in ("true", "false"):
                    return lexical
                if datatype and not language:
                    short = cls.compact(datatype)
                    return f'"{escape_string(lexical)}"^^{short}' if short else nt
                return nt
            return cls.compact(value) or nt

        parts = [f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items()]
        for subject, predicates in cls.grouped(cls.rows(triples)):
            predicates.sort(key=lambda entry: entry[0] != RDF_TYPE)
            statements = []
            for predicate, objects in predicates:
                verb = "a" if predicate == RDF_TYPE else cls.compact(predicate) or f"<{predicate}>"
                statements.append(f"    {verb} " + ", ".join(term(nt, o) for nt, o in objects))
            parts.append(f"\n<{subject}>\n" + " ;\n".join(statements) + " .\n")
        return "".join(parts)

    @classmethod
    def to_jsonld(cls, triples: Iterable[Triple]) -> str:
        def value(term: Term) -> Any:
            if isinstance(term, Literal):
                lexical, datatype, language = term
                if language:
                    return {"@value": lexical, "@language": language}
                if datatype is None:
                    return lexical
                if datatype == XSD_INTEGER and INTEGER.fullmatch(lexical):
                    return int(lexical)
                if datatype == XSD_BOOLEAN and lexical in ("true", "false"):
                    return lexical == "true"
                return {"@value": lexical, "@type": cls.compact(datatype) or datatype}
            return {"@id": str(term)}

        lines = []
        for subject, predicates in cls.grouped(cls.rows(triples)):
            node: dict[str, Any] = {"@id": str(subject)}
            for predicate, objects in predicates:
                if predicate == RDF_TYPE:
                    types = [cls.compact(str(o)) or str(o) for _, o in objects]
                    node["@type"] = types[0] if len(types) == 1 else types
                    continue
                values = [value(o) for _, o in objects]
                node[cls.compact(predicate) or predicate] = (
                    values[0] if len(values) == 1 else values
                )
            lines.append(json.dumps(node, ensure_ascii=False, sort_keys=True))
        context = json.dumps(jsonld_context(), ensure_ascii=False, indent=1, sort_keys=True)
        return '{"@context": ' + context + ',\n"@graph": [\n' + ",\n".join(lines) + "\n]}\n"


WRITERS = {
    "nt": (to_ntriples, Reference.to_ntriples),
    "ttl": (to_turtle, Reference.to_turtle),
    "jsonld": (to_jsonld, Reference.to_jsonld),
}


def assert_same_bytes(triples: set[Triple]) -> None:
    rows = Rows(triples)
    for extension, (fast, reference) in WRITERS.items():
        expected = reference(triples)
        assert fast(rows) == expected, extension
        assert fast(triples) == expected, extension
        assert "".join(STREAMS[extension](rows)) == expected, extension


def awkward_triples() -> set[Triple]:
    """Everything the writers special-case, and text that would trip a template or JSON."""
    ex = "https://example.org/{kg}/"
    s1, s2, s3 = IRI(ex + "a"), IRI(ex + "a!b"), IRI('https://example.org/é/"q"')
    odd = IRI("https://example.org/p{0}")
    odd2 = IRI("https://example.org/p{0}!x")
    triples: set[Triple] = {
        (s1, RDF_TYPE, SCHEMA.Person),
        (s1, RDF_TYPE, FOAF.Person),
        (s1, RDF_TYPE, IRI("https://example.org/Class{x}")),
        (s1, SCHEMA.name, Literal('He said "hi"\\ \n\t\x01\x7f {0} }')),
        (s1, SCHEMA.name, Literal("Zoë", language="de")),
        (s1, SCHEMA.name, Literal("zoe", language="en-GB")),
        (s1, SCHEMA.position, Literal(3)),
        (s1, SCHEMA.position, Literal("-0", XSD_INTEGER)),
        (s1, SCHEMA.position, Literal("007", XSD_INTEGER)),
        (s1, SCHEMA.position, Literal("x", XSD_INTEGER)),
        (s1, SCHEMA.isAccessibleForFree, Literal(True)),
        (s1, SCHEMA.isAccessibleForFree, Literal("TRUE", XSD_BOOLEAN)),
        (s1, SCHEMA.dateCreated, Literal("2020", XSD.gYear)),
        (s1, SCHEMA.dateCreated, Literal("2020-01", SCHEMA.Date)),
        (s1, SCHEMA.dateCreated, Literal("2020-02", "https://example.org/type{1}")),
        (s1, SCHEMA.dateCreated, Literal("2020-03", XSD + "not/local")),
        (s1, KG.rank, Literal(1)),
        (s1, odd, s2),
        (s1, odd2, s3),
        (s1, IRI(SCHEMA + "bad/name"), s1),
        (s1, SCHEMA.sameAs, IRI(str(SCHEMA) + "Thing")),
        (s1, SCHEMA.sameAs, IRI("https://example.org/x}")),
        (s2, RDF_TYPE, Literal("schema:Literal class")),
        (s2, RDF_TYPE, Literal("http://schema.org/Thing")),
        (s2, SCHEMA.name, Literal("")),
        (s3, SCHEMA.name, Literal("only")),
        (s3, IRI("http://schema.org"), Literal("no local name")),
    }
    return triples


def test_awkward_terms_are_written_as_before() -> None:
    assert_same_bytes(awkward_triples())


def test_an_empty_graph_is_written_as_before() -> None:
    assert_same_bytes(set())


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if (p / "data").is_dir()))
def test_golden_graphs_are_written_as_before(case: str) -> None:
    graph = build_graph(load_dataset(GOLDEN / case / "data"))
    assert_same_bytes(graph.triples)
    assert_same_bytes(graph.triples | graph.private_triples)


def test_the_bundled_graph_is_written_as_before() -> None:
    graph = build_graph(load_dataset(DATA))
    assert_same_bytes(graph.triples | graph.private_triples)


names = st.text(alphabet='ab{}!/#"\\é \n', min_size=0, max_size=4)
iris = st.builds(
    lambda base, name: IRI(base + name),
    st.sampled_from([*PREFIXES.values(), "https://example.org/", "https://example.org/{"]),
    names,
)
literals = st.one_of(
    st.builds(Literal, names),
    st.builds(
        Literal,
        st.sampled_from(["1", "-0", "01", "true", "no"]),
        st.sampled_from(
            [XSD_INTEGER, XSD_BOOLEAN, str(XSD.gYear), str(SCHEMA.Date), "https://example.org/t"]
        ),
    ),
    st.builds(lambda text, tag: Literal(text, language=tag), names, st.sampled_from(["en", "de"])),
)
triples_strategy = st.sets(
    st.tuples(
        st.sampled_from([IRI("https://example.org/s1"), IRI("https://example.org/s{2}")]),
        st.one_of(st.just(RDF_TYPE), iris),
        st.one_of(iris, literals),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(triples_strategy)
def test_any_graph_is_written_as_before(triples: set[Triple]) -> None:
    assert_same_bytes(triples)


def test_rows_keep_the_canonical_order_and_count() -> None:
    triples = awkward_triples()
    rows = Rows(iter(sorted(triples, key=repr)))  # any iterable
    expected = Reference.rows(triples)
    assert len(rows) == len(triples)
    assert [row[:3] for row in rows.rows] == [row[:3] for row in expected]
    assert [row[3] for row in rows.rows] == [row[3] for row in expected]
    assert serialize.rows(triples) == rows.rows


def test_unsorted_ntriples_hold_the_same_lines() -> None:
    triples = awkward_triples()
    assert sorted(ntriples_unsorted(triples).splitlines()) == sorted(
        to_ntriples(triples).splitlines()
    )


def test_the_writers_yield_the_text_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serialize, "CHUNK_SUBJECTS", 1)
    graph = build_graph(load_dataset(GOLDEN / "article" / "data"))
    rows = Rows(graph.triples)
    for extension, (_, reference) in WRITERS.items():
        stream = {"nt": iter_ntriples, "ttl": iter_turtle, "jsonld": iter_jsonld}[extension]
        chunks = list(stream(rows))
        assert len(chunks) >= len(rows.subjects)
        assert "".join(chunks) == reference(graph.triples)


def test_write_files_streams_chunks_and_text(tmp_path: Path) -> None:
    triples = awkward_triples()
    rows = Rows(triples)
    paths = {tmp_path / "out" / f"kg.{extension}": extension for extension in STREAMS}
    write_files({path: STREAMS[extension](rows) for path, extension in paths.items()})
    for path, extension in paths.items():
        assert path.read_bytes() == WRITERS[extension][1](triples).encode("utf-8")
    write_files({tmp_path / "out" / "note.txt": "ü\n"})
    assert (tmp_path / "out" / "note.txt").read_bytes() == "ü\n".encode()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [*(p.name for p in paths), "note.txt"]
    )


def test_a_failing_stream_leaves_every_previous_file_and_no_temporary(tmp_path: Path) -> None:
    first, second = tmp_path / "a.nt", tmp_path / "b.nt"
    first.write_text("old a\n")
    second.write_text("old b\n")

    def broken() -> Iterator[str]:
        yield "new b, half written\n"
        raise OSError(28, "No space left on device", str(second))

    with pytest.raises(KgError, match=r"cannot write .*b\.nt: No space left on device"):
        write_files({first: "new a\n", second: broken()})
    assert first.read_text() == "old a\n"
    assert second.read_text() == "old b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.nt", "b.nt"]


def test_staged_files_are_renamed_only_on_commit(tmp_path: Path) -> None:
    target = tmp_path / "kg.ttl"
    with StagedFiles() as files:
        temporary = files.write(target, iter(["a", "b"]))
        assert temporary.read_text() == "ab" and not target.exists()
    assert not temporary.exists() and not target.exists()  # left without commit: discarded

    elsewhere = tmp_path / f".kg.jsonld.{os.getpid() + 1}.tmp"  # staged by another process
    elsewhere.write_text("{}\n")
    with StagedFiles() as files:
        files.write(target, "ttl\n")
        files.adopt(elsewhere, tmp_path / "kg.jsonld")
        files.commit()
    assert target.read_text() == "ttl\n"
    assert (tmp_path / "kg.jsonld").read_text() == "{}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.jsonld", "kg.ttl"]


def test_an_error_inside_the_block_discards_what_was_staged(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), StagedFiles() as files:
        files.write(tmp_path / "kg.nt", "x\n")
        raise RuntimeError("validation failed")
    assert list(tmp_path.iterdir()) == []


def synthetic(publications: int) -> set[Triple]:
    """A graph shaped like kg's: typed nodes, shared people and classes, literals, dates."""
    base = "https://example.org/kg/"
    people = [IRI(f"{base}person/p{index}") for index in range(200)]
    triples: set[Triple] = set()
    for index in range(publications):
        work = IRI(f"{base}work/w{index}")
        triples |= {
            (work, RDF_TYPE, SCHEMA.ScholarlyArticle),
            (work, SCHEMA.name, Literal(f"Title {index} of a study")),
            (work, SCHEMA.datePublished, Literal(str(2000 + index % 25), SCHEMA.Date)),
            (work, KG.rank, Literal(index % 7)),
        }
        for rank in range(3):
            role = IRI(f"{work}/author/{rank}")
            triples |= {
                (work, SCHEMA.author, role),
                (role, RDF_TYPE, SCHEMA.Role),
                (role, SCHEMA.author, people[(index + rank) % len(people)]),
                (role, KG.rank, Literal(rank + 1)),
            }
    return triples


def test_the_writers_beat_the_straightforward_ones() -> None:
    """A loose guard (the machine may be busy): sorting once and writing all three formats
    takes less time than the reference needs, which sorts for each. Measured in
    the same run, best of three."""
    triples = synthetic(3000)

    def fast() -> None:
        rows = Rows(triples)
        to_ntriples(rows), to_turtle(rows), to_jsonld(rows)

    def reference() -> None:
        Reference.to_ntriples(triples), Reference.to_turtle(triples)
        Reference.to_jsonld(triples)

    def best(run: Any) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        return min(times)

    assert best(fast) < best(reference)
