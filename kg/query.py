"""The bundled SPARQL queries, run on the local graph or on any SPARQL 1.1 endpoint.

A query is a `.rq` file whose leading `#+ ` lines are YAML metadata (grlc style): `summary`,
`params` (each with `name`, `type` and `default`) and `columns`. Parameter values become RDF
terms and never query text: a `VALUES` block at the start of the WHERE group, with every
literal escaped (locally on Oxigraph and remotely alike; `initBindings` on an rdflib graph
with `run_local`), so a value that tries to break out of its literal is only a strange value.

Both ways give the same rows when a parameter's variable is used in the query's outermost
WHERE group (triple patterns, FILTER, BIND, EXISTS), not inside a sub-SELECT, where the
`VALUES` block would not reach it. Every bundled query follows this rule and orders its rows
totally (text through STR(), which Virtuoso 7 needs to compare long literals in full), and the
tests compare each one on rdflib, on an Oxigraph server and on Virtuoso.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import difflib
import io
import itertools
import json
import os
import re
import urllib.error
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query as PreparedQuery
from rdflib.term import Identifier, Node
from rdflib.util import guess_format

from kg import terms
from kg.errors import KgError, QueryError
from kg.resources import query_file, query_files
from kg.serialize import escape_string, to_turtle
from kg.vocab import PREFIXES

# Looked up once: each attribute access on rdflib's XSD namespace costs a membership scan.
XSD_STRING = URIRef(XSD.string)
XSD_STRING_IRI = str(XSD_STRING)

__all__ = [
    "FORMATS",
    "PARAM_TYPES",
    "Param",
    "Query",
    "QueryResult",
    "bind",
    "bundled",
    "catalogue",
    "format_catalogue",
    "format_result",
    "load",
    "local_graph",
    "parse",
    "parse_assignments",
    "readme_table",
    "run",
    "run_local",
    "run_remote",
    "with_values",
]

PARAM_TYPES = ("string", "integer", "year", "iri")
FORMATS = ("table", "csv", "tsv", "json", "turtle")
DEFAULT_TIMEOUT = 60
TABLE_CELL_WIDTH = 60

HEADER_KEYS = {"summary", "params", "columns"}
PARAM_KEYS = {"name", "type", "default"}
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
INTEGER = re.compile(r"^[+-]?[0-9]{1,18}$")
YEAR = re.compile(r"^[0-9]{4}$")
# An absolute IRI that can be written between < and > (SPARQL 1.1 IRIREF, §19.8).
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*$")
IRIREF = re.compile(r"<[^\x00-\x20<>\"{}|^`\\]*>")
FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
VARIABLE = re.compile(r"[?$]([A-Za-z0-9_]+)")
WORD = re.compile(r"[A-Za-z0-9_:.-]+")
# SPARQLWrapper's exception for each HTTP status it recognises, as a user reads it.
REFUSALS = {
    "QueryBadFormed": "rejected the query (HTTP 400)",
    "Unauthorized": "refused access (HTTP 401)",
    "EndPointNotFound": "is not a SPARQL query endpoint (HTTP 404)",
    "URITooLong": "found the request too long (HTTP 414)",
    "EndPointInternalError": "failed on the query (HTTP 500)",
}


@dataclass(frozen=True)
class Param:
    """A declared parameter: its variable is `?name`, its value an RDF term of `type`."""

    name: str
    type: str = "string"
    default: str | None = None

    def term(self, value: str) -> Identifier:
        """The RDF term for a value given as text; a value of the wrong type is a usage error."""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise QueryError(f"parameter '{self.name}' is not valid UTF-8 text") from None
        if self.type == "string":
            return Literal(value)
        if self.type == "integer" and INTEGER.match(value):
            return Literal(int(value))
        if self.type == "year" and YEAR.match(value):
            return Literal(int(value))
        if self.type == "iri" and IRI.match(value):
            return URIRef(value)
        expected = {
            "integer": "an integer",
            "year": "a year of four digits",
            "iri": "an absolute IRI such as https://example.org/x",
        }[self.type]
        raise QueryError(f"parameter '{self.name}' must be {expected}, not {value!r}")


@dataclass(frozen=True)
class Query:
    """A SPARQL query with its header: what it answers, its parameters and result columns."""

    name: str
    text: str
    summary: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    form: str = "SELECT"
    source: str = ""

    @property
    def prepared(self) -> PreparedQuery:
        """rdflib's parse of the query; a malformed query raises `QueryError` (exit 2)."""
        return _prepare(self.text, self.source or self.name)

    def check(self) -> None:
        """Parse the query, so a malformed one fails before any data is loaded or sent."""
        _prepare(self.text, self.source or self.name)


