"""Validation: the graph against the bundled SHACL shapes, each violation traced back to the
file, line, record and field it came from.

The default engine is kg's own (`kg.shacl`: the shapes compiled to SPARQL on pyoxigraph, one
query per constraint for all focus nodes); pySHACL stays available as the reference engine
(`engine="pyshacl"`, `kg validate --engine pyshacl`), and the tests prove both report the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError, Problem
from kg.graph import KnowledgeGraph, Origin
from kg.resources import shapes_files
from kg.serialize import Rows, ntriples_unsorted
from kg.shacl import CompiledShapes, Violation
from kg.shards import ShardPlan, sharded_violations
from kg.vocab import FABIO, FRBR, KG, PRO, SCHEMA

__all__ = [
    "ENGINES",
    "check_graph",
    "compiled_shapes",
    "locate",
    "shacl_problems",
    "shard_plan",
    "store_problems",
]

ENGINES = ("kg", "pyshacl")
SHARDED_MIN_TRIPLES = 200_000  # below this one store in this process is quicker

# Which record field a predicate comes from, most specific first: the first one the record
# has is reported, so "authors[3]" or "venue" names the line to fix.
FIELDS_OF_PREDICATE: dict[str, tuple[str, ...]] = {
    SCHEMA.name: ("title", "name", "family_name", "event"),
    SCHEMA.datePublished: ("date", "year"),
    SCHEMA.startDate: ("start", "date"),
    SCHEMA.endDate: ("end",),
    SCHEMA.author: ("authors",),
    SCHEMA.editor: ("editors",),
    FRBR.partOf: ("venue", "issue", "volume"),
    FRBR.realizationOf: ("versions",),
    FRBR.realization: ("versions", "entries"),
    FABIO.hasArXivId: ("arxiv",),
    FABIO.hasPatentNumber: ("number",),
    SCHEMA.creativeWorkStatus: ("status",),
    SCHEMA.worksFor: ("organization",),
    SCHEMA.roleName: ("title", "degree", "role", "proficiency"),
    SCHEMA.additionalType: ("kind",),
    SCHEMA.birthDate: ("birth_date",),
    SCHEMA.birthPlace: ("birth_place",),
    SCHEMA.nationality: ("nationality",),
    KG.familyNote: ("family",),
    KG.rank: ("authors",),
    PRO.isHeldBy: ("authors",),
}


@lru_cache(maxsize=2)
def compiled_shapes(public: bool = True) -> CompiledShapes:
    """The bundled shapes, compiled once per process; public outputs add the privacy shapes."""
    return CompiledShapes.from_turtle(
        entry.read_text(encoding="utf-8") for entry in shapes_files(public)
    )


def check_graph(
    graph: KnowledgeGraph,
    public: bool = True,
    engine: str = "kg",
    ntriples: str | None = None,
    shards: bool | None = None,
) -> list[Problem]:
    """Validate the public graph (with the privacy shapes) or the private one (without).

    `ntriples`, the graph already written as N-Triples (the build writes kg.nt anyway),
    saves writing it again to load the validation store. `shards` validates record-sized
    shards on every core (`kg.shards`); by default, for graphs of 200k triples and more.
    """
    triples = graph.triples if public else graph.triples | graph.private_triples
    if shards is None:
        shards = len(triples) >= SHARDED_MIN_TRIPLES
    if shards and engine == "kg":
        plan = shard_plan(graph, Rows(triples), public)
        return locate(sharded_violations(plan), graph.origins)
    if ntriples is None:
        ntriples = ntriples_unsorted(triples)
    return _problems(ntriples, graph.origins, public, engine)


def shacl_problems(
    data: Any, origins: Mapping[str, Origin], public: bool = True, engine: str = "kg"
) -> list[Problem]:
    """Validate an rdflib Graph or N-Triples text (an exported file, say)."""
    text = data if isinstance(data, str) else data.serialize(format="nt")
    return _problems(text, origins, public, engine)


def shard_plan(
    graph: KnowledgeGraph,
    rows: Rows,
    public: bool = True,
    shard_triples: int | None = None,
    cache: Path | None = None,
) -> ShardPlan:
    """Shards of `rows` (the graph's sorted triples) in which each record's nodes stay
    together; with `cache` (a folder), a shard whose triples did not change since an earlier
    build reuses that build's report."""
    origins = graph.origins
    names: dict[int, str] = {}

    def record_of(subject: str) -> str:
        origin = origins.get(subject)
        if origin is None:
            return subject
        name = names.get(id(origin.record))
        if name is None:
            record = origin.record
            while record.parent is not None:
                record = record.parent
            name = names[id(origin.record)] = f"{record.collection}/{record.key}"
        return name

    sizes = {} if shard_triples is None else {"shard_triples": shard_triples}
    return ShardPlan(rows, record_of, compiled_shapes(public), cache=cache, **sizes)


def locate(violations: list[Violation], origins: Mapping[str, Origin]) -> list[Problem]:
    """Violations as problems naming file, line, record and field; sorted, no repeats."""
    return sorted({_locate(violation, origins) for violation in violations})


def store_problems(store: ox.Store, public: bool = True) -> list[Problem]:
    """Validate what a pyoxigraph store's default graph holds (a parsed export, say)."""
    return sorted({_locate(v, {}) for v in compiled_shapes(public).validate(store)})


def _problems(
    ntriples: str, origins: Mapping[str, Origin], public: bool, engine: str
) -> list[Problem]:
    if engine == "pyshacl":
        violations = _pyshacl_violations(ntriples, public)
    else:
        store = ox.Store()
        try:
            store.bulk_load(ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        except (SyntaxError, ValueError) as error:
            raise KgError(f"the graph could not be loaded for validation: {error}") from None
        violations = compiled_shapes(public).validate(store)
    return locate(violations, origins)


def _pyshacl_violations(ntriples: str, public: bool) -> list[Violation]:
    from pyshacl import validate as pyshacl_validate
    from rdflib import BNode, Graph
    from rdflib.namespace import SH

    from kg.resources import shapes_graph

    data = Graph().parse(data=ntriples, format="nt")
    _, report, text = pyshacl_validate(data, shacl_graph=shapes_graph(public), advanced=True)
    if not isinstance(report, Graph):
        raise KgError(f"the SHACL shapes could not be applied: {text}")

    def term(node: Any) -> str | None:
        return None if node is None or isinstance(node, BNode) else str(node.n3())

    return [
        Violation(
            term(report.value(r, SH.focusNode)) or "",
            term(report.value(r, SH.resultPath)),
            term(report.value(r, SH.value)),
            str(report.value(r, SH.resultMessage)),
            term(report.value(r, SH.sourceShape)) or "",
        )
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    ]


def _iri(term: str | None) -> str | None:
    return term[1:-1] if term and term.startswith("<") else None


def _locate(violation: Violation, origins: Mapping[str, Origin]) -> Problem:
    focus, path, value = _iri(violation.focus), _iri(violation.path), _iri(violation.value)
    message = violation.message
    if value is not None and path is not None:
        message = f"{message} (value: {value})"
    origin = origins.get(focus) if focus else None
    if origin is None and value is not None:
        # Whole-graph constraints (author ranks) report the offending node as the value.
        origin, path = origins.get(value), path or KG.rank
    if origin is None:
        return Problem("", 0, focus or violation.focus, _short(path), message)
    record, field = origin
    if not field:
        candidates = FIELDS_OF_PREDICATE.get(path, ()) if path else ()
        field = next((name for name in candidates if name in record.lines), "")
        if not field and candidates:
            field = candidates[0]
        if not field:
            field = _short(path) if path is not None else "authors"
    return Problem(record.file, record.line_of(field), record.label, field, message)


def _short(path: str | None) -> str:
    return "" if path is None else path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
