"""The homepage embed: the public graph as one schema.org JSON-LD tree (DESIGN.md §8).

Search engines read a homepage's `<script type="application/ld+json">` as a simple nested
tree in schema.org terms, so the embed is one: a `ProfilePage` whose `mainEntity` is the
researcher and whose `hasPart` are the works, each with its `author` array in printed order.

The tree is cut from the public graph, never built from the records: every node carries the
`@id` it has in the graph and every property is a triple of the graph, so nothing private can
slip in, and the embed expanded with the official schema.org context is a subset of `kg.ttl`.
That is why values are written as that context reads them: dates as plain strings (it types
every date property `schema:Date`, as the graph does), `url`, `sameAs` and `codeRepository` as
plain strings (it reads them as IRIs), every other link as a node object with its `@id`.

`insert_block` puts the script between two marker comments of an existing page and leaves
every other byte of the page alone; `embed` is the whole job for `kg embed`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from json.encoder import encode_basestring, encode_basestring_ascii
from pathlib import Path
from typing import Any, Protocol, cast

from kg.bulk import in_memory_order, paused_gc
from kg.errors import EmbedError, KgError
from kg.graph import KnowledgeGraph
from kg.serialize import Rows, write_bytes_atomically, write_files
from kg.terms import IRI, Literal, Term, Triple
from kg.vocab import KG, PRO, RDF, SCHEMA, XSD

__all__ = [
    "END_MARKER",
    "PAGES",
    "START_MARKER",
    "EmbedResult",
    "GraphView",
    "embed",
    "insert_block",
    "jsonld_tree",
    "script_block",
]

SCHEMA_ORG_CONTEXT = "https://schema.org"
START_MARKER = "<!-- kg:jsonld:start -->"
END_MARKER = "<!-- kg:jsonld:end -->"
PAGES = ("profile", "publications")

# Terms the official context reads as IRIs (`"@type": "@id"`): a plain string is enough.
IRI_TERMS = frozenset({"url", "sameAs", "codeRepository"})
# Types too general to name when the node has a more specific one (Organization + School).
GENERAL_TYPES = frozenset({SCHEMA.Thing, SCHEMA.CreativeWork, SCHEMA.Organization})
# Characters that could end the script element or start a comment in it, escaped as JSON
# allows inside strings (they never occur outside strings); U+2028/9 for JavaScript readers.
SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}

Json = Any
Builder = Callable[[IRI], Json]


def _node_key(term: Term) -> tuple[int, str]:
    return (1 if isinstance(term, Literal) else 0, str(term))


# The links the view answers backwards (`subjects`) without a pass over the whole graph: the
# profile page (`schema:mainEntity`), the PRO roles of a document and of a person, the talks.
REVERSE_LINKS = frozenset(
    {SCHEMA.mainEntity, PRO.relatesToDocument, PRO.isHeldBy, SCHEMA.performer}
)

Properties = dict[IRI, tuple[Term, ...]]
Agents = dict[IRI, list[tuple[int, IRI, str]]]
_NO_PROPERTIES: Properties = {}


def _first_iri(values: Iterable[Term]) -> IRI | None:
    for value in values:
        if isinstance(value, IRI):
            return value
    return None


def _first_text(values: Iterable[Term]) -> str | None:
    for value in values:
        if isinstance(value, Literal):
            return value[0]
    return None


class _Descriptions(Protocol):
    def pop(self, subject: IRI, default: None, /) -> list[Triple] | None: ...


class _RowDescriptions:
    """A subject's triples, made from sorted rows when `GraphView.properties` asks."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.position = rows.position

    def pop(self, subject: IRI, default: None, /) -> list[Triple] | None:
        index = self.position.get(subject)
        if index is None:
            return default
        _, signature, objects = self.rows.subjects[index]
        terms = self.rows.terms
        # Rows keep the graph's own terms: subjects and predicates are its IRIs.
        return [
            cast(Triple, (subject, predicate, terms[nt]))
            for predicate, nt in zip(signature, objects, strict=True)
        ]