@dataclass
class QueryResult:
    """Rows of RDF terms (SELECT), a graph (CONSTRUCT, DESCRIBE) or a boolean (ASK)."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    graph: Graph | None = None
    boolean: bool | None = None


# --- reading queries -----------------------------------------------------------------------


def parse(text: str, name: str, source: str = "") -> Query:
    """A query from its text, its header read and checked.

    The SPARQL itself is parsed (by rdflib) only when the query runs, so listing the bundled
    queries stays fast; `Query.prepared` raises `QueryError` for a malformed query.
    """
    source = source or name
    header_lines = []
    for line in text.splitlines():
        if line == "#+" or line.startswith("#+ "):
            header_lines.append(line[3:])
        else:
            break
    try:
        header = _header(header_lines)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise QueryError(f"{source}{line}: the #+ header is not valid YAML: {problem}") from None
    if header is None:
        header = {}
    if not isinstance(header, dict):
        raise QueryError(f"{source}: the #+ header must be a mapping (summary, params, columns)")
    unknown = sorted(set(header) - HEADER_KEYS)
    if unknown:
        raise QueryError(f"{source}: unknown header key {unknown[0]!r}; use {_one_of(HEADER_KEYS)}")
    summary = header.get("summary", "")
    if not isinstance(summary, str):
        raise QueryError(f"{source}: summary must be one line of text")
    columns = header.get("columns") or []
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise QueryError(f"{source}: columns must be a list of variable names")
    tokens = _tokens(text)
    form = next((kind for kind, _, depth in tokens if depth == 0 and kind in FORMS), None)
    if form is None:
        raise QueryError(f"{source}: not a SPARQL query: no SELECT, CONSTRUCT, ASK or DESCRIBE")
    params = _params(header.get("params") or [], source)
    used = {kind[1:] for kind, _, _ in tokens if kind.startswith("?")}
    for param in params:
        if param.name not in used:
            raise QueryError(f"{source}: parameter '{param.name}' is not used as ?{param.name}")
    return Query(name, text, summary.strip(), params, tuple(columns), form, source)


def _params(entries: object, source: str) -> tuple[Param, ...]:
    if not isinstance(entries, list):
        raise QueryError(f"{source}: params must be a list of {{name, type, default}}")
    params: list[Param] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise QueryError(f"{source}: each parameter needs a name: {{name, type, default}}")
        name = entry["name"]
        unknown = sorted(set(entry) - PARAM_KEYS)
        if unknown:
            raise QueryError(f"{source}: parameter '{name}': unknown key {unknown[0]!r}")
        if not NAME.match(name) or any(param.name == name for param in params):
            raise QueryError(f"{source}: parameter name {name!r} is not a new variable name")
        kind = entry.get("type", "string")
        if kind not in PARAM_TYPES:
            raise QueryError(
                f"{source}: parameter '{name}': type {kind!r} is not {_one_of(PARAM_TYPES)}"
            )
        default = entry.get("default")
        param = Param(name, kind, None if default is None else str(default))
        if param.default is not None:
            try:
                param.term(param.default)
            except QueryError as error:
                raise QueryError(f"{source}: default of {error}") from None
        params.append(param)
    return tuple(params)


@lru_cache(maxsize=64)
def _prepare(text: str, source: str) -> PreparedQuery:
    """rdflib's parse of the query, cached: parsing is a good part of a local run's time."""
    try:
        return prepareQuery(text)
    except Exception as error:  # pyparsing and rdflib raise several unrelated types
        message = " ".join(str(error).split())
        raise QueryError(f"{source}: not a valid SPARQL 1.1 query: {message}") from None


def bundled() -> list[Query]:
    """The queries shipped with kg, by name."""
    return [
        parse(entry.read_text(encoding="utf-8"), entry.name.removesuffix(".rq"), entry.name)
        for entry in query_files()
    ]


def load(name_or_file: str | Path) -> Query:
    """A bundled query by name, or a query file (any path, or a name ending in `.rq`)."""
    given = str(name_or_file)
    path = Path(name_or_file)
    # A path is read without listing the bundled queries: in a fresh process, listing that
    # folder cost more than the rest of a millisecond query's own work.
    named = not given.endswith(".rq") and "/" not in given and os.sep not in given
    if named and (entry := query_file(given)) is not None:  # parse the one asked for
        return parse(entry.read_text(encoding="utf-8"), given, entry.name)
    if not named or path.is_file():
        try:
            text = path.read_text(encoding="utf-8-sig")  # editors may add a byte-order mark
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise QueryError(f"cannot read query file {path}: {reason}") from None
        return parse(text, path.stem, str(path))
    names = [entry.name.removesuffix(".rq") for entry in query_files()]
    hint = difflib.get_close_matches(given, names, n=1)
    suggestion = f"did you mean '{hint[0]}'? " if hint else ""
    raise QueryError(
        f"unknown query '{given}'; {suggestion}`kg query list` shows the bundled queries"
    )


def catalogue() -> list[dict[str, Any]]:
    """The bundled queries as `kg query list --format json` prints them."""
    return [
        {
            "name": query.name,
            "summary": query.summary,
            "params": [
                {"name": param.name, "type": param.type, "default": param.default}
                for param in query.params
            ],
            "columns": list(query.columns),
        }
        for query in bundled()
    ]


def format_catalogue(fmt: str = "text") -> str:
    """The bundled queries for `kg query list`: JSON, or a name, parameters and summary each."""
    entries = catalogue()
    if fmt == "json":
        return json.dumps(entries, indent=2, ensure_ascii=False) + "\n"
    lines = []
    for query in bundled():
        params = " ".join(f"[{param.name}={_shown(param.default)}]" for param in query.params)
        lines += [f"{query.name} {params}".rstrip(), f"    {query.summary}"]
    return "\n".join(lines) + "\n"


def readme_table() -> str:
    """The README's table of bundled queries, rendered from their headers."""
    lines = ["| query | what it answers | parameters |", "|---|---|---|"]
    for query in bundled():
        params = ", ".join(
            f"`{param.name}` ({param.type}, default `{_shown(param.default)}`)"
            if param.default is not None
            else f"`{param.name}` ({param.type}, required)"
            for param in query.params
        )
        summary = query.summary.replace("|", "\\|")
        lines.append(f"| `{query.name}` | {summary} | {params or '—'} |")
    return "\n".join(lines) + "\n"


