"""RDF terms, as light as Python allows: the build path never imports rdflib.

An institute's graph has millions of terms, and a researcher's build should cost little more
than starting Python; rdflib's terms validate and convert on creation, and importing rdflib
alone takes longer than kg's whole build of one researcher. `IRI` is a `str`, `Literal` a
`tuple` (lexical form, datatype, language), so both hash and compare in C; `to_rdflib` converts
at the edges where rdflib is wanted (SPARQL on rdflib, tests).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "IRI",
    "XSD_BOOLEAN",
    "XSD_INTEGER",
    "Literal",
    "Namespace",
    "Term",
    "Triple",
    "to_rdflib",
]

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class IRI(str):
    """An IRI. Equal to the plain string of the same IRI."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str(self)!r})"


class Literal(tuple[str, str | None, str | None]):
    """A literal: lexical form, datatype IRI (None for a plain string), language tag."""

    __slots__ = ()

    def __new__(
        cls, value: Any, datatype: str | None = None, language: str | None = None
    ) -> Literal:
        if isinstance(value, bool):
            return tuple.__new__(cls, ("true" if value else "false", XSD_BOOLEAN, None))
        if isinstance(value, int):
            return tuple.__new__(cls, (str(value), XSD_INTEGER, None))
        if datatype == XSD_STRING:
            datatype = None
        return tuple.__new__(
            cls, (str(value), None if datatype is None else str(datatype), language)
        )

    @property
    def lexical(self) -> str:
        return self[0]

    @property
    def datatype(self) -> str | None:
        return self[1]

    @property
    def language(self) -> str | None:
        return self[2]

    def __str__(self) -> str:
        return self[0]

    def __repr__(self) -> str:
        return f"Literal({self[0]!r}, datatype={self[1]!r})"


Term = IRI | Literal
Triple = tuple[IRI, IRI, Term]


class Namespace(str):
    """`SCHEMA.name` is the IRI `http://schema.org/name`, made once and then remembered."""

    def __getattr__(self, name: str) -> IRI:
        if name.startswith("__"):
            raise AttributeError(name)
        iri = IRI(str(self) + name)
        self.__dict__[name] = iri  # later lookups find it without calling __getattr__
        return iri

    def term(self, name: str) -> IRI:
        return IRI(str(self) + name)

    def __getitem__(self, key: Any) -> Any:
        """`SCHEMA["name"]` as `SCHEMA.name`, for names held in variables."""
        if isinstance(key, str):
            return IRI(str(self) + key)
        return str.__getitem__(self, key)


def to_rdflib(term: Term) -> Any:
    """The same term as an rdflib term (imports rdflib)."""
    from rdflib import Literal as RdfLiteral
    from rdflib import URIRef

    if isinstance(term, Literal):
        if term.language:
            return RdfLiteral(term.lexical, lang=term.language)
        return RdfLiteral(term.lexical, datatype=URIRef(term.datatype) if term.datatype else None)
    return URIRef(term)