class GraphView:
    """The public triples indexed by subject, with the ordered authors of each document.

    Shared by the embed and the homepage, so both show exactly what the public graph says.
    The page reads a small part of an institute's graph, so the view does one pass over the
    triples, only grouping them by subject (and keeping the few links read backwards), and
    sorts a node's values into predicates the first time the node is read.
    """

    def __init__(self, graph: KnowledgeGraph, rows: Rows | None = None) -> None:
        self.base = graph.base
        self.researcher = graph.researcher
        self._graph = graph
        with paused_gc():
            if rows is None:
                self._group(graph)
            else:
                self._group_rows(rows)
        self._other_backwards: dict[IRI, dict[Term, set[IRI]]] = {}
        self._properties: dict[IRI, Properties] = {}
        self._types: dict[IRI, frozenset[IRI]] = {}
        self._agents: dict[IRI, Agents] = {}
        self._dates: dict[IRI, str] = {}

    def _group(self, graph: KnowledgeGraph) -> None:
        """The one pass over the triples: by subject, and the `REVERSE_LINKS` by value.

        Read in memory order (`kg.bulk.in_memory_order`): in hash order, grouping a large
        graph by subject misses the CPU caches at nearly every step. `properties` sorts each
        subject's values anyway.
        """
        by_subject: defaultdict[IRI, list[Triple]] = defaultdict(list)
        backwards: defaultdict[Term, list[Triple]] = defaultdict(list)
        reverse_links = REVERSE_LINKS
        for triple in in_memory_order(graph.triples):
            by_subject[triple[0]].append(triple)
            if triple[1] in reverse_links:
                backwards[triple[2]].append(triple)
        self._triples: _Descriptions = by_subject
        self._backwards: dict[Term, list[Triple]] = backwards

    def _group_rows(self, rows: Rows) -> None:
        """The same from the public graph's sorted rows (`rows`), which already hold each
        subject's triples together: only the `REVERSE_LINKS` are gathered, in one pass over
        the subjects, and a node's triples are made when it is first read.

        A forked process that reads the triples themselves copies nearly every page of the
        graph (their reference counts change): 2.2 GB at 100k publications. Reading rows, it
        touches the subjects it shows and little else.
        """
        backwards: defaultdict[Term, list[Triple]] = defaultdict(list)
        terms = rows.terms
        reverse_at: dict[tuple[str, ...], tuple[int, ...]] = {}  # signatures repeat
        for subject, signature, objects in rows.subjects:
            found = reverse_at.get(signature)
            if found is None:
                found = reverse_at[signature] = tuple(
                    index for index, predicate in enumerate(signature) if predicate in REVERSE_LINKS
                )
            for index in found:
                value = terms[objects[index]]
                backwards[value].append(cast(Triple, (subject, signature[index], value)))
        self._triples = _RowDescriptions(rows)
        self._backwards = backwards

    def properties(self, subject: IRI) -> Properties:
        """The node's values by predicate, each sorted (deterministic), made on first read."""
        found = self._properties.get(subject)
        if found is None:
            triples = self._triples.pop(subject, None)
            if not triples:
                found = _NO_PROPERTIES
            else:
                grouped: dict[IRI, list[Term]] = {}
                for _, predicate, value in triples:
                    values = grouped.get(predicate)
                    if values is None:
                        grouped[predicate] = [value]
                    else:
                        values.append(value)
                found = {
                    predicate: tuple(sorted(values, key=_node_key))
                    if len(values) > 1
                    else (values[0],)
                    for predicate, values in grouped.items()
                }
            self._properties[subject] = found
        return found

    def values(self, subject: IRI, predicate: IRI) -> tuple[Term, ...]:
        found = self._properties.get(subject)
        if found is None:
            found = self.properties(subject)
        return found.get(predicate, ())

    def value(self, subject: IRI, predicate: IRI) -> Term | None:
        found = self.values(subject, predicate)
        return found[0] if found else None

    def refs(self, subject: IRI, predicate: IRI) -> list[IRI]:
        return [v for v in self.values(subject, predicate) if isinstance(v, IRI)]

    def ref(self, subject: IRI, predicate: IRI) -> IRI | None:
        return _first_iri(self.values(subject, predicate))

    def texts(self, subject: IRI, predicate: IRI) -> list[str]:
        return [v[0] for v in self.values(subject, predicate) if isinstance(v, Literal)]

    def text(self, subject: IRI, predicate: IRI) -> str | None:
        return _first_text(self.values(subject, predicate))

    def types(self, subject: IRI) -> frozenset[IRI]:
        found = self._types.get(subject)
        if found is None:
            found = self._types[subject] = frozenset(self.refs(subject, RDF.type))
        return found

    def predicates(self, subject: IRI) -> list[IRI]:
        return sorted(self.properties(subject))

    def subjects(self, predicate: IRI, value: Term) -> list[IRI]:
        if predicate in REVERSE_LINKS:
            return sorted(
                {triple[0] for triple in self._backwards.get(value, ()) if triple[1] == predicate}
            )
        index = self._other_backwards.get(predicate)
        if index is None:  # a pass over the graph, once per predicate
            index = self._other_backwards[predicate] = {}
            for subject, found, target in self._graph.triples:
                if found == predicate:
                    index.setdefault(target, set()).add(subject)
        return sorted(index.get(value, ()))

    def _roles(self, document: IRI) -> Agents:
        """The document's ranked (rank, person, printed name) by PRO role, sorted."""
        found = self._agents.get(document)
        if found is not None:
            return found
        found = {}
        for role_node in self.subjects(PRO.relatesToDocument, document):
            properties = self.properties(role_node)
            if PRO.RoleInTime not in properties.get(RDF.type, ()):
                continue
            if _first_iri(properties.get(PRO.relatesToDocument, ())) != document:
                continue  # a node relating to two documents counts for the first (as before)
            role = _first_iri(properties.get(PRO.withRole, ()))
            person = _first_iri(properties.get(PRO.isHeldBy, ()))
            rank = properties.get(KG.rank)
            if role is None or person is None or not rank:
                continue
            printed = _first_text(properties.get(KG.printedName, ())) or self.text(
                person, SCHEMA.name
            )
            found.setdefault(role, []).append((int(str(rank[0])), person, printed or ""))
        for agents in found.values():
            agents.sort()
        self._agents[document] = found
        return found

    def agents(self, document: IRI, role: IRI = PRO.author) -> list[tuple[IRI, str]]:
        """(person, name as printed) in printed order, from the PRO roles' `kg:rank`.

        A document linked by `schema:author`/`schema:editor` without roles (a thesis) gets those
        people after the ranked ones, in IRI order.
        """
        ranked = [(person, printed) for _, person, printed in self._roles(document).get(role, [])]
        link = SCHEMA.editor if role == PRO.editor else SCHEMA.author
        seen = {person for person, _ in ranked}
        extra = [
            (person, self.text(person, SCHEMA.name) or "")
            for person in self.refs(document, link)
            if person not in seen
        ]
        return ranked + extra

    @cached_property
    def page(self) -> IRI:
        """The researcher's `ProfilePage` node (kg.graph adds it to every graph)."""
        for page in self.subjects(SCHEMA.mainEntity, self.researcher):
            if SCHEMA.ProfilePage in self.types(page):
                return page
        raise KgError("the graph has no schema:ProfilePage for the researcher")

    @cached_property
    def parts(self) -> tuple[IRI, ...]:
        """Every part of the profile page, newest first: versions, theses, patent families."""
        parts = self.refs(self.page, SCHEMA.hasPart)
        by_title = sorted(parts, key=lambda part: (self.text(part, SCHEMA.name) or "", part))
        return tuple(sorted(by_title, key=self.date, reverse=True))  # stable: titles stay

    def works(self) -> list[IRI]:
        return list(self.parts)

    def date(self, subject: IRI) -> str:
        """The publication date of a work; for a patent family, its earliest document's."""
        found = self._dates.get(subject)
        if found is None:
            found = self._dates[subject] = self._date(subject)
        return found

    def _date(self, subject: IRI) -> str:
        found = self.text(subject, SCHEMA.datePublished)
        if found:
            return found
        dates = [
            self.text(example, SCHEMA.datePublished) or ""
            for example in self.refs(subject, SCHEMA.workExample)
        ]
        return min((d for d in dates if d), default="")


