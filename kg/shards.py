"""Validation in record-sized shards, on every core, with exactly the whole graph's report.

One Oxigraph store of an institute's graph (millions of triples) is slow to load and its
queries cost more per triple than in small stores, so a large graph is validated in shards.
A shard is the nodes that one group of records produced (its *own* nodes) with the complete
description — every triple of that subject — of each own node and of every node a constraint
can read from them: the values of the predicates whose values are checked beyond their term
(`sh:class`, `sh:or`, `sh:qualifiedValueShape`, or named in a SPARQL constraint), then onward
along transitive paths (`sh:oneOrMorePath`) and classes (`rdf:type`, `rdfs:subClassOf`).
Each constraint of kg's shapes looks at its focus node's description, its values'
descriptions or a chain of them, and the author-rank constraint at the roles of one
document, which its record produced together. So a
violation found for an own node is what whole-graph validation finds for it; the others are
left to the shard that owns them. Of each description a shard loads only the triples whose
predicate some constraint reads (`CompiledShapes.read_predicates`: every path, target and
class predicate, and those a SPARQL constraint names; all triples if one has a variable
predicate): the rest cannot change a report. `tests/test_shards.py` proves the reports equal.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.bulk import shared
from kg.cache import read_entry, write_entry
from kg.errors import KgError
from kg.serialize import Rows, ntriples_renderer
from kg.shacl import CompiledShapes, Violation

__all__ = ["ShardPlan", "sharded_violations"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
# A subject as `Rows` holds it: IRI, predicates and the objects in N-Triples, aligned.
Subject = tuple[str, tuple[str, ...], tuple[str, ...]]
BOUNDARY_ODDS = 8  # one group in 8 may end a shard
SHARD_TRIPLES = 60_000  # small stores answer fastest; more shards only add per-query overhead


class ShardPlan:
    """A graph's subjects cut into shards of whole records; `violations(i)` validates shard i."""

    def __init__(
        self,
        rows: Rows,
        group_of: Callable[[str], Hashable],
        shapes: CompiledShapes,
        shard_triples: int = SHARD_TRIPLES,
        cache: Path | None = None,
    ) -> None:
        self.subjects = rows.subjects
        self.shapes = shapes
        self.cache = cache
        self.shapes_digest = hashlib.sha256(
            "\0".join(f"{c.shape}\0{c.message}\0{c.query}" for c in shapes.constraints).encode()
        ).digest()
        # Classes are read through rdf:type (and rdfs:subClassOf) wherever a value is.
        self.first = shapes.followed_predicates() | {RDF_TYPE, RDFS_SUBCLASS_OF}
        self.onward = shapes.transitive_predicates() | {RDF_TYPE, RDFS_SUBCLASS_OF}
        self.position = rows.position
        self.shards = _cut(self.subjects, group_of, shard_triples)
        # A shard holds only the triples a constraint can read: the others change no report.
        self._render = ntriples_renderer(only=shapes.read_predicates())

    def __len__(self) -> int:
        return len(self.shards)

    def neighbourhood(self, own: list[int]) -> list[int]:
        """Own subjects first, then every described node their constraints can reach."""
        subjects, position = self.subjects, self.position
        seen = set(own)
        reached: list[int] = []
        frontier, follow = own, self.first
        while frontier:
            found: list[int] = []
            for index in frontier:
                _, predicates, objects = subjects[index]
                for predicate, nt in zip(predicates, objects, strict=True):
                    if predicate in follow:
                        node = position.get(nt[1:-1])
                        if node is not None and node not in seen:
                            seen.add(node)
                            found.append(node)
            reached += found
            frontier, follow = found, self.onward
        return own + reached

    def ntriples(self, indexes: list[int]) -> bytes:
        subjects = self.subjects
        return self._render([subjects[index] for index in indexes]).encode("utf-8")

    def violations(self, shard: int) -> list[Violation]:
        own = self.shards[shard]
        ntriples = self.ntriples(self.neighbourhood(own))
        entry = None
        if self.cache is not None:
            digest = hashlib.sha256(self.shapes_digest + ntriples).hexdigest()
            entry = self.cache / digest[:2] / f"{digest}.json"
        found = _read_cached(entry) if entry is not None else None
        if found is None:
            found = self._validate(ntriples)
            if entry is not None:
                fields = [[v.focus, v.path, v.value, v.message, v.shape] for v in found]
                write_entry(entry, fields)
        mine = {self.subjects[index][0] for index in own}
        return [v for v in found if self._owns(v, mine)]

    def _validate(self, ntriples: bytes) -> list[Violation]:
        store = ox.Store()
        try:
            # The IRIs were checked when the records were loaded: skip re-checking them.
            store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        except (SyntaxError, ValueError) as error:
            raise KgError(f"the graph could not be loaded for validation: {error}") from None
        return self.shapes.validate(store, threads=1)  # each worker already has a core

    def _owns(self, violation: Violation, mine: set[str]) -> bool:
        """Whether this shard speaks for a violation: its focus node is own, or, for a focus
        that no triple describes (an author role kind, say), the value it reports is."""
        focus, value = _iri(violation.focus), _iri(violation.value)
        if focus is not None and focus in self.position:
            return focus in mine
        if value is not None and value in self.position:
            return value in mine
        return True


def sharded_violations(plan: ShardPlan, workers: int | None = None) -> list[Violation]:
    """Every shard validated, on this process and forked helpers (`workers` cores, all by
    default)."""
    found: set[Violation] = set()
    jobs = [functools.partial(plan.violations, shard) for shard in range(len(plan))]
    for result in shared(jobs, workers=workers):
        if isinstance(result, KgError):
            raise result
        assert isinstance(result, list)
        found.update(result)
    return sorted(found, key=lambda v: (v.focus, v.path or "", v.value or "", v.message))


def _cut(
    subjects: Sequence[Subject], group_of: Callable[[str], Hashable], shard_triples: int
) -> list[list[int]]:
    """Subjects in shards of about `shard_triples`; one group's subjects share a shard.

    Groups are taken in the order their first subject sorts, each with all its triples (a
    work's code link sorts far from the work: counting a group as it first appears would pile
    thousands of works into one shard). A shard ends before a group whose name hashes to a
    boundary once it holds `shard_triples` (or at twice that): boundaries depend on the
    records, not on counts, so an edit that adds triples moves no other shard's records, and
    cached reports stay valid.
    """
    members: dict[Hashable, list[int]] = {}
    sizes: dict[Hashable, int] = {}
    for index, (subject, _, objects) in enumerate(subjects):
        group = group_of(subject)
        found = members.get(group)
        if found is None:
            members[group] = [index]
            sizes[group] = len(objects)
        else:
            found.append(index)
            sizes[group] += len(objects)
    shards: list[list[int]] = [[]]
    size = 0
    for group, indexes in members.items():
        boundary = zlib.crc32(str(group).encode()) % BOUNDARY_ODDS == 0
        if size >= shard_triples and (boundary or size >= 2 * shard_triples):
            shards.append([])
            size = 0
        shards[-1].extend(indexes)
        size += sizes[group]
    return [sorted(shard) for shard in shards]


def _read_cached(entry: Path) -> list[Violation] | None:
    """A shard's report from an earlier build: the same shapes on the same triples."""
    value = read_entry(entry)
    try:
        return None if value is None else [Violation(*fields) for fields in value]
    except TypeError:
        return None


def _iri(term: str | None) -> str | None:
    return term[1:-1] if term and term.startswith("<") else None
