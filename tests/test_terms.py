"""`TripleSet`: a set of triples in the order they were added, and a set in every answer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kg.bulk import in_memory_order
from kg.terms import IRI, Literal, TripleSet, from_rdflib, to_rdflib

NODES = st.sampled_from([IRI("urn:a"), IRI("urn:b"), IRI("urn:c")])
TRIPLES = st.lists(st.tuples(NODES, NODES, st.one_of(NODES, st.builds(Literal, st.text()))))


@given(TRIPLES, TRIPLES)
def test_a_triple_set_answers_as_a_set_does(left: list, right: list) -> None:
    ordered, other = TripleSet(left), set(right)
    expected = set(left)
    assert ordered == expected and expected == ordered and len(ordered) == len(expected)
    assert (ordered | other) == expected | other == (other | ordered)
    assert (ordered - other) == expected - other
    assert (ordered & other) == expected & other
    assert (ordered <= expected | other) and (ordered >= expected & other)
    assert all(triple in ordered for triple in left)
    assert isinstance(ordered | other, TripleSet) and isinstance(other | ordered, TripleSet)
    changed = ordered.copy()
    changed |= other
    changed -= set(left)
    assert changed == other - expected and ordered == expected  # the copy changed alone


def test_a_triple_set_keeps_the_order_triples_were_added_in() -> None:
    a, b, c = IRI("urn:a"), IRI("urn:b"), IRI("urn:c")
    triples = TripleSet([(c, a, b), (a, b, c)])
    triples.add((b, c, a))
    triples.add((c, a, b))  # already held: keeps its place
    triples.discard((a, b, c))
    triples.add((a, b, c))
    assert list(triples) == [(c, a, b), (b, c, a), (a, b, c)]
    assert list(in_memory_order(triples)) == list(triples)  # read as it is
    assert sorted(in_memory_order(set(triples))) == sorted(triples)  # dealt, same items


def test_rdflib_terms_come_back_as_they_went() -> None:
    for term in (
        IRI("https://example.org/a"),
        Literal("text"),
        Literal("Text", language="en"),
        Literal(7),
        Literal("2020-01-01", datatype="http://schema.org/Date"),
    ):
        assert from_rdflib(to_rdflib(term)) == term