def _shown(default: str | None) -> str:
    return '""' if default == "" else str(default)


# --- parameters -----------------------------------------------------------------------------


def bind(query: Query, values: Mapping[str, str]) -> dict[str, Identifier]:
    """Each parameter's RDF term: the value given, else its default. Usage errors otherwise."""
    declared = {param.name: param for param in query.params}
    for name in values:
        if name not in declared:
            takes = f"it takes {', '.join(declared)}" if declared else "it takes no parameters"
            raise QueryError(f"unknown parameter '{name}' for query {query.name}; {takes}")
    bindings: dict[str, Identifier] = {}
    for name, param in declared.items():
        value = values.get(name, param.default)
        if value is None:
            raise QueryError(f"query {query.name} needs --param {name}=VALUE ({param.type})")
        bindings[name] = param.term(value)
    return bindings


def parse_assignments(assignments: Sequence[str]) -> dict[str, str]:
    """`--param K=V` options as a mapping; a value may contain any character, even `=`."""
    values: dict[str, str] = {}
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        if not equals or not name:
            raise QueryError(f"--param takes NAME=VALUE, not {assignment!r}")
        if name in values:
            raise QueryError(f"--param {name} is given twice")
        values[name] = value
    return values


def with_values(query: Query, bindings: Mapping[str, Identifier]) -> str:
    """The query text with a `VALUES` block binding the parameters, for a remote endpoint.

    The block opens the WHERE group, so it is joined before any GROUP BY, aggregate or
    solution modifier (a trailing VALUES clause would come after them, SPARQL 1.1 §18.2.4).
    The short form `CONSTRUCT WHERE { T }` is first written out as `CONSTRUCT { T } WHERE { T }`.
    """
    if not bindings:
        return query.text
    names = sorted(bindings)
    row = " ".join(_sparql_term(bindings[name]) for name in names)
    block = f"VALUES ({' '.join('?' + name for name in names)}) {{ ({row}) }}"
    text = query.text
    opening, where = _where_group(text)
    if where is not None:  # the short form: its pattern is also its template
        closing = _closing_brace(text, opening)
        text = f"{text[:where]}{text[opening : closing + 1]}\n{text[where:]}"
        opening, _ = _where_group(text)
    return f"{text[: opening + 1]}\n  {block}\n{text[opening + 1 :]}"


