"""Serialization: N-Triples, Turtle and JSON-LD, deterministic and written atomically.

kg writes these three formats itself instead of through rdflib's serializers: the same triples
always give byte-identical files (sorted subjects, predicates and objects), so `git diff` of an
export is meaningful, and the writers are linear and fast (rdflib's Turtle writer needs minutes
for an institute's graph, DESIGN.md §9). The tests prove the output with rdflib, pyoxigraph and
pyld: all three read the three files as one graph.

How the writers stay fast: `Rows` groups the triples by subject once, sorting only subject keys
and each subject's few (predicate, object) pairs; every distinct object is rendered once per
format (objects repeat heavily: people, classes, dates); and every distinct signature (a
subject's predicates, one per object) gets a `str.format` template, with its verbs, JSON keys
and member order, made once. A subject is then one `format` call: no Python code runs per
triple. `iter_ntriples`, `iter_turtle` and `iter_jsonld` yield the output in chunks, so a file
is written without ever holding all of it: `write_files` and `StagedFiles` take those chunks.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from functools import cached_property
from json.encoder import encode_basestring
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from kg.bulk import in_memory_order, paused_gc
from kg.errors import KgError
from kg.terms import XSD_BOOLEAN, XSD_INTEGER, Literal, Term, Triple
from kg.vocab import PREFIXES, RDF

__all__ = [
    "FORMATS",
    "STREAMS",
    "Rows",
    "StagedFiles",
    "escape_string",
    "iter_jsonld",
    "iter_ntriples",
    "iter_turtle",
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
# Subjects per chunk yielded by the iter_* writers: a few hundred kilobytes of text.
CHUNK_SUBJECTS = 2048


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


# One subject: its IRI, the predicate of each of its objects (repeated for several objects; one
# tuple shared by every subject with the same predicates and counts), and the N-Triples forms
# of the objects, aligned with the predicates; sorted by predicate, then object.
Subject = tuple[str, tuple[str, ...], tuple[str, ...]]
_K = TypeVar("_K")
_V = TypeVar("_V")


class _NTriplesForms(dict[Term, str]):
    """Each distinct term's N-Triples form, made on first use."""

    def __missing__(self, term: Term) -> str:
        form = self[term] = _nt_term(term)
        return form


def _exact_subject(entry: Subject) -> str:
    return str(entry[0])


class Rows:
    """Triples sorted once, for writing several formats of the same graph.

    The canonical order is subject, predicate, then the object's N-Triples form. `rows` is
    that order as (subject, predicate, object N-Triples, object) rows, made on first use; the
    writers read `subjects`, one `Subject` entry per subject, and `terms`, the term of each
    object's N-Triples form. `len(rows)` counts triples without making the rows.
    """

    def __init__(self, triples: Iterable[Triple]) -> None:
        with paused_gc():  # nothing built here can be part of a cycle
            self._build(triples)

    def _build(self, triples: Iterable[Triple]) -> None:
        by_subject: defaultdict[str, list[Triple]] = defaultdict(list)
        for triple in in_memory_order(triples):  # see kg.bulk: a set comes in hash order
            by_subject[triple[0]].append(triple)
        nt_of = _NTriplesForms()
        nt = nt_of.__getitem__
        predicate_of, object_of = itemgetter(1), itemgetter(2)
        signatures: dict[tuple[str, ...], tuple[str, ...]] = {}
        shared = signatures.setdefault
        subjects: list[Subject] = []
        append = subjects.append
        count = 0
        # Subjects in the order they were made, then sorted: their triples and terms sit
        # together in memory in that order (at 100k, 10.0 s instead of 11.5 s in IRI order).
        for subject, group in by_subject.items():
            count += len(group)
            pairs = sorted(
                zip(map(predicate_of, group), map(nt, map(object_of, group)), strict=True)
            )
            signature, objects = zip(*pairs, strict=True)
            append((subject, shared(signature, signature), objects))
        del by_subject
        subjects.sort(key=_exact_subject)  # exact str keys compare fastest
        self.subjects = subjects
        self.count = count
        # Distinct terms with one N-Triples form (a literal's datatype beside a language tag)
        # are written identically by every writer, so any one of them stands for the form.
        self.terms: dict[str, Term] = {form: term for term, form in nt_of.items()}

    def __len__(self) -> int:
        return self.count

    @cached_property
    def position(self) -> dict[str, int]:
        """Each subject's index in `subjects`, made on first use (and before forking, so
        that every process reads one copy)."""
        return {entry[0]: index for index, entry in enumerate(self.subjects)}

    @cached_property
    def rows(self) -> list[Row]:
        """(subject, predicate, object N-Triples, object) in canonical order, made on first
        use (a tuple per triple: the writers do without)."""
        return list(self)

    def __iter__(self) -> Iterator[Row]:
        terms = self.terms
        for subject, signature, objects in self.subjects:
            for predicate, nt in zip(signature, objects, strict=True):
                yield subject, predicate, nt, terms[nt]


