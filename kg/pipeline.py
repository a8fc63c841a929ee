"""The pipeline as a library: load → map → validate → serialize (DESIGN.md §1).

The CLI calls these functions and nothing else, so every command is scriptable from Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.errors import ValidationFailed
from kg.graph import KnowledgeGraph, build_graph
from kg.homepage import render_homepage
from kg.records import Dataset, load_dataset
from kg.serialize import FORMATS, Rows, to_jsonld, to_ntriples, to_turtle, write_files
from kg.validate import check_graph

__all__ = ["BuildResult", "build", "cache_folder", "load_graph", "validate_data"]

OUTPUT_NAME = "kg"
CACHE_NAME = ".kg-cache"
PRIVATE_NAME = "kg.private"


@dataclass(frozen=True)
class BuildResult:
    dataset: Dataset
    graph: KnowledgeGraph
    files: list[Path]


def load_graph(data: Path | str, base: str | None = None) -> tuple[Dataset, KnowledgeGraph]:
    """Load and map the records of a data folder; raises `KgError` on bad input."""
    dataset = load_dataset(data, base)
    return dataset, build_graph(dataset)


def validate_data(
    data: Path | str, base: str | None = None, private: bool = False, engine: str = "kg"
) -> KnowledgeGraph:
    """Load, map and validate; raises `ValidationFailed` with every located violation.

    `engine` is "kg" (the compiled shapes on pyoxigraph) or "pyshacl" (the reference).
    """
    _, graph = load_graph(data, base)
    problems = check_graph(graph, public=True, engine=engine)
    if private:
        problems += check_graph(graph, public=False, engine=engine)
    if problems:
        raise ValidationFailed(sorted(set(problems)))
    return graph


def build(
    data: Path | str,
    out: Path | str,
    base: str | None = None,
    private: bool = False,
    cache: bool = True,
) -> BuildResult:
    """Validate, then write `kg.ttl`, `kg.jsonld`, `kg.nt` and `index.html` (and
    `kg.private.*` on request).

    Nothing is written unless the graph is valid, and the files are renamed into place only
    when all of them are written, so a failed build leaves the previous outputs untouched.
    With `cache`, parsed records are kept in `DATA/.kg-cache` (beside the private data it
    holds, never in `out/`, which may be published).
    """
    dataset = load_dataset(data, base, cache=cache_folder(data) if cache else None)
    graph = build_graph(dataset)
    public_rows = Rows(graph.triples)
    ntriples = to_ntriples(public_rows)  # written as kg.nt and loaded for validation
    problems = check_graph(graph, public=True, ntriples=ntriples)
    if private:
        problems += check_graph(graph, public=False)
    if problems:
        raise ValidationFailed(sorted(set(problems)))
    out = Path(out)
    contents = {
        out / f"{OUTPUT_NAME}.ttl": to_turtle(public_rows),
        out / f"{OUTPUT_NAME}.jsonld": to_jsonld(public_rows),
        out / f"{OUTPUT_NAME}.nt": ntriples,
        out / "index.html": render_homepage(graph),  # public graph only, with the embed
    }
    if private:
        everything = Rows(graph.triples | graph.private_triples)
        contents.update(
            {
                out / f"{PRIVATE_NAME}.{extension}": writer(everything)
                for extension, writer in FORMATS.items()
            }
        )
    write_files(contents)
    return BuildResult(dataset, graph, sorted(contents))


def cache_folder(data: Path | str) -> Path:
    """Where parsed records are cached: inside the data folder, hidden from the loader."""
    return Path(data) / CACHE_NAME
