"""The homepage and the embed read an institute's graph in one pass (kg.embed.GraphView).

`GraphView` groups the triples by subject once and sorts a node's values only when the page
reads the node; these tests pin that it answers exactly what a plain index of every triple
answers, that it goes over the triples once, and that the fast JSON writer writes what
`json.dumps(..., indent=1)` writes. The bytes of the page are pinned by tests/golden.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.generate import generate
from kg import load_graph
from kg.bulk import paused_gc
from kg.embed import (
    PAGES,
    REVERSE_LINKS,
    SCRIPT_ESCAPES,
    GraphView,
    _dumps,
    _Stream,
    jsonld_tree,
    script_block,
)
from kg.graph import KnowledgeGraph
from kg.homepage import render_homepage
from kg.serialize import Rows
from kg.terms import IRI, Literal, Term, Triple
from kg.vocab import KG, PRO, RDF, SCHEMA
from tests.conftest import DATA


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return load_graph(DATA)[1]


class CountingSet(set[Triple]):
    """A set of triples that counts the passes over it."""

    passes = 0

    def __iter__(self) -> Iterator[Triple]:
        type(self).passes += 1
        return super().__iter__()


def _key(term: Term) -> tuple[int, str]:
    return (1 if isinstance(term, Literal) else 0, str(term))


def test_one_pass_over_the_triples(graph: KnowledgeGraph) -> None:
    CountingSet.passes = 0
    counted = KnowledgeGraph(graph.base, graph.researcher, CountingSet(graph.triples))
    CountingSet.passes = 0
    page = render_homepage(counted)
    assert CountingSet.passes == 1, "the homepage (with its embed) reads the triples once"
    assert page == render_homepage(graph)
    CountingSet.passes = 0
    script_block(counted, "publications")
    assert CountingSet.passes == 1


@pytest.mark.parametrize("source", ["triples", "rows"])
def test_the_view_answers_what_a_full_index_answers(graph: KnowledgeGraph, source: str) -> None:
    index: dict[IRI, dict[IRI, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for subject, predicate, value in graph.triples:
        index[subject][predicate].append(value)
    view = GraphView(graph, Rows(graph.triples) if source == "rows" else None)
    for subject, predicates in index.items():
        assert view.predicates(subject) == sorted(predicates)
        for predicate, values in predicates.items():
            expected = sorted(values, key=_key)
            assert list(view.values(subject, predicate)) == expected
            assert view.refs(subject, predicate) == [v for v in expected if isinstance(v, IRI)]
            texts = [str(v) for v in expected if isinstance(v, Literal)]
            assert view.texts(subject, predicate) == texts
            assert view.text(subject, predicate) == (texts[0] if texts else None)
    assert view.values(IRI("https://example.org/nothing"), SCHEMA.name) == ()
    objects = {(p, o) for _, p, o in graph.triples}
    for predicate, value in sorted(objects, key=lambda pair: (pair[0], _key(pair[1]))):
        expected_subjects = sorted(
            s for s, found in index.items() if value in found.get(predicate, ())
        )
        assert view.subjects(predicate, value) == expected_subjects, (predicate, value)
    assert {p for p, _ in objects} >= REVERSE_LINKS - {SCHEMA.performer}


@pytest.mark.parametrize("source", ["triples", "rows"])
def test_the_authors_are_those_of_every_role_node(graph: KnowledgeGraph, source: str) -> None:
    """`agents` reads a document's roles on demand; the same as reading all roles first."""
    view = GraphView(graph, Rows(graph.triples) if source == "rows" else None)
    expected: dict[tuple[IRI, IRI], list[tuple[int, IRI, str]]] = defaultdict(list)
    for role_node in view.subjects(RDF.type, PRO.RoleInTime):
        document, role = (
            view.ref(role_node, PRO.relatesToDocument),
            view.ref(role_node, PRO.withRole),
        )
        person, rank = view.ref(role_node, PRO.isHeldBy), view.value(role_node, KG.rank)
        if document is None or role is None or person is None or rank is None:
            continue
        printed = view.text(role_node, KG.printedName) or view.text(person, SCHEMA.name)
        expected[(document, role)].append((int(str(rank)), person, printed or ""))
    assert expected
    documents = {document for document, _ in expected} | set(view.works())
    for document in documents:
        for role in (PRO.author, PRO.editor):
            ranked = [(p, name) for _, p, name in sorted(expected.get((document, role), []))]
            assert view.agents(document, role)[: len(ranked)] == ranked


def test_a_page_made_from_sorted_rows_is_the_page_made_from_the_triples(
    graph: KnowledgeGraph, tmp_path: Path
) -> None:
    """A large build makes the homepage from its sorted rows (a forked helper then copies
    little of the graph); the page must not change by a byte. On the bundled researcher and
    on a generated institute, whose researcher has over a hundred works."""
    assert render_homepage(graph, Rows(graph.triples)) == render_homepage(graph)
    generate(300, tmp_path / "data", seed=3)
    institute = load_graph(tmp_path / "data")[1]
    page = render_homepage(institute)
    assert len(GraphView(institute).works()) > 50
    assert render_homepage(institute, Rows(institute.triples)) == page


def test_paused_gc_restores_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError
    assert gc.isenabled()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@given(JSON, st.booleans())
def test_the_json_writer_writes_what_json_dumps_writes(value: Any, ascii_only: bool) -> None:
    assert _dumps(value, ascii_only) == json.dumps(value, ensure_ascii=ascii_only, indent=1)


def test_the_json_writer_on_the_embed(graph: KnowledgeGraph) -> None:
    for page in ("profile", "publications"):
        tree = jsonld_tree(graph, page)
        for ascii_only in (False, True):
            assert _dumps(tree, ascii_only) == json.dumps(tree, ensure_ascii=ascii_only, indent=1)


@given(st.lists(JSON, max_size=4), st.booleans())
def test_an_array_made_while_it_is_written_is_written_as_a_list(
    items: list[Any], ascii_only: bool
) -> None:
    streamed = {"works": _Stream(iter(items)), "nested": [_Stream(iter(items)), _Stream([])]}
    plain = {"works": items, "nested": [items, []]}
    assert _dumps(streamed, ascii_only) == json.dumps(plain, ensure_ascii=ascii_only, indent=1)


@pytest.mark.parametrize("page", PAGES)
def test_the_script_writes_the_embed_tree_while_making_it(graph: KnowledgeGraph, page: str) -> None:
    """`script_block` makes each work as it writes it; the text is the whole tree's."""
    text = _dumps(jsonld_tree(graph, page), ascii_only=False)
    for character, escape in SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    assert script_block(graph, page) == f'<script type="application/ld+json">\n{text}\n</script>'