def _quoted(text: str) -> str:
    """A SPARQL string literal: every quote, backslash and control character escaped (the
    N-Triples escapes kg writes its exports with are valid SPARQL escapes too)."""
    return f'"{escape_string(text)}"'


def _sparql_term(term: Node) -> str:
    if isinstance(term, URIRef):
        if not IRI.match(str(term)):
            raise QueryError(f"{str(term)!r} cannot be written as an IRI")
        return f"<{term}>"
    if isinstance(term, Literal):
        if term.language:
            return f"{_quoted(str(term))}@{term.language}"
        if term.datatype is not None and term.datatype != XSD_STRING:
            return f"{_quoted(str(term))}^^{_sparql_term(term.datatype)}"
        return _quoted(str(term))
    raise QueryError(f"a parameter must be an IRI or a literal, not {term!r}")


@lru_cache(maxsize=32)
def _tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    """The query's structure: (kind, position, depth) for keywords, braces and variables.

    A small lexer (SPARQL 1.1 §19.8) that skips comments, strings and IRIs, so braces and words
    inside them are never mistaken for the query's own; depth counts enclosing braces and
    parentheses. Kept for the last few texts: reading a query and binding its parameters ask
    for the same text's tokens four times.
    """
    tokens: list[tuple[str, int, int]] = []
    depth = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "#":
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
        elif char in "'\"":
            index = _string_end(text, index)
            continue
        elif char == "<" and (match := IRIREF.match(text, index)):
            index = match.end()
            continue
        elif char in "{(":
            tokens.append((char, index, depth))
            depth += 1
        elif char in "})":
            depth -= 1
            tokens.append((char, index, depth))
        elif char in "?$" and (match := VARIABLE.match(text, index)):
            tokens.append(("?" + match.group(1), index, depth))
            index = match.end()
            continue
        elif char.isalpha() or char == "_":
            match = WORD.match(text, index)
            assert match is not None  # the character itself matches
            tokens.append((match.group().upper(), index, depth))
            index = match.end()
            continue
        index += 1
    return tuple(tokens)


def _string_end(text: str, start: int) -> int:
    quote = text[start]
    long_quote = text.startswith(quote * 3, start)
    index = start + (3 if long_quote else 1)
    while index < len(text):
        if text[index] == "\\":
            index += 2
        elif long_quote and text.startswith(quote * 3, index):
            return index + 3
        elif not long_quote and text[index] == quote:
            return index + 1
        else:
            index += 1
    return index


def _where_group(text: str) -> tuple[int, int | None]:
    """Where the WHERE group opens; for `CONSTRUCT WHERE {…}` also where the keyword is."""
    top = [(kind, position) for kind, position, depth in _tokens(text) if depth == 0]
    kinds = [kind for kind, _ in top]
    form = next((kind for kind in kinds if kind in FORMS), "SELECT")
    after_form = kinds[kinds.index(form) + 1 : kinds.index(form) + 2] if form in kinds else []
    if "WHERE" in kinds:
        where = kinds.index("WHERE")
        braces = [position for kind, position in top[where:] if kind == "{"]
        keyword = top[where][1] if form == "CONSTRUCT" and after_form == ["WHERE"] else None
    else:
        braces = [position for kind, position in top if kind == "{"]
        # CONSTRUCT { template } { pattern }: the pattern is the second group.
        braces = braces[1:] if form == "CONSTRUCT" else braces
        keyword = None
    if not braces:
        raise QueryError("the query has no WHERE group to bind its parameters in")
    return braces[0], keyword


def _grouped(text: str) -> bool:
    """Whether the query groups its solutions: `GROUP BY` outside any group or expression."""
    kinds = [kind for kind, _, depth in _tokens(text) if depth == 0]
    return any(pair == ("GROUP", "BY") for pair in itertools.pairwise(kinds))


def _closing_brace(text: str, opening: int) -> int:
    return next(
        position
        for kind, position, depth in _tokens(text)
        if kind == "}" and position > opening and depth == 0
    )


# --- running --------------------------------------------------------------------------------


