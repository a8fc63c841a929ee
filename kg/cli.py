"""The `kg` command: a thin click layer over the library (STYLE.md lesson 1).

Each command parses its options, calls one library function and reports. Every `KgError`
becomes its located problems and one `Error: …` line on stderr with the documented exit code
(0 success, 1 invalid data or failed operation, 2 usage or load error); data goes to stdout.
"""

from __future__ import annotations

import sys
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
def build(data: Path, out: Path, base: str | None, private: bool) -> None:
    """Validate the records, then write the graph as Turtle, JSON-LD and N-Triples.

    Nothing is written if the records are invalid; outputs are replaced atomically.

    Example:

        kg build --data data --out out
    """
    with reporting():
        result = pipeline.build(data, out, base=base, private=private)
    for path in result.files:
        click.echo(str(path))
    click.echo(f"{len(result.graph)} triples, valid", err=True)


@cli.command()
@data_option
@base_option
@click.option("--private", is_flag=True, help="Also validate the graph with personal data.")
def validate(data: Path, base: str | None, private: bool) -> None:
    """Check the records and the graph against the SHACL shapes.

    Prints one line per problem, "file:line record field: message", on stderr.
    Exit code 0: conforms; 1: violations; 2: the data cannot be loaded.

    Example:

        kg validate --data data
    """
    with reporting():
        graph = pipeline.validate_data(data, base=base, private=private)
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


def main() -> None:
    """Console entry point; an interrupt ends quietly with the shell's usual code."""
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("Interrupted", err=True)
        sys.exit(130)


# Re-exported for tests that check the hierarchy maps to the documented exit codes.
EXIT_CODES = {LoadError: 2, RecordError: 1, ValidationFailed: 1}
