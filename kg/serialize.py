"""Serialization: N-Triples, Turtle and JSON-LD, deterministic and written atomically.

kg writes these three formats itself instead of through rdflib's serializers: the same triples
always give byte-identical files (sorted subjects, predicates and objects), so `git diff` of an
export is meaningful, and the writers are linear and fast (rdflib's Turtle writer needs minutes
for an institute's graph, DESIGN.md §9). The tests prove the output with rdflib, pyoxigraph and
pyld: all three read the three files as one graph.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.terms import XSD_BOOLEAN, XSD_INTEGER, Literal, Term, Triple
from kg.vocab import PREFIXES, RDF

__all__ = [
    "FORMATS",
    "Rows",
    "escape_string",
    "jsonld_context",
    "ntriples_unsorted",
    "to_jsonld",
    "to_ntriples",
    "to_turtle",
    "write_bytes_atomically",
    "write_files",
]

LOCAL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
INTEGER = re.compile(r"^-?(0|[1-9][0-9]*)$")
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
RDF_TYPE = RDF.type
Row = tuple[str, str, str, Term]


def escape_string(text: str) -> str:
    """The body of a quoted N-Triples, Turtle or SPARQL string: quotes, backslashes and
    control characters escaped."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return _NEEDS_ESCAPE.sub(
        lambda match: _ESCAPES.get(match.group(), f"\\u{ord(match.group()):04X}"), text
    )


def _nt_term(term: Term) -> str:
    if isinstance(term, Literal):
        lexical, datatype, language = term
        text = f'"{escape_string(lexical)}"'
        if language:
            return f"{text}@{language}"
        return f"{text}^^<{datatype}>" if datatype else text
    return f"<{term}>"


def rows(triples: Iterable[Triple]) -> list[Row]:
    """Triples in the canonical order: subject, predicate, then the object's N-Triples form.

    Sorting tuples of strings runs in C; the term itself rides along for the writers.
    """
    ordered: list[Row] = [(s, p, _nt_term(o), o) for s, p, o in triples]
    ordered.sort()
    return ordered


def _ordered(triples: Iterable[Triple] | Rows) -> list[Row]:
    return triples.rows if isinstance(triples, Rows) else rows(triples)


class Rows:
    """Triples sorted once, for writing several formats of the same graph."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.rows = rows(triples)


def ntriples_unsorted(triples: Iterable[Triple]) -> str:
    """N-Triples in no particular order: for loading into a store, where order is moot."""
    return "".join([f"<{s}> <{p}> {_nt_term(o)} .\n" for s, p, o in triples])


def to_ntriples(triples: Iterable[Triple] | Rows) -> str:
    """One sorted line per triple."""
    return "".join([f"<{s}> <{p}> {o} .\n" for s, p, o, _ in _ordered(triples)])


class _Compactor:
    """Prefixed names for vocabulary IRIs, remembered: predicates and classes repeat a lot."""

    def __init__(self) -> None:
        self.known: dict[str, str | None] = {}

    def __call__(self, iri: str) -> str | None:
        if iri in self.known:
            return self.known[iri]
        found = None
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and LOCAL_NAME.fullmatch(iri[len(namespace) :]):
                found = f"{prefix}:{iri[len(namespace) :]}"
                break
        self.known[iri] = found
        return found


def _grouped(rows: list[Row]) -> Iterator[tuple[str, list[tuple[str, list[tuple[str, Term]]]]]]:
    """(subject, [(predicate, [(object N-Triples, object)])]) in canonical order."""
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


def to_turtle(triples: Iterable[Triple] | Rows) -> str:
    """Turtle grouped by subject, `a` first, everything sorted."""
    compact = _Compactor()

    def term(nt: str, value: Term) -> str:
        if isinstance(value, Literal):
            lexical, datatype, _ = value
            if datatype == XSD_INTEGER and INTEGER.fullmatch(lexical):
                return lexical
            if datatype == XSD_BOOLEAN and lexical in ("true", "false"):
                return lexical
            if datatype and not value.language:
                short = compact(datatype)
                return f'"{escape_string(lexical)}"^^{short}' if short else nt
            return nt
        return compact(value) or nt

    parts = [f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items()]
    for subject, predicates in _grouped(_ordered(triples)):
        predicates.sort(key=lambda entry: entry[0] != RDF_TYPE)
        statements = []
        for predicate, objects in predicates:
            verb = "a" if predicate == RDF_TYPE else compact(predicate) or f"<{predicate}>"
            statements.append(f"    {verb} " + ", ".join(term(nt, o) for nt, o in objects))
        parts.append(f"\n<{subject}>\n" + " ;\n".join(statements) + " .\n")
    return "".join(parts)


def jsonld_context() -> dict[str, str]:
    """The project's own JSON-LD context: the prefixes, inline, so no network is needed."""
    return dict(PREFIXES)


def to_jsonld(triples: Iterable[Triple] | Rows) -> str:
    """Compacted JSON-LD: one node object per line in `@graph`, sorted by `@id`.

    One node per line keeps diffs readable and lets json's C encoder do the work.
    """
    compact = _Compactor()

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
            return {"@value": lexical, "@type": compact(datatype) or datatype}
        return {"@id": str(term)}

    lines = []
    for subject, predicates in _grouped(_ordered(triples)):
        node: dict[str, Any] = {"@id": str(subject)}
        for predicate, objects in predicates:
            if predicate == RDF_TYPE:
                types = [compact(str(o)) or str(o) for _, o in objects]
                node["@type"] = types[0] if len(types) == 1 else types
                continue
            values = [value(o) for _, o in objects]
            node[compact(predicate) or predicate] = values[0] if len(values) == 1 else values
        lines.append(json.dumps(node, ensure_ascii=False, sort_keys=True))
    context = json.dumps(jsonld_context(), ensure_ascii=False, indent=1, sort_keys=True)
    return '{"@context": ' + context + ',\n"@graph": [\n' + ",\n".join(lines) + "\n]}\n"


FORMATS = {
    "ttl": to_turtle,
    "jsonld": to_jsonld,
    "nt": to_ntriples,
}


def write_files(contents: Mapping[Path, str]) -> None:
    """Write every file to a temporary name, then rename them all.

    A failure while writing leaves every previous output untouched, and an interrupted build
    never leaves a truncated file under a final name (os.replace is atomic on POSIX).
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in contents.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            staged.append((temporary, path))
        for temporary, path in staged:
            os.replace(temporary, path)
    except OSError as error:
        raise KgError(f"cannot write {error.filename or 'output'}: {error.strerror}") from None
    finally:
        for temporary, _ in staged:
            if temporary.exists():
                temporary.unlink()


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Replace one file with `data`, exactly these bytes, through a temporary file and a rename.

    For files kg edits rather than generates (`kg embed --into PAGE.html`): no newline or
    encoding translation, so bytes kg does not own stay as they were, and the file keeps its
    permissions. A reader sees the old page or the new one, never half of either.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except OSError as error:
        raise KgError(f"cannot write {error.filename or path}: {error.strerror}") from None
    finally:
        if temporary.exists():
            temporary.unlink()