def local_graph(data: Path | str = "data", graph_file: Path | str | None = None) -> Graph:
    """The graph to query locally: an exported file if given, else the records in `data`."""
    if graph_file is None:
        from kg.pipeline import load_graph

        graph: Graph = load_graph(data)[1].public_graph()
        return graph
    path = Path(graph_file)
    graph = Graph()
    try:
        graph.parse(path, format=guess_format(str(path)) or "turtle")
    except FileNotFoundError:
        raise QueryError(f"graph file {path} does not exist") from None
    except Exception as error:  # every rdflib parser raises its own types
        message = " ".join(str(error).split())
        raise QueryError(f"cannot read graph file {path}: {message}") from None
    return graph


def run_local(
    query: Query, graph: Graph, bindings: Mapping[str, Identifier] | None = None
) -> QueryResult:
    """Run a query with rdflib, the parameters bound as `initBindings`."""
    prepared = query.prepared
    try:
        result = graph.query(prepared, initBindings=dict(bindings or {}))
        if query.form == "SELECT":
            variables = [str(variable) for variable in result.vars or []]
            rows = [
                {str(name): _canonical(term) for name, term in row.items() if term is not None}
                for row in result.bindings
            ]
            if rows == [{}] and _grouped(query.text):
                rows = []  # rdflib's one empty row for a GROUP BY that matches nothing (#3382)
            return QueryResult("SELECT", variables, rows)
        if query.form == "ASK":
            return QueryResult("ASK", boolean=bool(result.askAnswer))
        answer = Graph()
        for triple in result.graph or Graph():
            answer.add(triple)
        return QueryResult(query.form, graph=answer)
    except KgError:
        raise
    except Exception as error:  # an evaluation error of rdflib, e.g. in a user's own query
        message = " ".join(str(error).split())
        raise QueryError(f"query {query.name} failed: {message}", exit_code=1) from None