_SCHEMA = str(SCHEMA)
_SCHEMA_TERMS: dict[str, IRI] = {}


def _schema_term(name: str) -> IRI:
    """`SCHEMA[name]`, made once per name."""
    found = _SCHEMA_TERMS.get(name)
    if found is None:
        found = _SCHEMA_TERMS[name] = SCHEMA[name]
    return found


def _literal(value: Literal) -> Json:
    """A literal as the official schema.org context reads it back (see the module docstring)."""
    datatype = value.datatype
    if value.language:
        return {"@value": str(value), "@language": value.language}
    if datatype is None or datatype in (XSD.string, SCHEMA.Date):
        return str(value)
    if datatype == XSD.integer:
        return int(str(value))
    if datatype == XSD.boolean:
        return str(value) in ("true", "1")
    return {"@value": str(value), "@type": str(datatype)}


class _Tree:
    """Builds node objects: `@id`, schema.org `@type`, then the named properties in order."""

    def __init__(self, view: GraphView) -> None:
        self.view = view
        self._types: dict[IRI, tuple[str, ...]] = {}
        self._people: dict[IRI, dict[str, Json]] = {}

    def node(
        self,
        subject: IRI,
        fields: Iterable[str],
        nested: Mapping[str, Builder] | None = None,
        arrays: Iterable[str] = (),
    ) -> dict[str, Json]:
        result: dict[str, Json] = {"@id": str(subject)}
        types = self._types.get(subject)
        if types is None:
            types = self.types(subject)
        if types:
            result["@type"] = types[0] if len(types) == 1 else list(types)
        properties = self.view.properties(subject)
        if not properties:
            return result
        terms = _SCHEMA_TERMS
        for name in fields:
            found = properties.get(terms.get(name) or _schema_term(name))
            if not found:
                continue
            builder = nested.get(name) if nested else None
            if len(found) == 1 and name not in arrays:
                result[name] = self.value(name, found[0], builder)
            else:
                result[name] = [self.value(name, value, builder) for value in found]
        return result

    def types(self, subject: IRI) -> tuple[str, ...]:
        """The node's schema.org types (never FaBiO or PRO), the most specific ones."""
        found = self._types.get(subject)
        if found is None:
            schema_types = {t for t in self.view.types(subject) if t.startswith(_SCHEMA)}
            specific = schema_types - GENERAL_TYPES or schema_types
            found = tuple(sorted(t[len(_SCHEMA) :] for t in specific))
            self._types[subject] = found
        return found

    def value(self, name: str, value: Term, builder: Builder | None) -> Json:
        if isinstance(value, Literal):
            return _literal(value)
        if not isinstance(value, IRI):
            raise KgError(f"blank node in the public graph under {name}")
        if builder is not None:
            return builder(value)
        return str(value) if name in IRI_TERMS else {"@id": str(value)}

    # --- people and organizations -------------------------------------------------------

    def researcher(self, person: IRI) -> dict[str, Json]:
        """The researcher, with the career parts Google's profile guidance recommends."""
        view = self.view
        printed = {
            name
            for role_node in view.subjects(PRO.isHeldBy, person)
            for name in view.texts(role_node, KG.printedName)
        }
        tree = self.node(
            person,
            (
                "name",
                "honorificPrefix",
                "givenName",
                "familyName",
                "alternateName",
                "jobTitle",
                "description",
                "email",
                "affiliation",
                "sameAs",
                "worksFor",
                "alumniOf",
                "hasCredential",
                "memberOf",
                "award",
                "knowsAbout",
                "knowsLanguage",
            ),
            {
                "affiliation": self.organization,
                "worksFor": self.position,
                "alumniOf": self.study,
                "hasCredential": self.credential,
                "memberOf": self.membership,
                "knowsAbout": lambda skill: self.node(skill, ("name", "description")),
                "knowsLanguage": self.language,
            },
        )
        # The birth name first, then the forms printed in author lists ("Bach S").
        names = view.texts(person, SCHEMA.alternateName)
        if names:
            ordered = sorted(names, key=lambda name: (name in printed, name))
            tree["alternateName"] = ordered if len(ordered) > 1 else ordered[0]
        return tree

    def person(self, person: IRI) -> dict[str, Json]:
        found = self._people.get(person)  # co-authors recur: made once, copied
        if found is None:
            found = self._people[person] = self.node(person, ("name",))
        return dict(found)

    def organization(self, organization: IRI) -> dict[str, Json]:
        # No `location`: a school's town can give away a birthplace (DESIGN.md §5).
        return self.node(organization, ("name", "alternateName", "url"))

    def position(self, role: IRI) -> dict[str, Json]:
        return self.node(
            role, ("roleName", "startDate", "endDate", "worksFor"), {"worksFor": self.organization}
        )

    def study(self, role: IRI) -> dict[str, Json]:
        return self.node(
            role, ("roleName", "startDate", "endDate", "alumniOf"), {"alumniOf": self.organization}
        )

    def credential(self, credential: IRI) -> dict[str, Json]:
        return self.node(
            credential,
            (
                "name",
                "credentialCategory",
                "educationalLevel",
                "description",
                "dateCreated",
                "recognizedBy",
            ),
            {"recognizedBy": self.organization},
        )

    def membership(self, role: IRI) -> dict[str, Json]:
        project = ("name", "alternateName", "url", "foundingDate", "dissolutionDate")
        return self.node(
            role,
            ("roleName", "startDate", "endDate", "memberOf"),
            {"memberOf": lambda node: self.node(node, project)},
        )

    def language(self, role: IRI) -> dict[str, Json]:
        return self.node(
            role,
            ("roleName", "knowsLanguage"),
            {"knowsLanguage": lambda node: self.node(node, ("name", "alternateName"))},
        )

    # --- works --------------------------------------------------------------------------

    def work(self, subject: IRI) -> dict[str, Json]:
        """A version (ScholarlyArticle, Chapter, Book), a thesis or a patent family."""
        tree = self.node(
            subject,
            (
                "name",
                "author",
                "editor",
                "creator",
                "datePublished",
                "isPartOf",
                "publisher",
                "inSupportOf",
                "sourceOrganization",
                "pagination",
                "pageStart",
                "pageEnd",
                "identifier",
                "isbn",
                "hasPart",
                "url",
                "sameAs",
                "citation",
                "award",
                "isAccessibleForFree",
                "conditionsOfAccess",
                "creativeWorkStatus",
                "exampleOfWork",
                "workExample",
            ),
            {
                "author": self.person,
                "editor": self.person,
                "creator": self.person,
                "isPartOf": self.container,
                "publisher": self.organization,
                "sourceOrganization": self.organization,
                "hasPart": lambda part: self.node(part, ("name", "isbn")),
                "citation": lambda link: self.node(link, ("name", "url", "codeRepository")),
                "exampleOfWork": lambda work: self.node(work, ("name",)),
                "workExample": self.patent_document,
            },
            arrays=("author", "editor", "creator"),
        )
        # Author order is the printed order (DESIGN.md §3), kept by the PRO ranks.
        for name, role in (("author", PRO.author), ("editor", PRO.editor)):
            if name in tree:
                tree[name] = [self.person(person) for person, _ in self.view.agents(subject, role)]
        return tree

    def container(self, subject: IRI) -> dict[str, Json]:
        """Issue → volume → journal, proceedings → series, a book: the `isPartOf` chain."""
        return self.node(
            subject,
            (
                "name",
                "alternateName",
                "volumeNumber",
                "issueNumber",
                "issn",
                "isbn",
                "datePublished",
                "publisher",
                "isPartOf",
            ),
            {"publisher": self.organization, "isPartOf": self.container},
        )

    def patent_document(self, subject: IRI) -> dict[str, Json]:
        return self.node(
            subject,
            ("name", "identifier", "datePublished", "creativeWorkStatus", "spatialCoverage"),
            {"spatialCoverage": lambda place: self.node(place, ("name",))},
        )


