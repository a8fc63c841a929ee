"""The pipeline as a library: load → map → validate → serialize (DESIGN.md §1).

The CLI calls these functions and nothing else, so every command is scriptable from Python.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.bulk import paused_gc, shared
from kg.cache import prune
from kg.errors import KgError, Problem, ValidationFailed
from kg.graph import KnowledgeGraph, build_graph
from kg.homepage import render_homepage
from kg.records import Dataset, load_dataset
from kg.serialize import STREAMS, Rows, StagedFiles
from kg.validate import check_graph, locate, shard_plan

__all__ = [
    "BuildResult",
    "Progress",
    "build",
    "cache_folder",
    "load_graph",
    "validate_data",
]

OUTPUT_NAME = "kg"
CACHE_NAME = ".kg-cache"
PRIVATE_NAME = "kg.private"


@dataclass(frozen=True)
class BuildResult:
    """What a build made. `rows` is the public graph in canonical order (as `kg.nt` holds
    it): returned rather than freed on the way out, since freeing millions of rows takes
    seconds that a caller about to exit (the CLI) need not spend."""

    dataset: Dataset
    graph: KnowledgeGraph
    files: list[Path]
    rows: Rows


def load_graph(
    data: Path | str, base: str | None = None, cache: bool = True
) -> tuple[Dataset, KnowledgeGraph]:
    """Load and map the records of a data folder; raises `KgError` on bad input.

    With `cache`, parsed records come from (and go to) `DATA/.kg-cache`, as in `build`:
    `kg validate`, `kg query`, `kg push` and `kg embed` of an institute's 100k files would
    otherwise parse every one of them again (18 s on two cores, against 4–8 s).
    """
    with paused_gc():
        dataset = load_dataset(data, base, cache=cache_folder(data) if cache else None)
        return dataset, build_graph(dataset)


def validate_data(
    data: Path | str,
    base: str | None = None,
    private: bool = False,
    engine: str = "kg",
    cache: bool = True,
) -> KnowledgeGraph:
    """Load, map and validate; raises `ValidationFailed` with every located violation.

    `engine` is "kg" (the compiled shapes on pyoxigraph) or "pyshacl" (the reference);
    `cache` as in `load_graph`.
    """
    _, graph = load_graph(data, base, cache)
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
    progress: Progress | None = None,
) -> BuildResult:
    """Validate, then write `kg.ttl`, `kg.jsonld`, `kg.nt` and `index.html` (and
    `kg.private.*` on request).

    Nothing is written unless the graph is valid, and the files are renamed into place only
    when all of them are written, so a failed build leaves the previous outputs untouched.
    With `cache`, parsed records and shard reports are kept in `DATA/.kg-cache` (beside the
    private data they hold, never in `out/`, which may be published); a build that succeeds
    removes what no build has used for a month. `progress(stage, done, total)` hears
    how far each stage is (the CLI draws bars from it on a terminal).
    """
    with paused_gc():
        return _build(data, Path(out), base, private, cache, progress or _silent)


def _build(
    data: Path | str, out: Path, base: str | None, private: bool, cache: bool, progress: Progress
) -> BuildResult:
    dataset = load_dataset(
        data,
        base,
        cache=cache_folder(data) if cache else None,
        progress=functools.partial(progress, "Reading records"),
    )
    progress("Mapping", 0, 1)
    graph = build_graph(dataset)
    progress("Mapping", 1, 1)
    parallel = len(graph.triples) >= PARALLEL_MIN_TRIPLES and (os.cpu_count() or 1) > 1
    with StagedFiles() as files:
        progress("Sorting", 0, 1)
        public = Rows(graph.triples)
        everything = Rows(graph.triples | graph.private_triples) if private else None
        progress("Sorting", 1, 1)
        outputs: list[tuple[Path, Rows]] = [
            (out / f"{OUTPUT_NAME}.{extension}", public) for extension in STREAMS
        ]
        if everything is not None:
            outputs += [(out / f"{PRIVATE_NAME}.{extension}", everything) for extension in STREAMS]
        # The homepage shows the public graph only, read from its sorted rows (a forked
        # helper reading the triples instead would copy most of the graph's pages).
        outputs.append((out / "index.html", public))
        steps = functools.partial(progress, "Validating and writing")
        if parallel:
            reports = cache_folder(data) / "shards" if cache else None
            problems = _in_parallel(graph, public, everything, outputs, files, steps, reports)
        else:
            problems = _in_turn(graph, private, outputs, files, steps)
        if problems:
            raise ValidationFailed(sorted(set(problems)))
        files.commit()
    if cache:
        prune(cache_folder(data))  # entries no build has used for a month (kg.cache)
    return BuildResult(dataset, graph, sorted(path for path, _ in outputs), public)


def _in_turn(
    graph: KnowledgeGraph,
    private: bool,
    outputs: list[tuple[Path, Rows]],
    files: StagedFiles,
    steps: Callable[[int, int], None],
) -> list[Problem]:
    """Validate, then write, in this process: for a small graph, quicker than forking."""
    total = len(outputs) + 1
    problems = check_graph(graph, public=True, shards=False)
    if private:
        problems += check_graph(graph, public=False, shards=False)
    steps(1, total)
    if not problems:
        for done, (path, rows) in enumerate(outputs, start=2):
            files.write(path, _content(graph, path, rows))
            steps(done, total)
    return problems


def cache_folder(data: Path | str) -> Path:
    """Where parsed records are cached: inside the data folder, hidden from the loader."""
    return Path(data) / CACHE_NAME


PARALLEL_MIN_TRIPLES = 200_000  # below this, processes cost more than they save


def _content(graph: KnowledgeGraph, path: Path, rows: Rows) -> Iterable[str] | str:
    if path.suffix == ".html":
        return render_homepage(graph, rows)
    return STREAMS[path.suffix[1:]](rows)


def _in_parallel(
    graph: KnowledgeGraph,
    public: Rows,
    everything: Rows | None,
    outputs: list[tuple[Path, Rows]],
    files: StagedFiles,
    steps: Callable[[int, int], None],
    reports: Path | None = None,
) -> list[Problem]:
    """Write every output and validate every shard, on all cores at once.

    Writers stage their files under temporary names (adopted by `files` as each is done, so
    a failure removes them); shards return their violations. The largest jobs go first, so
    the cores stay busy to the end. This process takes jobs too, beside one forked helper
    per other core (`kg.bulk.shared`): helpers inherit the graph and the sorted rows instead
    of receiving them pickled, and this process, unlike a helper, copies no pages to read
    them (the homepage, too, reads rows rather than triples). `reports` caches each shard's
    report under the hash of its triples.
    """
    plans = [shard_plan(graph, public, public=True, cache=reports)]
    if everything is not None:
        plans.append(shard_plan(graph, everything, public=False, cache=reports))
    jobs = [_writer(graph, path, rows) for path, rows in outputs]
    for plan in plans:
        jobs += [functools.partial(plan.violations, shard) for shard in range(len(plan))]
    done = 0

    def finished(_: int, result: object) -> None:
        nonlocal done
        if isinstance(result, tuple):
            files.adopt(*result)
        done += 1
        steps(done, len(jobs))

    results = shared(jobs, finished)
    errors = [result for result in results if isinstance(result, KgError)]
    if errors:
        raise errors[0]
    violations = [v for result in results if isinstance(result, list) for v in result]
    return locate(violations, graph.origins)


def _writer(graph: KnowledgeGraph, path: Path, rows: Rows) -> Callable[[], object]:
    return functools.partial(_stage, path, functools.partial(_content, graph, path, rows))


def _stage(path: Path, content: Callable[[], Iterable[str] | str]) -> tuple[Path, Path]:
    files = StagedFiles()
    try:
        return files.write(path, content()), path
    except BaseException:
        files.discard()
        raise


Progress = Callable[[str, int, int], None]


def _silent(stage: str, done: int, total: int) -> None:
    pass
