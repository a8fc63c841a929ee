"""The vocabularies kg writes, and the prefixes of every output.

schema.org is `http://schema.org/` (DESIGN.md §2): the official JSON-LD context maps terms
there, so the homepage embed and the exports describe the same triples. rdflib's own `SDO`
namespace is `https://` and must not be used.
"""

from __future__ import annotations

from kg.terms import Namespace

__all__ = [
    "CO",
    "DATACITE",
    "DCTERMS",
    "FABIO",
    "FOAF",
    "FRAPO",
    "FRBR",
    "KG",
    "PREFIXES",
    "PRISM",
    "PRO",
    "RDF",
    "RDFS",
    "SCHEMA",
    "XSD",
]

SCHEMA = Namespace("http://schema.org/")
FABIO = Namespace("http://purl.org/spar/fabio/")
FRBR = Namespace("http://purl.org/vocab/frbr/core#")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
PRO = Namespace("http://purl.org/spar/pro/")
DATACITE = Namespace("http://purl.org/spar/datacite/")
FRAPO = Namespace("http://purl.org/cerif/frapo/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
CO = Namespace("http://purl.org/co/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
KG = Namespace("https://w3id.org/kg-exporter/ns#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

PREFIXES: dict[str, str] = {
    "schema": str(SCHEMA),
    "fabio": str(FABIO),
    "frbr": str(FRBR),
    "prism": str(PRISM),
    "pro": str(PRO),
    "frapo": str(FRAPO),
    "foaf": str(FOAF),
    "kg": str(KG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}