def jsonld_tree(
    graph: KnowledgeGraph, page: str = "profile", view: GraphView | None = None
) -> Json:
    """The embed as a JSON-compatible value.

    `profile`: one `ProfilePage` object (Google's profile-page guidance). `publications`: a
    plain array of the works, each with its own `@context`, for a publications page; neither
    `@graph` nor an `ItemList`, which many consumers do not read.
    """
    with paused_gc():
        return _embed(view or GraphView(graph), page, list)


class _Stream(list[Json]):
    """An array whose items are made while it is written: `_JsonWriter` writes each and
    lets it go, so the embed of thousands of works is never held whole."""

    def __init__(self, items: Iterable[Json]) -> None:
        super().__init__()
        self.items = items


def _embed(view: GraphView, page: str, array: Callable[[Iterable[Json]], list[Json]]) -> Json:
    """The embed tree, its works made into an `array` (`list`, or a `_Stream`)."""
    if page not in PAGES:
        raise EmbedError(f"unknown page {page!r}; choose one of {', '.join(PAGES)}")
    tree = _Tree(view)
    if page == "publications":
        return array({"@context": SCHEMA_ORG_CONTEXT, **tree.work(work)} for work in view.works())
    return {
        "@context": SCHEMA_ORG_CONTEXT,
        **tree.node(view.page, ()),
        "mainEntity": tree.researcher(view.researcher),
        "hasPart": array(tree.work(work) for work in view.works()),
    }


