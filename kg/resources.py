"""The data files shipped in the wheel: shapes, ontology and queries, read through
`importlib.resources` so `kg` works from any directory once installed (STYLE.md lesson 4).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

__all__ = ["ontology_graph", "query_file", "query_files", "shapes_files", "shapes_graph"]

PUBLIC_ONLY_SHAPES = {"privacy.ttl"}


def _files(folder: str, suffix: str) -> list[Traversable]:
    return sorted(
        (
            entry
            for entry in resources.files("kg").joinpath(folder).iterdir()
            if entry.name.endswith(suffix)
        ),
        key=lambda entry: entry.name,
    )


def shapes_files(public: bool = True) -> list[Traversable]:
    return [
        entry
        for entry in _files("shapes", ".ttl")
        if public or entry.name not in PUBLIC_ONLY_SHAPES
    ]


@lru_cache(maxsize=2)
def shapes_graph(public: bool = True) -> Any:
    """The bundled SHACL shapes as an rdflib Graph, for pySHACL (imports rdflib)."""
    from rdflib import Graph

    graph = Graph()
    for entry in shapes_files(public):
        graph.parse(data=entry.read_text(encoding="utf-8"), format="turtle")
    return graph


@lru_cache(maxsize=1)
def ontology_graph() -> Any:
    from rdflib import Graph

    graph = Graph()
    for entry in _files("ontology", ".ttl"):
        graph.parse(data=entry.read_text(encoding="utf-8"), format="turtle")
    return graph


def query_files() -> list[Traversable]:
    return _files("queries", ".rq")


def query_file(name: str) -> Traversable | None:
    """The bundled query of that name, found without listing the folder; None if none."""
    entry = resources.files("kg").joinpath("queries", f"{name}.rq")
    return entry if name and entry.is_file() else None
