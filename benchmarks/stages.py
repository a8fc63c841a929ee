"""What the benchmarks run: every call into kg (the adapter), the floors, and the stage groups.

kg's internals are being rebuilt for speed (issue 7), so **every call into kg is in the adapter
section below** and nowhere else in benchmarks/: when an API moves, change it here. A call
that the installed kg cannot make raises `NotAvailable`, and the harness reports that stage as
"n/a" with the reason instead of crashing.

A group process does an untimed setup (load the records, map them, or parse kg.nt) once, then
forks one child per step and repeat, so every step is measured as a fresh process holding the
setup's data (see measure.run_forked). Imports a step needs beyond its setup happen inside the
step and are timed with it, as they would be in a real run.

    python -m benchmarks.stages group graph --data DIR --nt kg.nt --work DIR --repeat 3
    python -m benchmarks.stages put --url http://127.0.0.1:7878/store --graph IRI --file kg.nt
    python -m benchmarks.stages export --data DIR --nt kg.nt   # kg.nt when kg build fails
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.measure import NotAvailable, run_forked

__all__ = [
    "GROUPS",
    "NotAvailable",
    "kg_build_command",
    "kg_package_dir",
    "kg_push_command",
    "kg_query_files",
]

FORMATS = {"turtle": "ttl", "jsonld": "jsonld", "ntriples": "nt"}

# --- the kg adapter: the only code in benchmarks/ that calls kg ----------------------------


def kg_load(data: Path) -> Any:
    """Records of a data folder, checked (kg.records.load_dataset)."""
    from kg.records import load_dataset

    return load_dataset(data)


def kg_map(dataset: Any) -> Any:
    """The mapped graph (kg.graph.build_graph)."""
    from kg.graph import build_graph

    return build_graph(dataset)


def kg_export_ntriples(data: Path, path: Path) -> None:
    """kg.nt without validation, so the floors get their input even when `kg build` fails."""
    from kg import serialize

    graph = kg_map(kg_load(data))
    path.write_bytes(serialize.to_ntriples(graph.triples).encode("utf-8"))


def kg_triple_count(graph: Any) -> int:
    return len(graph)


def kg_validate(graph: Any) -> int:
    """Validate the public graph as `kg build` does; returns the number of problems."""
    from kg.validate import check_graph

    return len(check_graph(graph, public=True))


def kg_rows(graph: Any) -> Any:
    """The graph's triples sorted once for every writer, as `kg build` does (kg.serialize.Rows)."""
    from kg import serialize

    return serialize.Rows(graph.triples)


def kg_serialize(rows: Any, name: str, path: Path) -> None:
    """Write one export from the sorted rows as `kg build` writes it: streamed to the file."""
    from kg import serialize

    extension = FORMATS[name]
    streams = getattr(serialize, "STREAMS", None)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        if streams is None:  # an older kg: whole strings
            handle.write(serialize.FORMATS[extension](rows))
        else:
            for chunk in streams[extension](rows):
                handle.write(chunk)


def _queries() -> Any:
    try:
        from kg import query as queries
    except ImportError as error:
        raise NotAvailable(f"kg has no query module yet ({error})") from None
    return queries


def kg_query_engine() -> str:
    try:
        queries = _queries()
    except NotAvailable as error:
        return str(error)
    if hasattr(queries, "run_oxigraph"):
        return (
            "kg.query.run_oxigraph on the floor's store of kg.nt (what `kg query run "
            "--graph-file kg.nt` queries; from the records, kg.query.local_store loads the "
            "same sorted N-Triples), parameters at defaults"
        )
    return "kg has no kg.query.run_oxigraph yet"


def kg_query(store: Any, path: Path) -> int:
    """Run one bundled query as `kg query run NAME` does locally, parameters at their
    defaults; returns the number of rows (or triples, for CONSTRUCT)."""
    queries = _queries()
    if not hasattr(queries, "run_oxigraph"):
        raise NotAvailable(kg_query_engine())
    query = queries.load(path)
    result = queries.run_oxigraph(query, store, queries.bind(query, {}))
    if result.graph is not None:
        return len(result.graph)
    return len(result.rows) if result.boolean is None else 1