def script_block(
    graph: KnowledgeGraph,
    page: str = "profile",
    ascii_only: bool = False,
    view: GraphView | None = None,
) -> str:
    """The `<script type="application/ld+json">` element, safe to paste into any HTML page.

    `<`, `>`, `&` (and U+2028/9) are escaped as `\\u003c` … inside the JSON strings, so no
    title can close the element or open a comment; `ascii_only` escapes every non-ASCII
    character too, for pages not in UTF-8.
    """
    with paused_gc():
        text = _dumps(_embed(view or GraphView(graph), page, _Stream), ascii_only)
    for character, escape in SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _dumps(value: Json, ascii_only: bool) -> str:
    """`json.dumps(value, ensure_ascii=ascii_only, indent=1)`, the same text, faster.

    With `indent` the standard library encodes in Python through nested generators; the
    embed of a large profile has hundreds of thousands of values, so the tree (dicts, lists,
    strings, numbers, booleans) is written here directly, strings by the same C escaper.
    """
    writer = _JsonWriter(encode_basestring_ascii if ascii_only else encode_basestring)
    writer.encode(value, "\n")
    return "".join(writer.parts)


class _JsonWriter:
    def __init__(self, escape: Callable[[str], str]) -> None:
        self.escape = escape
        self.parts: list[str] = []

    def encode(self, value: Json, level: str) -> None:
        """`value` at the indentation `level` ("\n" and a space per level)."""
        write, escape = self.parts.append, self.escape
        if isinstance(value, str):
            write(escape(value))
        elif isinstance(value, dict):
            if not value:
                write("{}")
                return
            inner = level + " "
            separator = "{" + inner
            for key, item in value.items():
                if not isinstance(key, str):
                    raise TypeError(f"keys must be str, not {type(key).__name__}")
                write(separator)
                write(escape(key))
                write(": ")
                self.encode(item, inner)
                separator = "," + inner
            write(level)
            write("}")
        elif isinstance(value, _Stream):
            inner, separator = level + " ", "[" + level + " "
            for item in value.items:
                mark = len(self.parts)
                write(separator)
                self.encode(item, inner)
                # One string per item instead of its many small ones: at 100k publications
                # the embed's parts would take several times the text they make.
                self.parts[mark:] = ["".join(self.parts[mark:])]
                separator = "," + inner
            write("[]" if separator[0] == "[" else level + "]")
        elif isinstance(value, list | tuple):
            if not value:
                write("[]")
                return
            inner = level + " "
            separator = "[" + inner
            for item in value:
                write(separator)
                self.encode(item, inner)
                separator = "," + inner
            write(level)
            write("]")
        elif value is None or isinstance(value, bool | int | float):
            write(json.dumps(value))
        else:
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# --- putting the block into a page --------------------------------------------------------

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
# Outside JSON strings the block is ASCII, so any other character is escaped JSON-style.
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def page_is_utf8(page: bytes) -> bool:
    """True when the page decodes as UTF-8 and declares no other charset in its head."""
    if page.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    try:
        page.decode("utf-8")
    except UnicodeDecodeError:
        return False
    declared = _CHARSET.search(page[:4096])
    return declared is None or declared.group(1).lower().replace(b"_", b"-") in (
        b"utf-8",
        b"utf8",
    )


