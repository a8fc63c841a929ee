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
from kg.serialize import FORMATS, Rows, write_files
from kg.validate import check_graph

__all__ = ["BuildResult", "build", "load_graph", "validate_data"]

OUTPUT_NAME = "kg"
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
    data: Path | str, out: Path | str, base: str | None = None, private: bool = False
) -> BuildResult:
    """Validate, then write `kg.ttl`, `kg.jsonld` and `kg.nt` (and `kg.private.*` on request).

    Nothing is written unless the graph is valid, and the files are renamed into place only
    when all of them are written, so a failed build leaves the previous outputs untouched.
    """
    dataset = load_dataset(data, base)
    graph = build_graph(dataset)
    problems = check_graph(graph, public=True)
    if private:
        problems += check_graph(graph, public=False)
    if problems:
        raise ValidationFailed(sorted(set(problems)))
    out = Path(out)
    public_rows = Rows(graph.triples)
    contents = {
        out / f"{OUTPUT_NAME}.{extension}": writer(public_rows)
        for extension, writer in FORMATS.items()
    }
    contents[out / "index.html"] = render_homepage(graph)  # public graph only, with the embed
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
