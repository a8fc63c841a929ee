"""Validation: the graph against the bundled SHACL shapes, each violation traced back to the
file, line, record and field it came from.
"""

from __future__ import annotations

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.errors import KgError, Problem
from kg.graph import KnowledgeGraph, Origin
from kg.resources import shapes_graph
from kg.vocab import FABIO, FRBR, KG, PRO, SCHEMA

__all__ = ["check_graph", "shacl_problems"]

# Which record field a predicate comes from, most specific first: the first one the record
# has is reported, so "authors[3]" or "venue" names the line to fix.
FIELDS_OF_PREDICATE: dict[URIRef, tuple[str, ...]] = {
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


def shacl_problems(
    data: Graph, origins: dict[URIRef, Origin], public: bool = True
) -> list[Problem]:
    """Run pyshacl and turn every result into a located `Problem`."""
    _, report, text = shacl_validate(
        data,
        shacl_graph=shapes_graph(public),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if not isinstance(report, Graph):
        raise KgError(f"the SHACL shapes could not be applied: {text}")
    problems = {
        _locate(report, result, origins)
        for result in report.subjects(SH.resultSeverity, SH.Violation)
    }
    return sorted(problems)


def check_graph(graph: KnowledgeGraph, public: bool = True) -> list[Problem]:
    """Validate the public graph (with the privacy shapes) or the private one (without)."""
    data = graph.public_graph() if public else graph.private_graph()
    return shacl_problems(data, graph.origins, public)


def _locate(report: Graph, result: URIRef, origins: dict[URIRef, Origin]) -> Problem:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    message = str(report.value(result, SH.resultMessage) or "does not conform")
    value = report.value(result, SH.value)
    if value is not None and not isinstance(value, Literal) and path is not None:
        message = f"{message} (value: {value})"
    origin = origins.get(focus) if isinstance(focus, URIRef) else None
    if origin is None and isinstance(value, URIRef):
        # Whole-graph constraints (author ranks) report the offending node as the value.
        origin, path = origins.get(value), path or KG.rank
    if origin is None:
        return Problem("", 0, str(focus), _short(path), message)
    field = origin.field
    if not field:
        candidates = FIELDS_OF_PREDICATE.get(path, ()) if isinstance(path, URIRef) else ()
        known = dict(origin.lines)
        field = next((name for name in candidates if name in known), "")
        if not field and candidates:
            field = candidates[0]
        if not field:
            field = _short(path) if path is not None else "authors"
    return Problem(origin.file, origin.line_of(field), origin.record, field, message)


def _short(path: object) -> str:
    if isinstance(path, URIRef):
        text = str(path)
        return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return "" if path is None else "path"
