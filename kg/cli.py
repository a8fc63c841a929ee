"""The `kg` command: a thin click layer over the library (STYLE.md lesson 1).

Each command parses its options, calls one library function and reports. Every `KgError`
becomes its located problems and one `Error: …` line on stderr with the documented exit code
(0 success, 1 invalid data or failed operation, 2 usage or load error); data goes to stdout.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import pipeline
from kg.errors import KgError, LoadError, Problem, RecordError, ValidationFailed

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])


def data_option(function: F) -> F:
    return click.option(
        "--data",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("data"),
        show_default=True,
        help="The data folder: kg.yaml and the record files.",
    )(function)


def base_option(function: F) -> F:
    return click.option(
        "--base",
        metavar="IRI",
        help="Base IRI of every node, overriding the one in kg.yaml (absolute, ends in / or #).",
    )(function)


@contextmanager
def reporting() -> Iterator[None]:
    """Turn a KgError into its problems and one `Error:` line on stderr, and its exit code."""
    try:
        yield
    except KgError as error:
        problems: list[Problem] = getattr(error, "problems", [])
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"Error: {error}", err=True)
        sys.exit(error.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def cli() -> None:
    """kg: export a researcher's CV and publications as a validated knowledge graph.

    Records are YAML files in a data folder (see data/README.md); the graph uses schema.org
    and the SPAR ontologies (FaBiO, FRBR, PRO, PRISM) and is checked with SHACL shapes.
    """


@cli.command()
@data_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out"),
    show_default=True,
    help="Where to write kg.ttl, kg.jsonld and kg.nt.",
)
@base_option
@click.option(
    "--private",
    is_flag=True,
    help="Also write kg.private.ttl/.jsonld/.nt, which include personal data.",
)
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Keep parsed records in DATA/.kg-cache, so unchanged files are not parsed again.",
)
def build(data: Path, out: Path, base: str | None, private: bool, cache: bool) -> None:
    """Validate the records, then write the graph as Turtle, JSON-LD and N-Triples.

    Nothing is written if the records are invalid; outputs are replaced atomically.

    Example:

        kg build --data data --out out
    """
    with reporting(), _bars() as bars:
        result = pipeline.build(data, out, base=base, private=private, cache=cache, progress=bars)
    for path in result.files:
        click.echo(str(path))
    click.echo(f"{len(result.graph)} triples, valid", err=True)


@cli.command()
@data_option
@base_option
@click.option("--private", is_flag=True, help="Also validate the graph with personal data.")
@click.option(
    "--engine",
    type=click.Choice(["kg", "pyshacl"]),
    default="kg",
    show_default=True,
    help="kg's compiled SHACL engine, or pySHACL as the reference (slower, same report).",
)
def validate(data: Path, base: str | None, private: bool, engine: str) -> None:
    """Check the records and the graph against the SHACL shapes.

    Prints one line per problem, "file:line record field: message", on stderr.
    Exit code 0: conforms; 1: violations; 2: the data cannot be loaded.

    Example:

        kg validate --data data
    """
    with reporting():
        graph = pipeline.validate_data(data, base=base, private=private, engine=engine)
    click.echo(f"{data}: conforms ({len(graph)} triples)", err=True)


@cli.command()
@data_option
def doctor(data: Path) -> None:
    """Report probable duplicate works and people in the records.

    Prints one line per suspicious pair on stdout: works with the same arXiv id or
    near-identical titles, people whose surnames differ by a typo and who share co-authors.
    Exit code 0: nothing suspicious; 1: something to look at; 2: the data cannot be loaded.

    Example:

        kg doctor --data data
    """
    from kg.doctor import diagnose
    from kg.records import load_dataset

    with reporting():
        findings = diagnose(load_dataset(data))
    for finding in findings:
        click.echo(str(finding))
    if findings:
        click.echo(f"Error: {len(findings)} probable duplicate(s) to look at", err=True)
        sys.exit(1)
    click.echo(f"{data}: nothing suspicious", err=True)


@cli.command()
@data_option
@base_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Write the script block to FILE instead of stdout.",
)
@click.option(
    "--into",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    metavar="PAGE.html",
    help="Put the block between <!-- kg:jsonld:start --> and <!-- kg:jsonld:end --> in an "
    "existing page (markers are added before </head> if absent); nothing else changes.",
)
@click.option(
    "--page",
    type=click.Choice(["profile", "publications"]),
    default="profile",
    show_default=True,
    help="profile: a ProfilePage about the researcher with the works; publications: the works.",
)
def embed(data: Path, base: str | None, out: Path | None, into: Path | None, page: str) -> None:
    """Print the public graph as a JSON-LD <script> block for a homepage.

    schema.org terms as a simple nested tree, the same node IRIs as the graph, nothing
    private, and every string escaped so no title can close the script element.

    Example:

        kg embed --into site/index.html

        kg embed --page publications > publications-jsonld.html
    """
    from kg.embed import embed as make_embed

    if out is not None and into is not None:
        raise click.UsageError("give --out FILE or --into PAGE.html, not both")
    with reporting():
        result = make_embed(data, base=base, page=page, out=out, into=into)
    if into is not None:
        click.echo(f"{into}: {'updated' if result.written else 'unchanged'}", err=True)
    elif out is not None:
        click.echo(str(out))
    else:
        click.echo(result.block)


@cli.group(name="query")
def query_group() -> None:
    """Answer questions from the graph with the bundled SPARQL queries.

    A query runs locally on the records in --data (or an exported --graph-file), or with
    --endpoint on any SPARQL 1.1 endpoint: Oxigraph, Fuseki, GraphDB, Virtuoso.

    Example:

        kg query run coauthors_by_joint_works --param name="Samek W"
    """


@query_group.command(name="list")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: an array of {name, summary, params, columns}.",
)
def query_list(fmt: str) -> None:
    """List the bundled queries: name, parameters with defaults, and what each answers.

    Example:

        kg query list --format json
    """
    from kg import query as queries

    with reporting():
        click.echo(queries.format_catalogue(fmt), nl=False)


@query_group.command(name="show")
@click.argument("name", metavar="NAME|FILE.rq")
def query_show(name: str) -> None:
    """Print a query with its #+ header (summary, parameters, columns).

    Example:

        kg query show publications_list
    """
    from kg import query as queries

    with reporting():
        text = queries.load(name).text
    click.echo(text, nl=not text.endswith("\n"))


@query_group.command(name="run")
@click.argument("name", metavar="NAME|FILE.rq")
@click.option(
    "--param",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value, bound as an RDF term; repeat for several.",
)
@data_option
@click.option(
    "--graph-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Query an exported graph (kg.ttl, kg.nt, kg.jsonld) instead of --data.",
)
@click.option("--endpoint", metavar="URL", help="Run on this SPARQL 1.1 query endpoint.")
@click.option(
    "--graph",
    metavar="IRI",
    help="With --endpoint: query only this named graph (sent as default-graph-uri).",
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for the endpoint.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "turtle"]),
    help="table (the default), csv, tsv, json (SPARQL 1.1 results); turtle for CONSTRUCT.",
)
def query_run(
    name: str,
    assignments: tuple[str, ...],
    data: Path,
    graph_file: Path | None,
    endpoint: str | None,
    graph: str | None,
    timeout: int,
    fmt: str | None,
) -> None:
    """Run a bundled query by name, or a query file, and print its answer.

    Rows go to stdout (a CONSTRUCT query gives Turtle), their count to stderr.

    Example:

    \b
        kg query run projects_active_in_year --param year=2021 --format csv
        kg query run publications_list --graph https://lapuschkin.com/kg/ \\
            --endpoint http://localhost:7878/query
    """
    from kg import query as queries

    with reporting():
        result = queries.run(
            name,
            queries.parse_assignments(assignments),
            data=data,
            graph_file=graph_file,
            endpoint=endpoint,
            graph=graph,
            timeout=timeout,
        )
        text = queries.format_result(result, fmt)
    click.echo(text, nl=False)
    if result.graph is not None:
        click.echo(f"{len(result.graph)} triples", err=True)
    elif result.boolean is None:
        click.echo(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}", err=True)


class _Bars:
    """A progress bar per stage on stderr, for stages that last: made only on a terminal (see
    `_bars`), so cron jobs and pipes stay silent, and a quick build shows nothing at all."""

    DELAY = 0.5  # seconds a stage runs before it gets a bar

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.stage: str | None = None
        self.started = 0.0
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage, self.started = stage, time.monotonic()
        if self.bar is None:
            if time.monotonic() - self.started < self.DELAY:
                return
            self.bar = click.progressbar(length=total, label=stage, file=self.stream)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextmanager
def _bars() -> Iterator[_Bars | None]:
    """Bars on a terminal, None otherwise."""
    bars = _Bars() if sys.stderr.isatty() else None
    try:
        yield bars
    finally:
        if bars is not None:
            bars.close()


@cli.command(name="push")
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The store's base URL; fuseki: the dataset URL, graphdb: the repository URL, "
    "generic: the SPARQL endpoint.",
)
@click.option("--graph", required=True, metavar="IRI", help="The named graph to replace.")
@click.option(
    "--preset",
    type=click.Choice(["oxigraph", "fuseki", "graphdb", "virtuoso", "generic"]),
    default="generic",
    show_default=True,
    help="The kind of store: gives its query, update and Graph Store Protocol URLs.",
)
@click.option(
    "--method",
    type=click.Choice(["gsp", "update"]),
    default="gsp",
    show_default=True,
    help="gsp: the Graph Store Protocol (only the changes when few triples differ; one PUT "
    "into an empty graph on Oxigraph; otherwise a PUT into a staging graph, then one MOVE onto "
    "--graph); update: batched INSERT DATA into a staging graph, then one MOVE.",
)
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    help="The data folder to validate and push.  [default: data]",
)
@click.option(
    "--file",
    "rdf_file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Push an exported graph (kg.nt, kg.ttl) instead of --data; it is validated too.",
)
@base_option
@click.option("--query-url", metavar="URL", help="Override the preset's SPARQL query URL.")
@click.option("--update-url", metavar="URL", help="Override the preset's SPARQL update URL.")
@click.option("--gsp-url", metavar="URL", help="Override the preset's Graph Store Protocol URL.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    metavar="TRIPLES",
    help="Triples per INSERT DATA with --method update.  [default: 10000; virtuoso: 1000]",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=300,
    show_default=True,
    metavar="SECONDS",
    help="How long one request may wait for the store's answer.",
)
@click.option("--dry-run", is_flag=True, help="Validate and print the plan; send nothing.")
def push_command(
    endpoint: str,
    graph: str,
    preset: str,
    method: str,
    data: Path | None,
    rdf_file: Path | None,
    base: str | None,
    query_url: str | None,
    update_url: str | None,
    gsp_url: str | None,
    batch_size: int | None,
    timeout: float,
    dry_run: bool,
) -> None:
    """Replace a named graph in a triple store with the validated graph, atomically.

    When the graph in the store differs from the new one by a few triples, one update request
    deletes and inserts just those; an empty graph on Oxigraph takes one transactional PUT;
    otherwise the graph goes into a staging graph, then one SPARQL Update MOVE puts it onto
    --graph. Each way, readers see the old graph or the new one, never a part. The data is
    validated before anything is sent, and the graph's triples are counted afterwards.
    Credentials come from KG_PUSH_USER and KG_PUSH_PASSWORD, or ~/.netrc; never from options.
    Exit code 0: pushed; 1: invalid data or a failed push (the graph is unchanged); 2: usage
    error.

    Example:

    \b
        kg push --endpoint http://localhost:7878 --preset oxigraph \\
            --graph https://lapuschkin.com/kg/
    """
    from kg.push import Settings, push

    with reporting(), _bars() as bars:
        progress = None if bars is None else functools.partial(bars, "Pushing")
        result = push(
            endpoint,
            graph,
            preset=preset,
            method=method,
            data=data,
            file=rdf_file,
            base=base,
            query_url=query_url,
            update_url=update_url,
            gsp_url=gsp_url,
            dry_run=dry_run,
            settings=Settings(timeout=timeout, batch_size=batch_size),
            progress=progress,
        )
    if result.dry_run:
        click.echo("\n".join(result.describe()))
        click.echo("dry run: valid, nothing sent", err=True)
        return
    click.echo(
        f"pushed {result.triples} triples to <{result.graph}> "
        f"({result.method}, {result.seconds:.1f} s){_strategy(result)}",
        err=True,
    )


def _strategy(result: Any) -> str:
    """How the graph was replaced, for logs: `: delta -2 +3`, `: put` or `: staged`."""
    if not result.strategy:
        return ""
    if result.strategy == "delta":
        return f": delta -{result.deleted} +{result.inserted}"
    return f": {result.strategy}"


def main() -> None:
    """Console entry point; an interrupt ends quietly with the shell's usual code.

    The process ends without freeing its objects one by one: after an institute's build that
    alone takes seconds, and the operating system takes the memory back at once.
    """
    try:
        cli(standalone_mode=True)
        code = 0
    except KeyboardInterrupt:
        click.echo("Interrupted", err=True)
        code = 130
    except SystemExit as stop:
        code = _exit_code(stop)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)


def _exit_code(stop: SystemExit) -> int:
    if stop.code is None or isinstance(stop.code, int):
        return stop.code or 0
    print(stop.code, file=sys.stderr)
    return 1


# Re-exported for tests that check the hierarchy maps to the documented exit codes.
EXIT_CODES = {LoadError: 2, RecordError: 1, ValidationFailed: 1}