def kg_query_text(path: Path) -> str:
    """The query text with its parameter defaults bound in a VALUES block, as kg sends it to
    an endpoint, so the pyoxigraph floor answers the same question."""
    try:
        from kg import query as queries
    except ImportError:
        return path.read_text(encoding="utf-8")
    query = queries.load(path)
    return str(queries.with_values(query, queries.bind(query, {})))


def kg_package_dir() -> Path | None:
    """The folder of the kg package this Python would import, found without importing it."""
    spec = importlib.util.find_spec("kg")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def kg_query_files(package: Path | None = None) -> list[Path]:
    """The bundled queries (kg/queries/*.rq) of `package` (default: the importable kg)."""
    folder = (package or kg_package_dir() or Path("missing")) / "queries"
    return sorted(folder.glob("*.rq")) if folder.is_dir() else []


def kg_shapes() -> Any:
    """The bundled SHACL shapes for public outputs (kg.resources.shapes_graph)."""
    from kg.resources import shapes_graph

    return shapes_graph(True)


def kg_prefixes() -> dict[str, str]:
    from kg.vocab import PREFIXES

    return dict(PREFIXES)


def kg_command() -> list[str]:
    """The `kg` console script beside this Python, as a user runs it; else `python -m kg`."""
    script = Path(sys.executable).with_name("kg")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kg"]


def kg_build_command(data: Path, out: Path) -> list[str]:
    return [*kg_command(), "build", "--data", str(data), "--out", str(out)]


def kg_push_command(endpoint: str, graph: str, file: Path) -> list[str]:
    return [
        *kg_command(),
        *("push", "--endpoint", endpoint, "--preset", "oxigraph"),
        *("--graph", graph, "--file", str(file)),
    ]


def kg_output_names() -> list[str]:
    return ["kg.ttl", "kg.jsonld", "kg.nt"]


# --- floors: the same work done by the fastest tools at hand ------------------------------


def yaml_files(data: Path) -> list[Path]:
    """The record files kg reads: *.yaml and *.yml, hidden folders left out."""
    return sorted(
        path
        for pattern in ("*.yaml", "*.yml")
        for path in data.rglob(pattern)
        if not any(part.startswith(".") for part in path.relative_to(data).parts)
    )


def floor_load(ctx: Context) -> dict[str, Any]:
    import yaml

    for path in yaml_files(ctx.data):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return {}


def floor_map(ctx: Context) -> dict[str, Any]:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=str(ctx.nt), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return {"triples": len(store)}


def _floor_write(name: str) -> Callable[[Context], dict[str, Any]]:
    def write(ctx: Context) -> dict[str, Any]:
        import pyoxigraph

        formats = {
            "turtle": pyoxigraph.RdfFormat.TURTLE,
            "jsonld": pyoxigraph.RdfFormat.JSON_LD,
            "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
        }
        path = ctx.work / f"floor.{FORMATS[name]}"
        ctx.state["store"].dump(
            str(path),
            formats[name],
            from_graph=pyoxigraph.DefaultGraph(),
            prefixes=ctx.state["prefixes"] if name != "ntriples" else None,
        )
        return {"bytes": path.stat().st_size}

    return write


def _floor_query(path: Path) -> Callable[[Context], dict[str, Any]]:
    def query(ctx: Context) -> dict[str, Any]:
        answer = ctx.state["store"].query(ctx.state["query_texts"][path])
        if isinstance(answer, bool) or type(answer).__name__ == "QueryBoolean":
            return {"rows": 1}
        if type(answer).__name__ == "QueryTriples":
            return {"rows": len(set(answer))}
        return {"rows": len(list(answer))}

    return query


