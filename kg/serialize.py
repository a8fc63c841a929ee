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
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.errors import KgError
from kg.vocab import PREFIXES, RDF, XSD

__all__ = [
    "FORMATS",
    "jsonld_context",
    "to_jsonld",
    "to_ntriples",
    "to_turtle",
    "write_bytes_atomically",
    "write_files",
]

Triple = tuple[URIRef, URIRef, Node]
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


def _escape(text: str) -> str:
    return _NEEDS_ESCAPE.sub(
        lambda match: _ESCAPES.get(match.group(), f"\\u{ord(match.group()):04X}"), text
    )


def _sort_key(term: Node) -> tuple[int, str, str, str]:
    if isinstance(term, Literal):
        return (1, str(term), str(term.datatype or ""), term.language or "")
    return (0, str(term), "", "")


def _sorted(triples: Iterable[Triple]) -> list[Triple]:
    return sorted(triples, key=lambda t: (str(t[0]), str(t[1]), _sort_key(t[2])))


def _nt_term(term: Node) -> str:
    if isinstance(term, Literal):
        text = f'"{_escape(str(term))}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    return f"<{term}>"


def to_ntriples(triples: Iterable[Triple]) -> str:
    """One sorted line per triple."""
    return "".join(f"<{s}> <{p}> {_nt_term(o)} .\n" for s, p, o in _sorted(triples))


def _compact(iri: str) -> str | None:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if LOCAL_NAME.fullmatch(local):
                return f"{prefix}:{local}"
    return None


def _ttl_term(term: Node) -> str:
    if isinstance(term, Literal):
        if term.datatype == XSD.integer and INTEGER.fullmatch(str(term)):
            return str(term)
        if term.datatype == XSD.boolean and str(term) in ("true", "false"):
            return str(term)
        text = f'"{_escape(str(term))}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{_compact(str(term.datatype)) or f'<{term.datatype}>'}"
        return text
    return _compact(str(term)) or f"<{term}>"


def _by_subject(triples: Iterable[Triple]) -> dict[URIRef, dict[URIRef, list[Node]]]:
    subjects: dict[URIRef, dict[URIRef, list[Node]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in _sorted(triples):
        subjects[s][p].append(o)
    return subjects


def to_turtle(triples: Iterable[Triple]) -> str:
    """Turtle grouped by subject, `a` first, everything sorted."""
    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in PREFIXES.items()]
    for subject, predicates in _by_subject(triples).items():
        lines.append("")
        statements = []
        ordered = sorted(predicates, key=lambda p: (p != RDF.type, str(p)))
        for predicate in ordered:
            verb = "a" if predicate == RDF.type else _ttl_term(predicate)
            objects = ", ".join(_ttl_term(o) for o in predicates[predicate])
            statements.append(f"    {verb} {objects}")
        lines.append(f"<{subject}>\n" + " ;\n".join(statements) + " .")
    return "\n".join(lines) + "\n"


def jsonld_context() -> dict[str, str]:
    """The project's own JSON-LD context: the prefixes, inline, so no network is needed."""
    return dict(PREFIXES)


def _jsonld_value(term: Node) -> Any:
    if isinstance(term, Literal):
        datatype = term.datatype
        if term.language:
            return {"@value": str(term), "@language": term.language}
        if datatype is None or datatype == XSD.string:
            return str(term)
        if datatype == XSD.integer and INTEGER.fullmatch(str(term)):
            return int(str(term))
        if datatype == XSD.boolean and str(term) in ("true", "false"):
            return str(term) == "true"
        return {"@value": str(term), "@type": _compact(str(datatype)) or str(datatype)}
    return {"@id": str(term)}


def to_jsonld(triples: Iterable[Triple]) -> str:
    """Compacted JSON-LD: one node object per subject in `@graph`, sorted by `@id`."""
    nodes = []
    for subject, predicates in _by_subject(triples).items():
        node: dict[str, Any] = {"@id": str(subject)}
        for predicate, objects in predicates.items():
            if predicate == RDF.type:
                types = [_compact(str(o)) or str(o) for o in objects]
                node["@type"] = types[0] if len(types) == 1 else types
                continue
            values = [_jsonld_value(o) for o in objects]
            node[_compact(str(predicate)) or str(predicate)] = (
                values[0] if len(values) == 1 else values
            )
        nodes.append(node)
    document = {"@context": jsonld_context(), "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


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