def insert_block(page: bytes, block: str, name: str = "the page") -> bytes:
    """The page with `block` between the markers; every byte outside them stays as it was.

    Without markers they are inserted, with the block, just before `</head>` (on a line of
    their own, indented like `</head>`). Line endings and encoding (UTF-8, else ASCII-only
    JSON) follow the bytes outside the markers, so running this twice gives the same bytes.
    """
    if page.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise EmbedError(f"{name} is UTF-16; save it as UTF-8 to embed JSON-LD")
    start, end = START_MARKER.encode(), END_MARKER.encode()
    starts, ends = page.count(start), page.count(end)
    if starts == 0 and ends == 0:
        head_end = _HEAD_END.search(page)
        if head_end is None:
            raise EmbedError(
                f"{name} has no </head> and no {START_MARKER} … {END_MARKER} markers; "
                "add the two markers where the JSON-LD should go"
            )
        at = head_end.start()
        newline = _newline(page)
        indent = page[page.rfind(b"\n", 0, at) + 1 : at]
        indent = b"" if indent.strip() else indent
        body = start + _body(block, page, newline) + end + newline + indent
        return page[:at] + body + page[at:]
    if starts != 1 or ends != 1:
        raise EmbedError(
            f"{name} has {starts} {START_MARKER} and {ends} {END_MARKER} markers; "
            "keep exactly one of each"
        )
    begin, finish = page.index(start) + len(start), page.index(end)
    if finish < begin:
        raise EmbedError(f"{name}: {END_MARKER} comes before {START_MARKER}; swap them")
    outside = page[:begin] + page[finish:]
    return page[:begin] + _body(block, outside, _newline(outside)) + page[finish:]