def floor_validate(ctx: Context) -> dict[str, Any]:
    from pyshacl import validate
    from rdflib.namespace import SH

    _, report, _ = validate(
        ctx.state["rdflib"],
        shacl_graph=ctx.state["shapes"],
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return {"problems": len(set(report.subjects(SH.resultSeverity, SH.Violation)))}


def floor_rebuild(ctx: Context) -> dict[str, Any]:
    """What any rebuild must do at least: write the three outputs again, synced, renamed."""
    contents = [(name, (ctx.outputs / name).read_bytes()) for name in kg_output_names()]
    start = time.perf_counter()
    for name, data in contents:
        temporary = ctx.work / f".{name}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, ctx.work / name)
    return {"seconds": time.perf_counter() - start}


def gsp_put(url: str, graph: str, file: Path, bulk: bool = False) -> float:
    """A bare Graph Store Protocol PUT of an N-Triples file, streamed; returns seconds.

    The protocol's PUT replaces the graph in one transaction, as every push must. `bulk` adds
    Oxigraph's own `no_transaction` flag: its bulk loader, several times faster, but readers
    see a half-loaded graph meanwhile and a failure leaves one, so no push can use it.
    """
    target = f"{url}?{urllib.parse.urlencode({'graph': graph})}"
    if bulk:
        target += "&no_transaction"
    start = time.perf_counter()
    with open(file, "rb") as body:
        request = urllib.request.Request(
            target,
            data=body,
            method="PUT",
            headers={
                "Content-Type": "application/n-triples",
                "Content-Length": str(file.stat().st_size),
            },
        )
        with urllib.request.urlopen(request, timeout=3600) as response:
            response.read()
    return time.perf_counter() - start


# --- kg steps -----------------------------------------------------------------------------


def step_load(ctx: Context) -> dict[str, Any]:
    kg_load(ctx.data)
    return {}


def step_map(ctx: Context) -> dict[str, Any]:
    return {"triples": kg_triple_count(kg_map(ctx.state["dataset"]))}


def step_validate(ctx: Context) -> dict[str, Any]:
    return {"problems": kg_validate(ctx.state["graph"])}


def step_sort(ctx: Context) -> dict[str, Any]:
    return {"subjects": len(kg_rows(ctx.state["graph"]).subjects)}


def _step_write(name: str) -> Callable[[Context], dict[str, Any]]:
    def write(ctx: Context) -> dict[str, Any]:
        path = ctx.work / f"kg.{FORMATS[name]}"
        kg_serialize(ctx.state["rows"], name, path)
        return {"bytes": path.stat().st_size}

    return write


def _step_query(path: Path) -> Callable[[Context], dict[str, Any]]:
    def query(ctx: Context) -> dict[str, Any]:
        return {"rows": kg_query(ctx.state["store"], path), "engine": kg_query_engine()}

    return query


# --- groups: one untimed setup, then forked steps -----------------------------------------


@dataclass
class Context:
    """What a group's steps read: the paths given to the group and what its setup made."""

    data: Path
    nt: Path
    work: Path
    outputs: Path
    queries: list[Path]
    state: dict[str, Any] = field(default_factory=dict)


def setup_none(ctx: Context) -> None:
    """Nothing: the step starts from a bare interpreter."""


def setup_dataset(ctx: Context) -> None:
    ctx.state["dataset"] = kg_load(ctx.data)


def setup_graph(ctx: Context) -> None:
    ctx.state["graph"] = kg_map(kg_load(ctx.data))
    ctx.state["rows"] = kg_rows(ctx.state["graph"])  # sorted once, as kg build does; see `sort`


def setup_store(ctx: Context) -> None:
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=str(ctx.nt), format=pyoxigraph.RdfFormat.N_TRIPLES)
    ctx.state["store"] = store
    ctx.state["prefixes"] = kg_prefixes()
    ctx.state["query_texts"] = {path: kg_query_text(path) for path in ctx.queries}


def setup_rdflib(ctx: Context) -> None:
    from rdflib import Graph

    graph = Graph()
    graph.parse(str(ctx.nt), format="nt")
    ctx.state["rdflib"] = graph
    ctx.state["shapes"] = kg_shapes()


Step = Callable[[Context], dict[str, Any]]