def run_remote(
    query: Query,
    endpoint: str,
    bindings: Mapping[str, Identifier] | None = None,
    graph: str | None = None,
    timeout: int = DEFAULT_TIMEOUT,
) -> QueryResult:
    """Run a query on a SPARQL 1.1 endpoint; `graph` becomes its `default-graph-uri`."""
    from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    query.check()  # a malformed query is the user's to fix, not the endpoint's to report
    if not re.match(r"^https?://[^\s/]+", endpoint):
        raise QueryError(f"--endpoint must be an http(s) URL, not {endpoint!r}")
    if graph is not None and not IRI.match(graph):
        raise QueryError(f"--graph must be an absolute IRI, not {graph!r}")
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)  # long queries fit in a form body, not in a URL
    client.setTimeout(timeout)
    if graph is not None:
        client.addDefaultGraph(graph)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # its own guess of the query form
        client.setQuery(with_values(query, bindings or {}))
    client.queryType = query.form
    client.setReturnFormat(JSON if query.form in ("SELECT", "ASK") else TURTLE)
    try:
        response = client.query()
    except TimeoutError:
        raise _endpoint_error(f"{endpoint} did not answer within {timeout} s") from None
    except urllib.error.HTTPError as error:
        raise _endpoint_error(f"{endpoint} answered HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _endpoint_error(f"{endpoint} did not answer within {timeout} s") from None
        raise _endpoint_error(f"cannot reach {endpoint}: {error.reason}") from None
    except SPARQLWrapperException as error:
        raise _endpoint_error(f"{endpoint} {_refusal(error)}") from None
    except OSError as error:
        raise _endpoint_error(f"cannot reach {endpoint}: {error}") from None
    try:
        return _remote_result(query, response.convert())
    except TimeoutError:
        raise _endpoint_error(f"{endpoint} did not answer within {timeout} s") from None
    except Exception:  # anything but SPARQL results: an HTML page, broken JSON or Turtle
        raise _endpoint_error(f"{endpoint} did not answer with SPARQL results") from None


def _endpoint_error(message: str) -> QueryError:
    return QueryError(message, exit_code=1)


def _refusal(error: Exception) -> str:
    """What the endpoint said, in one line: SPARQLWrapper keeps the body only in its message."""
    what = REFUSALS.get(type(error).__name__, "refused the query")
    _, _, body = str(error).partition("Response:")
    body = body.strip()
    if body[:2] in ("b'", 'b"'):
        with contextlib.suppress(ValueError, SyntaxError):
            body = ast.literal_eval(body).decode("utf-8", "replace")
    detail = " ".join(body.split())
    if len(detail) > 200:
        detail = detail[:199] + "…"
    return f"{what}: {detail}" if detail else what


def _remote_result(query: Query, body: Any) -> QueryResult:
    if query.form == "SELECT":
        rows = [
            {name: _json_term(value) for name, value in binding.items()}
            for binding in body["results"]["bindings"]
        ]
        return QueryResult("SELECT", list(body["head"]["vars"]), rows)
    if query.form == "ASK":
        return QueryResult("ASK", boolean=bool(body["boolean"]))
    answer = Graph()
    answer.parse(data=body, format="turtle")
    return QueryResult(query.form, graph=answer)


def _canonical(term: Node) -> Node:
    """xsd:string literals as simple literals: the same term in RDF 1.1, so rows compare."""
    if isinstance(term, Literal) and term.datatype == XSD_STRING:
        return Literal(str(term))
    return term


def _json_term(value: Mapping[str, str]) -> Node:
    """An RDF term from SPARQL 1.1 Query Results JSON (§3.2.2)."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    datatype = value.get("datatype")
    return Literal(
        value["value"],
        lang=value.get("xml:lang"),
        datatype=None if datatype in (None, XSD_STRING_IRI) else URIRef(datatype),
    )


def local_store(data: Path | str = "data", graph_file: Path | str | None = None) -> Any:
    """The graph to query locally, in an Oxigraph store: an exported file, or the records."""
    import pyoxigraph as ox

    store = ox.Store()
    if graph_file is None:
        from kg.pipeline import load_graph
        from kg.serialize import to_ntriples

        # Sorted, though order is moot to a store: Oxigraph loads sorted N-Triples 1.5x as
        # fast and answers queries on the store it makes up to 2x as fast, for no extra cost.
        text = to_ntriples(load_graph(data)[1].triples)
        store.bulk_load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return store
    path = Path(graph_file)
    rdf_format = ox.RdfFormat.from_extension(path.suffix[1:].lower()) or ox.RdfFormat.TURTLE
    try:
        store.bulk_load(path=path, format=rdf_format)
    except FileNotFoundError:
        raise QueryError(f"graph file {path} does not exist") from None
    except (OSError, SyntaxError, ValueError) as error:
        message = " ".join(str(error).split())
        raise QueryError(f"cannot read graph file {path}: {message}") from None
    return store


def run_oxigraph(
    query: Query, store: Any, bindings: Mapping[str, Identifier] | None = None
) -> QueryResult:
    """Run a query on an Oxigraph store, 10–60× faster than rdflib on the same queries.

    Parameters are bound as on a remote endpoint: a `VALUES` block of escaped RDF terms
    opening the WHERE group (Oxigraph's own substitutions only reach projected variables).
    """
    import pyoxigraph as ox

    text = with_values(query, bindings) if bindings else query.text
    try:
        result = store.query(text)
        if isinstance(result, ox.QuerySolutions):
            variables = [variable.value for variable in result.variables]
            convert = _converter()
            rows = [
                {
                    name: convert(term)
                    for name, term in zip(variables, solution, strict=True)
                    if term is not None
                }
                for solution in result
            ]
            return QueryResult("SELECT", variables, rows)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(result))
        answer = Graph()
        convert = _converter()
        for triple in result:
            answer.add((convert(triple.subject), convert(triple.predicate), convert(triple.object)))
        return QueryResult(query.form, graph=answer)
    except KgError:
        raise
    except Exception as error:  # Oxigraph's evaluation errors, e.g. in a user's own query
        message = " ".join(str(error).split())
        raise QueryError(f"query {query.name} failed: {message}", exit_code=1) from None


def _converter() -> Callable[[Any], Node]:
    """Oxigraph terms to rdflib, each distinct term made once: answers repeat their terms (a
    name on every edge of a co-author network), and an rdflib term costs far more to make
    than a lookup."""
    converted: dict[Any, Node] = {}

    def convert(term: Any) -> Node:
        node = converted.get(term)
        if node is None:
            node = converted[term] = _from_oxigraph(term)
        return node

    return convert


def _header(lines: list[str]) -> Any:
    """A query's `#+` header: by PyYAML's C loader (0.3 ms instead of 3 for a query's first
    run), and again by the Python loader if it fails, which tells the line at fault."""
    if not lines:
        return {}
    text = "\n".join(lines)
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return yaml.safe_load(text)


def _from_oxigraph(term: Any) -> Node:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD_STRING_IRI else URIRef(datatype))


def run(
    name_or_file: str | Path,
    params: Mapping[str, str] | None = None,
    *,
    data: Path | str = "data",
    graph_file: Path | str | None = None,
    endpoint: str | None = None,
    graph: str | None = None,
    timeout: int = DEFAULT_TIMEOUT,
) -> QueryResult:
    """Load a query, bind its parameters, and run it locally or on `endpoint`."""
    query = load(name_or_file)
    query.check()
    bindings = bind(query, params or {})
    if endpoint is not None:
        if graph_file is not None:
            raise QueryError("--graph-file reads a local file; it cannot go with --endpoint")
        return run_remote(query, endpoint, bindings, graph=graph, timeout=timeout)
    if graph is not None:
        raise QueryError("--graph names a graph on an endpoint; give --endpoint too")
    return run_oxigraph(query, local_store(data, graph_file), bindings)


# --- formatting -----------------------------------------------------------------------------


def format_result(result: QueryResult, fmt: str | None = None) -> str:
    """The result as text: a table, CSV, TSV or JSON for rows, Turtle for a graph."""
    if result.graph is not None:
        if fmt not in (None, "turtle"):
            raise QueryError(f"a {result.form} query gives a graph: use --format turtle")
        return _turtle(result.graph)
    fmt = fmt or "table"
    if fmt not in FORMATS or fmt == "turtle":
        raise QueryError(
            f"--format {fmt} does not fit {result.form} results; use table, csv, tsv or json"
        )
    if result.boolean is not None:
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}, indent=2) + "\n"
        return f"{str(result.boolean).lower()}\n"
    return {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json}[fmt](result)


def _turtle(graph: Graph) -> str:
    """kg's own Turtle writer, as for `kg.ttl` (sorted; 5-10x as fast as rdflib's on a large
    answer); rdflib's for an answer with blank nodes, which kg's writer never meets."""
    triples: list[terms.Triple] = []
    for subject, predicate, value in graph:
        if isinstance(subject, BNode) or isinstance(value, BNode):
            for prefix, namespace in PREFIXES.items():
                graph.bind(prefix, namespace, replace=True)
            return str(graph.serialize(format="turtle"))
        triples.append((terms.IRI(subject), terms.IRI(predicate), terms.from_rdflib(value)))
    return to_turtle(triples)


def _plain(term: Node | None) -> str:
    return "" if term is None else str(term)


def _table(result: QueryResult) -> str:
    """Aligned columns for reading in a terminal; long values are cut with '…'."""

    def cell(term: Node | None) -> str:
        text = " ".join(_plain(term).split())
        return text if len(text) <= TABLE_CELL_WIDTH else text[: TABLE_CELL_WIDTH - 1] + "…"

    header = result.variables
    cells = [[cell(row.get(name)) for name in header] for row in result.rows]
    numeric = [
        all(_is_number(row.get(name)) for row in result.rows if name in row) for name in header
    ]
    widths = [max([len(name)] + [len(line[i]) for line in cells]) for i, name in enumerate(header)]

    def line(values: Sequence[str]) -> str:
        parts = [
            value.rjust(width) if right else value.ljust(width)
            for value, width, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(header), line(["-" * width for width in widths])]
    out += [line(values) for values in cells]
    return "\n".join(out) + "\n"


def _is_number(term: Node | None) -> bool:
    return isinstance(term, Literal) and term.datatype in (
        XSD.integer,
        XSD.decimal,
        XSD.double,
        XSD.int,
        XSD.long,
    )


def _csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends (§2)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_plain(row.get(name)) for name in result.variables])
    return buffer.getvalue()


def _tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: terms in Turtle syntax, unbound left empty (§3)."""
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    for row in result.rows:
        lines.append("\t".join(_tsv_term(row.get(name)) for name in result.variables))
    return "\n".join(lines) + "\n"


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal) and term.datatype == XSD.integer and INTEGER.match(str(term)):
        return str(term)
    return _sparql_term(term)


def _json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON (§3): head.vars and results.bindings."""
    bindings = [
        {name: _json_value(row[name]) for name in result.variables if name in row}
        for row in result.rows
    ]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _json_value(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD_STRING:
        value["datatype"] = str(term.datatype)
    return value


def _one_of(names: Sequence[str] | set[str]) -> str:
    return ", ".join(sorted(names)) if isinstance(names, set) else ", ".join(names)