def _newline(page: bytes) -> bytes:
    return b"\r\n" if b"\r\n" in page else b"\n"


def _body(block: str, page: bytes, newline: bytes) -> bytes:
    """The block as bytes for this page: its line endings, and ASCII unless it is UTF-8."""
    if not page_is_utf8(page):
        block = _NON_ASCII.sub(lambda match: json.dumps(match.group())[1:-1], block)
    return newline + block.replace("\n", newline.decode()).encode("utf-8") + newline


@dataclass(frozen=True)
class EmbedResult:
    """What `embed` made: the script block, and the file it wrote (None: nothing written)."""

    block: str
    written: Path | None


def embed(
    data: Path | str,
    *,
    base: str | None = None,
    page: str = "profile",
    out: Path | str | None = None,
    into: Path | str | None = None,
) -> EmbedResult:
    """Validate the records, then make the JSON-LD block; write it to `out` or into `into`.

    `into` names an existing HTML page: the block goes between its markers (see
    `insert_block`) and the page is replaced atomically, only if its bytes change.
    """
    # Imported here: kg.pipeline imports kg.homepage, which imports this module.
    from kg.pipeline import validate_data

    graph = validate_data(data, base=base)
    if into is not None:
        target = Path(into).resolve()
        try:
            original = target.read_bytes()
        except OSError as error:
            raise EmbedError(f"cannot read {into}: {error.strerror}") from None
        block = script_block(graph, page)
        updated = insert_block(original, block, str(into))
        if updated == original:
            return EmbedResult(block, None)
        write_bytes_atomically(target, updated)
        return EmbedResult(block, Path(into))
    block = script_block(graph, page)
    if out is not None:
        write_files({Path(out): block + "\n"})
        return EmbedResult(block, Path(out))
    return EmbedResult(block, None)