def rows(triples: Iterable[Triple]) -> list[Row]:
    """Triples in the canonical order: subject, predicate, then the object's N-Triples form."""
    return list(Rows(triples))


def _ordered(triples: Iterable[Triple] | Rows) -> Rows:
    return triples if isinstance(triples, Rows) else Rows(triples)


def ntriples_unsorted(triples: Iterable[Triple]) -> str:
    """N-Triples in no particular order: for loading into a store, where order is moot."""
    nt = _NTriplesForms().__getitem__
    return "".join([f"<{s}> <{p}> {nt(o)} .\n" for s, p, o in triples])


def _braced(text: str) -> str:
    """`text` as literal text in a `str.format` template."""
    return text.replace("{", "{{").replace("}", "}}")


def _runs(signature: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(predicate, start, end) of each predicate's objects in a subject's objects."""
    runs: list[tuple[str, int, int]] = []
    for index, predicate in enumerate(signature):
        if runs and runs[-1][0] == predicate:
            runs[-1] = (predicate, runs[-1][1], index + 1)
        else:
            runs.append((predicate, index, index + 1))
    return runs


class _Made(dict[_K, _V]):
    """A dict that makes each missing value on first use, with `make(key)`."""

    def __init__(self, make: Callable[[_K], _V]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: _K) -> _V:
        value = self[key] = self.make(key)
        return value


def _chunked(rows: Rows, render: Callable[[list[Subject]], str]) -> Iterator[str]:
    subjects = rows.subjects
    for start in range(0, len(subjects), CHUNK_SUBJECTS):
        yield render(subjects[start : start + CHUNK_SUBJECTS])


def ntriples_renderer(only: Set[str] | None = None) -> Callable[[Sequence[Subject]], str]:
    """A function that writes subjects (as `Rows.subjects` holds them) as N-Triples lines,
    from one `str.format` template per predicate signature, made on first use; with `only`,
    just the triples of those predicates (the template leaves the others out: no cost)."""

    def template(signature: tuple[str, ...]) -> str:
        return "".join(
            f"<{{0}}> {_braced(f'<{predicate}>')} {{{index}}} .\n"
            for index, predicate in enumerate(signature, start=1)
            if only is None or predicate in only
        )

    template_of = _Made(template).__getitem__

    def render(subjects: Sequence[Subject]) -> str:
        return "".join(
            [template_of(signature).format(s, *objects) for s, signature, objects in subjects]
        )

    return render


def iter_ntriples(triples: Iterable[Triple] | Rows) -> Iterator[str]:
    """`to_ntriples` in chunks, for writing to a file without holding the whole text."""
    return _chunked(_ordered(triples), ntriples_renderer())


def to_ntriples(triples: Iterable[Triple] | Rows) -> str:
    """One sorted line per triple."""
    return "".join(iter_ntriples(triples))


class _Compactor:
    """Prefixed names for vocabulary IRIs, remembered: predicates and classes repeat a lot."""

    def __init__(self) -> None:
        self.known: dict[str, str | None] = {}
        # A local name has no "/" or "#": when every namespace ends in one, the only one that
        # can fit an IRI ends at its last "/" or "#".
        self.by_namespace: dict[str, str] | None = {}
        for prefix, namespace in PREFIXES.items():
            if not namespace.endswith(("/", "#")):
                self.by_namespace = None
                break
            self.by_namespace.setdefault(namespace, prefix)

    def __call__(self, iri: str) -> str | None:
        if iri in self.known:
            return self.known[iri]
        found = None
        if self.by_namespace is not None:
            cut = max(iri.rfind("/"), iri.rfind("#")) + 1
            prefix = self.by_namespace.get(iri[:cut])
            if prefix is not None and LOCAL_NAME.fullmatch(iri[cut:]):
                found = f"{prefix}:{iri[cut:]}"
        else:
            for prefix, namespace in PREFIXES.items():
                if iri.startswith(namespace) and LOCAL_NAME.fullmatch(iri[len(namespace) :]):
                    found = f"{prefix}:{iri[len(namespace) :]}"
                    break
        self.known[iri] = found
        return found


class _Forms(dict[str, str]):
    """An object's form in one format, made from its N-Triples form on first use."""

    def __init__(self, terms: Mapping[str, Term], make: Callable[[str, Term], str]) -> None:
        super().__init__()
        self.terms = terms
        self.make = make

    def __missing__(self, nt: str) -> str:
        form = self[nt] = self.make(nt, self.terms[nt])
        return form


def iter_turtle(triples: Iterable[Triple] | Rows) -> Iterator[str]:
    """`to_turtle` in chunks, for writing to a file without holding the whole text."""
    rows = _ordered(triples)
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

    def template(signature: tuple[str, ...]) -> str:
        statements = []
        for predicate, start, end in _runs(signature):
            verb = "a" if predicate == RDF_TYPE else compact(predicate) or f"<{predicate}>"
            objects = ", ".join(f"{{{index}}}" for index in range(start + 1, end + 1))
            statements.append((predicate != RDF_TYPE, f"    {_braced(verb)} {objects}"))
        statements.sort(key=lambda statement: statement[0])  # stable: `a` first
        return "\n<{0}>\n" + " ;\n".join(text for _, text in statements) + " .\n"

    template_of = _Made(template).__getitem__
    forms: dict[str, str] = {}  # every object's form, made up front: no call per lookup
    for nt, value in rows.terms.items():
        if isinstance(value, Literal):
            forms[nt] = nt if value[1] is None else term(nt, value)
        else:
            forms[nt] = compact(value) or nt
    form = forms.__getitem__

    def render(subjects: list[Subject]) -> str:
        return "".join(
            [
                template_of(signature).format(s, *map(form, objects))
                for s, signature, objects in subjects
            ]
        )

    yield "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())
    yield from _chunked(rows, render)


def to_turtle(triples: Iterable[Triple] | Rows) -> str:
    """Turtle grouped by subject, `a` first, everything sorted."""
    return "".join(iter_turtle(triples))


def jsonld_context() -> dict[str, str]:
    """The project's own JSON-LD context: the prefixes, inline, so no network is needed."""
    return dict(PREFIXES)


def iter_jsonld(triples: Iterable[Triple] | Rows) -> Iterator[str]:
    """`to_jsonld` in chunks, for writing to a file without holding the whole text.

    Each node is the text `json.dumps(node, ensure_ascii=False, sort_keys=True)` gives, put
    together from json's own string encoder and per-object fragments made once.
    """
    rows = _ordered(triples)
    compact = _Compactor()

    def value(nt: str, term: Term) -> str:
        if isinstance(term, Literal):
            lexical, datatype, language = term
            if language:
                tag, text = encode_basestring(language), encode_basestring(lexical)
                return f'{{"@language": {tag}, "@value": {text}}}'
            if datatype is None:
                return encode_basestring(lexical)
            if datatype == XSD_INTEGER and INTEGER.fullmatch(lexical):
                return str(int(lexical))
            if datatype == XSD_BOOLEAN and lexical in ("true", "false"):
                return lexical
            short = encode_basestring(compact(datatype) or datatype)
            return f'{{"@type": {short}, "@value": {encode_basestring(lexical)}}}'
        return f'{{"@id": {encode_basestring(term)}}}'

    def type_value(nt: str, term: Term) -> str:
        return encode_basestring(compact(str(term)) or str(term))

    # Arguments of a node's template: {0} the subject, {1}… each object's value form, then
    # the type form of each object of rdf:type (objects[start:end], a run of the sorted ones).
    def template(signature: tuple[str, ...]) -> tuple[str, int, int]:
        members = [("@id", '"@id": {0}')]
        types = (0, 0)
        for predicate, start, end in _runs(signature):
            if predicate == RDF_TYPE:
                key, first = "@type", len(signature) + 1
                types = (start, end)
            else:
                key, first = compact(predicate) or predicate, start + 1
            fields = [f"{{{first + offset}}}" for offset in range(end - start)]
            text = fields[0] if len(fields) == 1 else "[" + ", ".join(fields) + "]"
            members.append((key, f"{_braced(encode_basestring(key))}: {text}"))
        members.sort(key=lambda member: member[0])
        return "{{" + ", ".join(text for _, text in members) + "}}", *types

    template_of = _Made(template).__getitem__
    values: dict[str, str] = {}  # every object's value form, made up front
    for nt, term in rows.terms.items():
        if not isinstance(term, Literal):
            values[nt] = '{"@id": ' + encode_basestring(term) + "}"
        elif term[1] is None and not term[2]:
            values[nt] = encode_basestring(term[0])
        else:
            values[nt] = value(nt, term)
    value_of = values.__getitem__
    type_of = _Forms(rows.terms, type_value).__getitem__

    def render(subjects: list[Subject]) -> str:
        return ",\n".join(
            [
                text.format(
                    encode_basestring(s), *map(value_of, objects), *map(type_of, objects[start:end])
                )
                for s, signature, objects in subjects
                for text, start, end in [template_of(signature)]
            ]
        )

    context = json.dumps(jsonld_context(), ensure_ascii=False, indent=1, sort_keys=True)
    yield '{"@context": ' + context + ',\n"@graph": [\n'
    separator = ""
    for chunk in _chunked(rows, render):
        yield separator + chunk
        separator = ",\n"
    yield "\n]}\n"


def to_jsonld(triples: Iterable[Triple] | Rows) -> str:
    """Compacted JSON-LD: one node object per line in `@graph`, sorted by `@id`.

    One node per line keeps diffs readable; the nodes are what json's encoder writes.
    """
    return "".join(iter_jsonld(triples))


FORMATS: dict[str, Callable[[Iterable[Triple] | Rows], str]] = {
    "ttl": to_turtle,
    "jsonld": to_jsonld,
    "nt": to_ntriples,
}
# The same writers in chunks: `write_files({path: STREAMS[extension](rows)})` writes a file
# without ever holding its whole text.
STREAMS: dict[str, Callable[[Iterable[Triple] | Rows], Iterator[str]]] = {
    "ttl": iter_turtle,
    "jsonld": iter_jsonld,
    "nt": iter_ntriples,
}

Content = str | Iterable[str]


def _write_error(error: OSError, path: Path | str = "output") -> KgError:
    return KgError(f"cannot write {error.filename or path}: {error.strerror}")


class StagedFiles:
    """Files written under temporary names beside their final ones, then renamed all at once.

    `write` stages one file (text or an iterable of chunks, UTF-8, fsynced) and returns its
    temporary name; `commit` renames every staged file into place; leaving the `with` block
    without committing, or an error, removes what was staged, so previous outputs stay
    untouched. A file staged by another process (a forked writer) joins with `adopt`.
    """

    def __init__(self) -> None:
        self.staged: list[tuple[Path, Path]] = []

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.discard()

    def write(self, path: Path, content: Content) -> Path:
        """Write `content` to a temporary sibling of `path`; raises `KgError` on failure."""
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.staged.append((temporary, path))
            with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
                if isinstance(content, str):
                    handle.write(content)
                else:
                    for chunk in content:
                        handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise _write_error(error) from None
        return temporary

    def adopt(self, temporary: Path, path: Path) -> None:
        """Take over a file another process staged at `temporary` for `path`."""
        self.staged.append((temporary, path))

    def commit(self) -> None:
        """Rename every staged file to its final name."""
        try:
            for temporary, path in self.staged:
                os.replace(temporary, path)
        except OSError as error:
            raise _write_error(error) from None
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove every staged file not yet renamed."""
        staged, self.staged = self.staged, []
        for temporary, _ in staged:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def write_files(contents: Mapping[Path, Content]) -> None:
    """Write every file to a temporary name, then rename them all.

    A file's content is its text or an iterable of chunks (`STREAMS`), written as it comes.
    A failure while writing leaves every previous output untouched, and an interrupted build
    never leaves a truncated file under a final name (os.replace is atomic on POSIX).
    """
    with StagedFiles() as files:
        for path, content in contents.items():
            files.write(path, content)
        files.commit()


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
