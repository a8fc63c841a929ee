"""Property tests: any record set either builds a graph that passes the shapes or fails with a
`KgError`, never with another exception; and mapping is deterministic."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kg import KgError, validate_data
from kg.model import COLLECTIONS, Field, RecordSpec

KEYS = st.sampled_from(["a", "b", "c", "doe-j", "x-1"])
TEXT = st.text(min_size=0, max_size=20)
SCALARS = st.one_of(
    TEXT,
    KEYS,
    st.integers(min_value=-5, max_value=3000),
    st.sampled_from(["2020", "2020-02", "2020-02-30", "1999-12-31", "2021-13", "yes", "no", "~"]),
    st.sampled_from(["https://example.org/x", "not a url", "pubs:journal/1", "a/b"]),
    st.none(),
)


def value_for(spec_field: Field | None, depth: int = 0) -> st.SearchStrategy[Any]:
    """Mostly plausible values for the field, sometimes anything at all."""
    anything = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3), max_leaves=5)
    if spec_field is None or depth > 2:
        return anything
    if spec_field.kind == "list":
        return st.one_of(st.lists(value_for(spec_field.item, depth + 1), max_size=3), anything)
    if spec_field.kind == "record" and spec_field.spec is not None:
        return st.one_of(record_for(spec_field.spec, depth + 1), anything)
    if spec_field.kind == "enum":
        return st.one_of(st.sampled_from(spec_field.choices), anything)
    if spec_field.kind == "agent":
        return st.one_of(
            st.sampled_from(["Doe J", "Roe R"]), st.fixed_dictionaries({"person": KEYS})
        )
    return anything


def record_for(spec: RecordSpec, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    names = sorted(spec.fields)
    optional = st.dictionaries(
        st.one_of(st.sampled_from(names), st.sampled_from(["titel", "kye"])),
        st.none(),
        max_size=4,
    ).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {name: value_for(spec.fields.get(name), depth) for name in chosen}
        )
    )
    required = {name: value_for(f, depth) for name, f in spec.fields.items() if f.required}
    base = st.fixed_dictionaries({"key": KEYS, **required} if spec.keyed else required)
    return st.tuples(base, optional).map(lambda parts: {**parts[0], **parts[1]})


@st.composite
def data_folders(draw: st.DrawFn) -> dict[str, Any]:
    collections = draw(
        st.lists(st.sampled_from(sorted(COLLECTIONS)), min_size=1, max_size=4, unique=True)
    )
    records = {
        name: draw(st.lists(record_for(COLLECTIONS[name]), max_size=3)) for name in collections
    }
    people = [
        {"key": "doe-j", "family_name": "Doe", "variants": ["Doe J"]},
        {"key": "roe-r", "family_name": "Roe", "variants": ["Roe R"]},
    ]
    records.setdefault("people", [])
    records["people"] = people + records["people"]
    return records


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data_folders())
def test_any_record_set_builds_a_valid_graph_or_fails_with_a_kg_error(
    records: dict[str, Any],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "kg.yaml").write_text(
            "base: https://example.org/kg/\nresearcher: doe-j\n", encoding="utf-8"
        )
        (root / "records.yaml").write_text(
            yaml.safe_dump(records, allow_unicode=True), encoding="utf-8"
        )
        try:
            graph = validate_data(root)
        except KgError as error:
            assert str(error)
            event(type(error).__name__)
        else:
            assert len(graph) > 0
            event("valid graph")


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda t: t.strip() != ""))
def test_any_title_survives_the_round_trip_through_every_format(title: str) -> None:
    from rdflib import Graph, Literal
    from rdflib.compare import isomorphic

    from kg.graph import build_graph
    from kg.records import load_dataset
    from kg.serialize import to_jsonld, to_ntriples, to_turtle

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "kg.yaml").write_text(
            "base: https://example.org/kg/\nresearcher: doe-j\n", encoding="utf-8"
        )
        records = {
            "people": [{"key": "doe-j", "family_name": "Doe", "variants": ["Doe J"]}],
            "works": [
                {
                    "key": "w",
                    "versions": [
                        {
                            "key": "v",
                            "type": "preprint",
                            "title": title,
                            "authors": ["Doe J"],
                            "year": 2020,
                        }
                    ],
                }
            ],
        }
        (root / "records.yaml").write_text(
            yaml.safe_dump(records, allow_unicode=True), encoding="utf-8"
        )
        try:
            dataset = load_dataset(root)
        except KgError:
            return  # control characters and the like are refused, with a message
        # YAML itself folds some characters (U+0085 is a line break to YAML): the title to
        # expect is the one the records hold.
        title = dataset.records("works")[0].get("versions")[0].get("title")
        triples = build_graph(dataset).triples
        graphs = [
            Graph().parse(data=to_turtle(triples), format="turtle"),
            Graph().parse(data=to_ntriples(triples), format="nt"),
            Graph().parse(data=to_jsonld(triples), format="json-ld"),
        ]
        for graph in graphs:
            assert Literal(title) in set(graph.objects())
        assert isomorphic(graphs[0], graphs[1]) and isomorphic(graphs[0], graphs[2])