def group_steps(group: str, queries: list[Path]) -> dict[str, Step]:
    """The steps of a group by stage name; query steps are named `query:NAME`."""
    if group == "fresh":
        return {
            "load": step_load,
            "floor_load": floor_load,
            "floor_map": floor_map,
            "floor_rebuild": floor_rebuild,
        }
    if group == "dataset":
        return {"map": step_map}
    if group == "graph":
        steps: dict[str, Step] = {"validate": step_validate, "sort": step_sort}
        steps.update({name: _step_write(name) for name in FORMATS})
        return steps
    if group == "oxigraph":
        # kg's queries on the floor's own store, each run right beside its floor: the two
        # meet the same store and the same moment of a noisy host.
        steps = {f"floor_{name}": _floor_write(name) for name in FORMATS}
        for path in queries:
            steps[f"query:{path.stem}"] = _step_query(path)
            steps[f"floor_query:{path.stem}"] = _floor_query(path)
        return steps
    if group == "rdflib":
        return {"floor_validate": floor_validate}
    raise ValueError(f"unknown group {group!r}")


GROUPS: dict[str, Callable[[Context], None]] = {
    "fresh": setup_none,
    "dataset": setup_dataset,
    "graph": setup_graph,
    "oxigraph": setup_store,
    "rdflib": setup_rdflib,
}


def run_group(
    group: str,
    ctx: Context,
    repeat: int,
    only: list[str] | None,
    timeout: float | None,
    query_timeout: float | None = None,
) -> None:
    """Set up once, then print one JSON line per step and repeat, repeats interleaved.

    A step that times out is not repeated (it would time out again); its line carries
    `seconds_at_least`, the limit, so the report can still give a lower bound.
    """
    steps = group_steps(group, ctx.queries)
    names = [name for name in steps if only is None or name in only]
    try:
        GROUPS[group](ctx)
    except Exception as error:
        reason = "n/a" if isinstance(error, NotAvailable | ImportError) else "error"
        status = f"{reason}: setup of {group!r} failed: {type(error).__name__}: {error}"[:500]
        for name in names:
            print(json.dumps({"step": name, "repeat": 0, "status": status}), flush=True)
        return
    timed_out: list[str] = []
    for round_ in range(repeat):
        for name in names:
            if name in timed_out:
                continue
            is_query = name.startswith(("query:", "floor_query:"))  # a floor waits no longer
            limit = query_timeout if is_query and query_timeout else timeout
            result = run_forked(lambda step=steps[name]: step(ctx), limit)
            if str(result.get("status", "")).startswith("timeout"):
                result["seconds_at_least"] = limit
                timed_out.append(name)
            print(json.dumps({"step": name, "repeat": round_, **result}), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="benchmark stage groups (used by run.py)")
    commands = parser.add_subparsers(dest="command", required=True)
    group = commands.add_parser("group")
    group.add_argument("name", choices=sorted(GROUPS))
    group.add_argument("--data", type=Path, required=True)
    group.add_argument("--nt", type=Path, required=True)
    group.add_argument("--work", type=Path, required=True)
    group.add_argument("--outputs", type=Path, default=Path("."))
    group.add_argument("--query", type=Path, action="append", default=[])
    group.add_argument("--repeat", type=int, default=3)
    group.add_argument("--only", help="comma-separated step names")
    group.add_argument("--timeout", type=float)
    group.add_argument("--query-timeout", type=float)
    export = commands.add_parser("export")
    export.add_argument("--data", type=Path, required=True)
    export.add_argument("--nt", type=Path, required=True)
    put = commands.add_parser("put")
    put.add_argument("--url", required=True)
    put.add_argument("--graph", required=True)
    put.add_argument("--file", type=Path, required=True)
    put.add_argument("--bulk", action="store_true", help="Oxigraph's no_transaction bulk load")
    args = parser.parse_args(argv)
    if args.command == "export":
        args.nt.parent.mkdir(parents=True, exist_ok=True)
        kg_export_ntriples(args.data, args.nt)
        return
    if args.command == "put":
        print(json.dumps({"seconds": gsp_put(args.url, args.graph, args.file, args.bulk)}))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    ctx = Context(args.data, args.nt, args.work, args.outputs, args.query)
    only = args.only.split(",") if args.only else None
    run_group(args.name, ctx, args.repeat, only, args.timeout, args.query_timeout)


if __name__ == "__main__":
    main()
