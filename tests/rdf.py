"""kg's vocabularies as rdflib namespaces, for tests that inspect graphs with rdflib."""

from __future__ import annotations

from rdflib import Namespace

from kg import vocab

SCHEMA = Namespace(str(vocab.SCHEMA))
FABIO = Namespace(str(vocab.FABIO))
FRBR = Namespace(str(vocab.FRBR))
PRO = Namespace(str(vocab.PRO))
KG = Namespace(str(vocab.KG))
PRISM = Namespace(str(vocab.PRISM))
