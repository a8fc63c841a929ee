"""The pipeline as a library: load → map → validate → serialize (DESIGN.md §1).

The CLI calls these functions and nothing else, so every command is scriptable from Python.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
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
    with _Renderer(public_rows) as rendering:  # Turtle and JSON-LD while validating
        problems = check_graph(graph, public=True, ntriples=ntriples)
        if private:
            problems += check_graph(graph, public=False)
        if problems:
            raise ValidationFailed(sorted(set(problems)))
        turtle, jsonld = rendering.result()
    out = Path(out)
    contents = {
        out / f"{OUTPUT_NAME}.ttl": turtle,
        out / f"{OUTPUT_NAME}.jsonld": jsonld,
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


PARALLEL_MIN_TRIPLES = 200_000
_rows_to_render: Rows | None = None


def _render(_: object = None) -> tuple[str, str]:
    assert _rows_to_render is not None
    return to_turtle(_rows_to_render), to_jsonld(_rows_to_render)


class _Renderer:
    """Renders Turtle and JSON-LD in a forked process while the caller validates.

    On two cores this hides most of the writing behind validation for an institute's graph.
    The child inherits the sorted rows through fork (nothing is pickled on the way in); small
    graphs are rendered in place, where a process would cost more than it saves.
    """

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.future: Future[tuple[str, str]] | None = None
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Renderer:
        global _rows_to_render
        if len(self.rows.rows) >= PARALLEL_MIN_TRIPLES and (os.cpu_count() or 1) > 1:
            _rows_to_render = self.rows
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            self.future = self.pool.submit(_render)
        return self

    def result(self) -> tuple[str, str]:
        if self.future is not None:
            return self.future.result()
        return to_turtle(self.rows), to_jsonld(self.rows)

    def __exit__(self, *exc: object) -> None:
        global _rows_to_render
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        _rows_to_render = None
